"""Entry point for gunicorn: `gunicorn -w 4 -b 127.0.0.1:8000 wsgi:app` behind a TLS proxy.

Always production (docs/security.md): the rest of the configuration comes from the environment as for
every entry point (grants/config.py); SECRET_KEY of 32+ bytes and DATABASE_URL must be set, and the
service refuses to start while a demo account still opens with a published demo password.
"""

from sqlalchemy.exc import SQLAlchemyError

from grants import create_app
from grants.accounts.operations import open_accounts
from grants.config import DEFAULT_DEMO_PASSWORD
from grants.extensions import db
from grants.seed.data.people import DEMO_EMAILS


def refuse_open_demo_accounts(app) -> None:
    """Stop here when a demo account (seed-demo) still opens with the published or configured demo password."""
    with app.app_context():
        try:
            found = open_accounts(DEMO_EMAILS, {DEFAULT_DEMO_PASSWORD, app.config["DEMO_PASSWORD"]})
        except SQLAlchemyError:  # no users table yet: nothing to open
            found = []
        finally:
            db.session.remove()
    if found:
        raise RuntimeError(
            "Refusing to start in production: the demo accounts "
            + ", ".join(found)
            + " open with the published demo password. Deactivate them or change their passwords "
            "(`flask --app grants set-password --email …`)."
        )


app = create_app({"GRANTS_ENV": "production"})
refuse_open_demo_accounts(app)
