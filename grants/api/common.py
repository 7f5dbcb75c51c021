"""What every route module of the API shares: the blueprint, authentication, loading, paging.

Routes declare their query, body and answer as schemas (grants/api/schemas*.py) with
@bp.arguments / @bp.response; they load, check, call one operation and commit once. A refused
request or a broken rule raises RuleViolation, answered in the error shape by the one handler in
grants/main/errors.py; abort(401/403/404) answers the same shape (docs/api.md).
"""

import math
from dataclasses import dataclass, field
from http import HTTPStatus

from flask import abort, current_app, request
from flask_login import current_user

from grants.accounts.auth import bearer_token, user_for_token
from grants.core.errors import RuleViolation
from grants.core.permissions import MAX_ID
from grants.core.schemas import Blueprint
from grants.extensions import csrf, db
from grants.monitoring import operations as workflow
from grants.monitoring.models import Evaluation
from grants.monitoring.results import evaluation_result
from grants.scoring import operations as scoring

bp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="Lots, projects and their joint public-council evaluation (docs/api.md)",
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EVALUATION = f"/evaluations/<int(max={MAX_ID}):evaluation_id>"
# Who may call: documented on every operation that needs a signed-in caller.
SIGNED_IN = [{"bearerAuth": []}, {"sessionCookie": []}]
ANYONE = [{}, *SIGNED_IN]


@bp.before_request
def _csrf_for_session_callers():
    """Writes need a CSRF token unless a valid bearer token authenticates them (docs/security.md).

    An invalid, expired or revoked token does not exempt the request: with the browser's cookies it
    would otherwise be a cross-site write. The token endpoint itself takes no cookie and is exempt.
    """
    if request.method in SAFE_METHODS or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return None
    if request.endpoint == "api.create_token":
        return None
    token = bearer_token()
    if token is not None and user_for_token(token) is not None:
        return None
    csrf.protect()  # raises CSRFError -> the error shape, 400 (grants/main/errors.py)
    return None


def errors(*statuses: int):
    """Document the error answers an operation may give, each in the error shape."""

    def decorate(view):
        for status in statuses:
            view = bp.alt_response(status, response=HTTPStatus(status).name)(view)
        return view

    return decorate


def for_signed_in(view):
    """Document that the operation needs a bearer token or a session, and may answer 401."""
    return bp.doc(security=SIGNED_IN)(errors(401)(view))


def signed_in():
    """The caller, or 401."""
    if not current_user.is_authenticated:
        abort(401)
    return current_user


def refuse(status: int, message: str, code: str | None = None):
    raise RuleViolation(message, status=status, code=code)


def paginate(query, page: int, per_page: int) -> dict:
    """One page of a select() as {items, page, pages, per_page, total}; past the end: no items."""
    return page_answer(db.paginate(query, page=page, per_page=per_page, error_out=False, count=True))


def page_answer(result) -> dict:
    """A Flask-SQLAlchemy page as {items, page, pages, per_page, total}, with `next` (the cursor of the
    next page, or None) when it is a keyset page (grants/core/pagination.py)."""
    total = result.total or 0
    answer = {
        "items": result.items,
        "page": result.page,
        "pages": math.ceil(total / result.per_page) if total else 0,
        "per_page": result.per_page,
        "total": total,
    }
    if hasattr(result, "next_cursor"):
        answer["next"] = result.next_cursor
    return answer


# --- evaluations ------------------------------------------------------------------------------------


def load_evaluation(evaluation_id: int) -> Evaluation:
    """The evaluation if the caller may view it; everybody else is told it does not exist."""
    evaluation = db.session.get(Evaluation, evaluation_id)
    if evaluation is None or not evaluation.can_view(current_user):
        abort(404)
    return evaluation


def permissions(evaluation: Evaluation, user) -> dict:
    return {
        "score": evaluation.can_score(user) and not evaluation.is_affiliated(user),
        "chair": evaluation.is_chair(user),
        "consolidate": evaluation.can_consolidate(user),
        "edit_needs": workflow.can_edit_needs(evaluation, user),
    }


@dataclass
class EvaluationForCaller:
    """An evaluation as one caller sees it: grants/api/schemas_evaluations.py dumps it."""

    evaluation: Evaluation
    user: object
    card: object
    result: object
    permissions: dict
    show_scores: bool
    reviews: list = field(default_factory=list)
    reports: list = field(default_factory=list)

    def __getattr__(self, name):  # id, kind, state, ... of the evaluation itself
        return getattr(self.__dict__["evaluation"], name)


def for_caller(evaluation: Evaluation) -> EvaluationForCaller:
    user = current_user
    card = evaluation.scorecard_of(user)
    if card is None and (evaluation.is_draft or evaluation.in_scoring) and evaluation.group.has_member(user):
        card = scoring.blank_scorecard(evaluation, user)  # shown empty; created by the first save
    return EvaluationForCaller(
        evaluation,
        user,
        card,
        evaluation_result(evaluation),
        permissions(evaluation, user),
        evaluation.can_see_scores(user),
    )
