"""One way for every view to load an object and check what the current user may do with it.

Rules themselves are the models' can_<action>(user) methods; this helper only calls them,
so pages, API and templates agree.
"""

from flask import abort
from flask_login import current_user

from grants.extensions import db

MAX_ID = 2**31 - 1  # integer primary keys; larger ids would overflow the database driver


def authorize(obj, action: str = "view", user=None, hide: bool = False):
    """Abort 403 unless obj.can_<action>(user); 404 instead when the user may not even view it and hide is set."""
    user = user if user is not None else current_user
    if getattr(obj, f"can_{action}")(user):
        return obj
    if hide and not obj.can_view(user):
        abort(404)
    abort(403)


def get_or_404(model, ident, options=()):
    """Get model by primary key (with the loader options given); 404 when there is none (or the id
    cannot be one)."""
    if not isinstance(ident, int) or not 0 < ident <= MAX_ID:
        abort(404)
    obj = db.session.get(model, ident, options=options)
    if obj is None:
        abort(404)
    return obj


def load(model, ident, action: str = "view", hide: bool = False, options=()):
    """Get model by primary key (404 when missing) and authorize the action on it; options: loader
    options for what the page reads of it (docs/performance.md#query-counts)."""
    return authorize(get_or_404(model, ident, options), action, hide=hide)


def require_role(*roles: str):
    """Abort 401/403 unless the current user holds one of roles."""
    if not current_user.is_authenticated:
        abort(401)
    if not any(current_user.has_role(r) for r in roles):
        abort(403)
