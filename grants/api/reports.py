"""The ministry's review, publication and report downloads.

As in grants/api/evaluations.py: a caller who may not view the evaluation gets 404; the route
calls one operation of grants.reports.operations and commits once. Reports are sent as stored,
with their sha256 as the ETag.
"""

from flask_babel import gettext as _
from flask_login import current_user

from grants.api.common import (
    EVALUATION,
    bp,
    errors,
    for_caller,
    for_signed_in,
    load_evaluation,
    refuse,
    signed_in,
)
from grants.api.schemas_evaluations import ReportArgs, ReviewedEvaluationSchema, ReviewRequestSchema
from grants.extensions import db
from grants.monitoring.models import Evaluation
from grants.reports import operations as reports
from grants.reports.delivery import readable_reports, report_for, send_report

TAGS = ["reports"]


def _reviewed(evaluation: Evaluation):
    """The evaluation as the manager sees it, with the review decisions and every issued report."""
    view = for_caller(evaluation)
    view.reviews = list(evaluation.reviews)
    view.reports = readable_reports(evaluation, current_user)
    return view


@bp.post(f"{EVALUATION}/review", tags=TAGS)
@bp.arguments(ReviewRequestSchema)
@bp.response(200, ReviewedEvaluationSchema)
@for_signed_in
@errors(403, 404, 409)
def review_evaluation(body, evaluation_id: int):
    """The campaign's ministry staff accept the evaluation or return it to the group, with a comment."""
    evaluation = load_evaluation(evaluation_id)
    reports.review(evaluation, signed_in(), body["decision"], body.get("comment"))
    db.session.commit()
    return _reviewed(evaluation)


@bp.post(f"{EVALUATION}/publish", tags=TAGS)
@bp.response(200, ReviewedEvaluationSchema)
@for_signed_in
@errors(403, 404, 409)
def publish_evaluation(evaluation_id: int):
    """Publish an accepted evaluation: its final reports and results become public."""
    evaluation = load_evaluation(evaluation_id)
    reports.publish(evaluation, signed_in())
    db.session.commit()
    return _reviewed(evaluation)


@bp.get(f"{EVALUATION}/report.pdf", tags=TAGS)
@bp.arguments(ReportArgs, location="query")
@bp.response(
    200,
    {"type": "string", "format": "binary"},
    content_type="application/pdf",
    description="The issued PDF, exactly as stored",
)
@bp.alt_response(304, response="NOT_MODIFIED")
@errors(404, 409)
def evaluation_report(args, evaluation_id: int):
    """The newest issued report in ?lang= that the caller may read; the public: published final reports.
    409 (report_being_prepared, with Retry-After) while its PDF is still being rendered."""
    evaluation = db.session.get(Evaluation, evaluation_id)
    found = report_for(evaluation, args["lang"], current_user) if evaluation is not None else None
    if found is None:
        refuse(404, _("No report of this evaluation has been issued in this language."))
    return send_report(found, latest=True)
