import click
from flask.cli import with_appcontext

from grants.accounts.models import Role, User
from grants.accounts.operations import change_password, find_user, save_user
from grants.core.identifiers import is_valid_bin
from grants.extensions import db
from grants.organisations.models import Organisation


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True, help="Full name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role]), required=True)
@click.option("--organisation-bin", default=None, help="BIN of the person's organisation")
@with_appcontext
def create_user(email, full_name, password, roles, organisation_bin):
    """Create a user account."""
    if find_user(email) is not None:
        raise click.ClickException(f"a user with email {email} already exists")
    if len(password) < 10:
        raise click.ClickException("the password must have at least 10 characters")
    org_id = None
    if organisation_bin:
        if not is_valid_bin(organisation_bin):
            raise click.ClickException(f"{organisation_bin} is not a valid BIN")
        org = db.session.query(Organisation).filter_by(bin=organisation_bin).one_or_none()
        if org is None:
            raise click.ClickException(f"no organisation with BIN {organisation_bin}")
        org_id = org.id
    user = save_user(
        User(),
        {"email": email, "full_name": full_name, "organisation_id": org_id, "active": True},
        [],
        list(roles),
        password,
    )
    db.session.commit()
    click.echo(f"created user {user.id} {user.email} with roles {', '.join(roles)}")


@click.command("set-password")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def set_password(email, password):
    """Set a user's password; every session and API token of the user ends."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    if len(password) < 10:
        raise click.ClickException("the password must have at least 10 characters")
    change_password(user, password)
    db.session.commit()
    click.echo(f"password of {user.email} changed; their sessions and API tokens have ended")
