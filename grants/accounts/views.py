from flask import Blueprint, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from grants.accounts.forms import LoginForm, PasswordForm, UserForm
from grants.accounts.models import User
from grants.accounts.operations import authenticate, change_password, end_sessions, find_user, save_user
from grants.accounts.throttle import login_throttle
from grants.core.permissions import load, require_role
from grants.core.validation import is_local_path
from grants.extensions import db
from grants.organisations.models import Organisation

bp = Blueprint("accounts", __name__)


def _throttled(template: str, form, field, wait: int, **context):
    """The form again with 429, Retry-After (seconds) and the message in the reader's language."""
    field.errors.append(_("Too many failed attempts. Try again later."))
    response = make_response(render_template(template, form=form, **context), 429)
    response.headers["Retry-After"] = str(wait)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data
        wait = login_throttle.retry_after(email)
        if wait is not None:
            return _throttled("accounts/login.html", form, form.password, wait)
        user = authenticate(email, form.password.data)
        if user is None:
            login_throttle.failed(email)
            form.password.errors.append(_("Wrong email or password."))
        else:
            login_user(user, remember=form.remember.data)
            if user.language:
                session["lang"] = user.language
            db.session.commit()
            target = request.args.get("next", "")
            if not is_local_path(target):
                target = url_for("main.home")
            response = redirect(target)
            login_throttle.succeeded(email, response)
            return response
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    """Log out everywhere: every session, remember cookie and API token of the user ends (docs/security.md)."""
    if current_user.is_authenticated:
        end_sessions(current_user)
        db.session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """The user's own account: interface language (stored by POST /lang/<code>) and password."""
    form = PasswordForm()
    if form.validate_on_submit():
        email = current_user.email
        wait = login_throttle.retry_after(email)
        if wait is not None:
            return _throttled("accounts/account.html", form, form.current_password, wait)
        if not current_user.check_password(form.current_password.data):
            login_throttle.failed(email)
            form.current_password.errors.append(_("Wrong password."))
        else:
            user = current_user._get_current_object()
            change_password(user, form.new_password.data)
            db.session.commit()
            login_user(user)  # this browser stays logged in, on the new generation
            flash(_("Password changed. You have been logged out everywhere else."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form)


@bp.get("/admin/users")
@login_required
def users():
    require_role("admin")
    rows = db.session.scalars(select(User).order_by(User.full_name)).all()
    return render_template("accounts/users.html", users=rows)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@login_required
def user_new():
    require_role("admin")
    return _edit_user(User(), new=True)


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
def user_edit(user_id: int):
    user = load(User, user_id, "edit")
    return _edit_user(user, new=False)


def _edit_user(user: User, new: bool):
    form = UserForm(obj=None if new else user)
    form.organisation_id.choices = [(None, "—")] + [
        (o.id, f"{o.name} ({o.bin})")
        for o in db.session.scalars(select(Organisation).order_by(Organisation.name_ru))
    ]
    if request.method == "GET" and not new:
        form.roles.data = [r.value for r in user.roles]
        form.affiliations.data = "\n".join(sorted(user.affiliated_bins))
    if form.validate_on_submit():
        other = find_user(form.email.data)
        if other is not None and other.id != user.id:
            form.email.errors.append(_("A user with this email already exists."))
        elif new and not form.password.data:
            form.password.errors.append(_("Set a password for the new user."))
        else:
            itself = not new and user.id == current_user.id
            save_user(user, form.data, form.affiliation_bins(), form.roles.data, form.password.data)
            db.session.commit()
            if itself and form.password.data:
                login_user(user)  # an administrator changing their own password stays logged in here
            flash(_("Saved."), "success")
            return redirect(url_for("accounts.users"))
    title = _("New user") if new else user.full_name
    return render_template("form.html", form=form, title=title, back=url_for("accounts.users"))
