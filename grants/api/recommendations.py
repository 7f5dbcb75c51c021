"""JSON API of recommendations: the register and the addressee's response (docs/api.md#recommendations).

Visibility is Recommendation.visible_to: the public sees published ones; council people their councils';
an addressee's officials and NGO users those sent to their organisation. A recommendation the caller may
not see does not exist (404)."""

from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields

from grants.api.common import bp, errors, for_signed_in, paginate, refuse, signed_in
from grants.cooperation import recommendations as ops
from grants.cooperation.models import Recommendation, RecommendationStatus
from grants.core.errors import today_local
from grants.core.permissions import MAX_ID
from grants.core.schemas import (
    Answer,
    EnumValue,
    Page,
    PageArgs,
    Schema,
    Shown,
    UtcDateTime,
    between,
    computed,
    limited_text,
    matches,
    one_of,
)
from grants.core.schemas import lazy as _l
from grants.core.validation import MAX_TEXT
from grants.extensions import db

TAGS = ["recommendations"]
Nullable = {"allow_none": True}


class RecommendationListArgs(PageArgs):
    year = fields.String(validate=matches(r"[1-9][0-9]{3}", _l("Must be a four-digit year.")))
    council = fields.Integer(validate=between(1, MAX_ID), metadata={"description": "council id"})
    addressee = fields.String(
        validate=matches(r"[0-9]{1,12}", _l("Must be an organisation id or a 12-digit BIN.")),
        metadata={"description": "the addressee organisation's id or 12-digit BIN"},
    )
    topic = fields.Integer(validate=between(1, MAX_ID), metadata={"description": "public need id"})
    status = fields.String(validate=one_of(s.value for s in RecommendationStatus))
    overdue = fields.Boolean(metadata={"description": "only the overdue ones"})


class ResponseRequestSchema(Schema):
    text = limited_text(MAX_TEXT, blank=False, required=True)
    links = fields.List(limited_text(1000), allow_none=True, metadata={"items": {"format": "uri"}})


class AddresseeSchema(Answer):
    id = fields.Integer()
    bin = fields.String()
    name = fields.String()


class CouncilRefSchema(Answer):
    id = fields.Integer()
    name = fields.String()


class TopicSchema(Answer):
    id = fields.Integer()
    title = fields.String()


class ResponseAttachmentSchema(Answer):
    id = fields.Integer()
    filename = fields.String(**Nullable)
    url = computed(
        fields.String(**Nullable),
        lambda a: a.url if a.url else f"/recommendations/attachments/{a.id}",
    )
    is_link = computed(fields.Boolean(), lambda a: bool(a.url))


class SourceSchema(Answer):
    decision_id = fields.Integer(**Nullable)
    meeting_id = computed(
        fields.Integer(**Nullable),
        lambda r: r.meeting_id or (r.decision.meeting_id if r.decision is not None else None),
    )
    evaluation_id = fields.Integer(**Nullable)
    activity_id = fields.Integer(**Nullable)


class RecommendationSchema(Answer):
    id = fields.Integer()
    status = EnumValue(RecommendationStatus)
    overdue = fields.Boolean()
    council = fields.Nested(CouncilRefSchema)
    addressee = fields.Nested(AddresseeSchema)
    text = fields.String()
    due_date = fields.Date(**Nullable)
    topics = computed(fields.List(fields.Nested(TopicSchema)), lambda r: list(r.needs))
    sent_at = UtcDateTime(**Nullable)
    published = computed(fields.Boolean(), lambda r: r.is_published)
    response = fields.String(**Nullable)
    responded_at = UtcDateTime(**Nullable)
    attachments = computed(
        fields.List(fields.Nested(ResponseAttachmentSchema)),
        lambda r: list(r.attachments) if r.responded_at else [],
    )
    assessment = fields.String(**Nullable)
    status_reason = fields.String(**Nullable)
    assessed_at = UtcDateTime(**Nullable)
    source = computed(fields.Nested(SourceSchema), lambda r: r)
    can_respond = fields.Boolean()


class RecommendationPageSchema(Page):
    items = fields.List(fields.Nested(RecommendationSchema))


def _shown(rec: Recommendation, today) -> Shown:
    return Shown(rec, overdue=rec.is_overdue(today), can_respond=rec.can_respond(current_user))


def _load(rec_id: int) -> Recommendation:
    rec = db.session.get(Recommendation, rec_id)
    if rec is None or not rec.can_view(current_user):
        refuse(404, _("No recommendation with this id."))
    return rec


@bp.get("/recommendations", tags=TAGS)
@bp.arguments(RecommendationListArgs, location="query")
@bp.response(200, RecommendationPageSchema)
def list_recommendations(args):
    """The recommendations the caller may see, filtered by year, council, addressee, topic and status."""
    today = today_local()
    filters = ops.Filters(
        year=int(args["year"]) if args.get("year") else None,
        council=args.get("council"),
        addressee=args.get("addressee"),
        topic=args.get("topic"),
        status=args.get("status"),
        overdue=bool(args.get("overdue")),
    )
    page = paginate(ops.register_query(current_user, filters, today), args["page"], args["per_page"])
    page["items"] = [_shown(rec, today) for rec in page["items"]]
    return page


@bp.get(f"/recommendations/<int(max={MAX_ID}):rec_id>", tags=TAGS)
@bp.response(200, RecommendationSchema)
@errors(404)
def get_recommendation(rec_id: int):
    """One recommendation with its response and the council's assessment."""
    return _shown(_load(rec_id), today_local())


@bp.post(f"/recommendations/<int(max={MAX_ID}):rec_id>/response", tags=TAGS)
@bp.arguments(ResponseRequestSchema)
@bp.response(200, RecommendationSchema)
@for_signed_in
@errors(403, 404, 409)
def respond(body, rec_id: int):
    """The addressee's official (or NGO user) answers a sent recommendation, once."""
    user = signed_in()
    rec = _load(rec_id)
    if not speaks(user, rec):
        refuse(403, _("Only the addressee's representatives answer this recommendation."))
    if rec.status == RecommendationStatus.draft:
        refuse(409, _("This recommendation has not been sent yet."))
    ops.respond(rec, user, body["text"], links=body.get("links") or [])
    db.session.commit()
    return _shown(rec, today_local())


def speaks(user, rec: Recommendation) -> bool:
    return (user.has_role("official") or user.has_role("ngo")) and user.works_for(rec.addressee_id)
