"""Answers and requests of the evaluation work: scorecards, the chair's consolidation, the ministry's
review, issued reports and the right of reply. Others' scores are shown only when the caller may see
them (Evaluation.can_see_scores): the fields after `permissions` are then present, otherwise absent.
"""

from flask import url_for
from marshmallow import fields, post_dump

from grants.api.schemas import NamedRefSchema, OrganisationRefSchema, Text
from grants.core.schemas import (
    MAX_ID,
    TENTH,
    Answer,
    DecimalString,
    EnumValue,
    Page,
    PageArgs,
    QuerySchema,
    Schema,
    StrictBoolean,
    StrictInteger,
    UtcDateTime,
    between,
    computed,
    limited_text,
    one_of,
)
from grants.core.schemas import lazy as _l
from grants.core.validation import MAX_LONG_TEXT, MAX_REASON, MAX_TEXT
from grants.monitoring.models import EvaluationState, SubjectKind
from grants.reports.delivery import REPORT_LANGS
from grants.reports.models import RenderStatus, ReportKind
from grants.scoring.models import RecusalReason

MAX_FINDINGS = MAX_LONG_TEXT  # the limits are the operations' (grants/core/validation.py)
SCORECARD_STATUSES = ("not_declared", "draft", "submitted", "not_submitted", "recused")
Nullable = {"allow_none": True}
optional = {"metadata": {"optional": True}}


def scorecard_status(card, affiliated: bool = False) -> str:
    """not_declared, draft, submitted, not_submitted (scoring closed without it) or recused."""
    if (card is None and affiliated) or (card is not None and card.recused):
        return "recused"
    if card is None or not card.declared:
        return "not_declared"
    if card.submitted_at is not None:
        return "submitted"
    return "not_submitted" if card.not_submitted else "draft"


# --- requests ---------------------------------------------------------------------------------------


class EvaluationArgs(PageArgs):
    mine = fields.Boolean(
        load_default=False,
        truthy={"1", "true"},
        falsy={"0", "false"},
        metadata={"description": "1: the caller's own (a member's groups; an NGO's projects)"},
    )
    state = fields.String(validate=one_of(s.value for s in EvaluationState))
    kind = fields.String(validate=one_of(k.value for k in SubjectKind))
    campaign = fields.Integer(validate=between(1, MAX_ID))


class ScoreEntryRequestSchema(Schema):
    score = StrictInteger(allow_none=True)
    comment = limited_text(MAX_TEXT, allow_none=True)


class ScorecardRequestSchema(Schema):
    conflict_of_interest = StrictBoolean()
    conflict_note = limited_text(MAX_TEXT, allow_none=True)
    scores = fields.Dict(keys=Text(), values=fields.Nested(ScoreEntryRequestSchema))


class ReasonRequestSchema(Schema):
    reason = limited_text(MAX_REASON, allow_none=True)


class ReasonArgs(QuerySchema):
    reason = limited_text(MAX_REASON)


class NeedLinkRequestSchema(ReasonRequestSchema):
    need_id = StrictInteger(
        required=True, validate=between(1, MAX_ID, _l("Must be the id of a public need."))
    )


class ConsolidationRequestSchema(Schema):
    conclusions = fields.Dict(keys=Text(), values=limited_text(MAX_TEXT, allow_none=True), allow_none=True)
    consensus_notes = fields.Dict(
        keys=Text(), values=limited_text(MAX_TEXT, allow_none=True), allow_none=True
    )
    findings = limited_text(MAX_FINDINGS, allow_none=True)
    recommendations = limited_text(MAX_FINDINGS, allow_none=True)


class ReviewRequestSchema(Schema):
    decision = fields.String(required=True, validate=one_of(("accept", "return")))
    comment = limited_text(MAX_TEXT, allow_none=True)


class ReportArgs(QuerySchema):
    lang = fields.String(load_default="ru", validate=one_of(REPORT_LANGS))


class ReplyRequestSchema(Schema):
    criterion = limited_text(60, allow_none=True)
    finding = limited_text(MAX_TEXT, allow_none=True)
    text = limited_text(MAX_TEXT, required=True)
    links = fields.List(limited_text(1000), allow_none=True, metadata={"items": {"format": "uri"}})


class RulingRequestSchema(Schema):
    decision = fields.String(required=True, validate=one_of(("accepted", "rejected")))
    reason = limited_text(MAX_TEXT, allow_none=True)
    changes_score = StrictBoolean(load_default=False)


# --- answers: evaluations ---------------------------------------------------------------------------


class PersonSchema(Answer):
    id = fields.Integer()
    full_name = Text()


class ScoreEntrySchema(Answer):
    score = fields.Integer(**Nullable)
    comment = Text(**Nullable)


def _card_scores(card) -> dict:
    return {
        s.criterion_code: {"score": s.score, "comment": s.comment}
        for s in sorted(card.scores, key=lambda s: s.criterion_code)
    }


class ScorecardSchema(Answer):
    """The caller's own scorecard, drafts included."""

    member = fields.Nested(PersonSchema)
    status = computed(Text(metadata={"enum": list(SCORECARD_STATUSES)}), scorecard_status)
    conflict_of_interest = fields.Boolean(**Nullable)
    conflict_note = Text(**Nullable)
    declared_at = UtcDateTime(**Nullable)
    recused = fields.Boolean()
    recusal_reason = EnumValue(RecusalReason, **Nullable)
    recusal_reason_title = computed(
        Text(**Nullable), lambda card: card.recusal_reason.title if card.recusal_reason else None
    )
    submitted_at = UtcDateTime(**Nullable)
    reopened_at = UtcDateTime(**Nullable)
    scores = computed(fields.Dict(keys=Text(), values=fields.Nested(ScoreEntrySchema)), _card_scores)


class MemberScorecardSchema(Answer):
    """Another member's card as the group sees it: scores only once submitted, never a draft."""

    member = fields.Nested(PersonSchema)
    status = computed(Text(metadata={"enum": list(SCORECARD_STATUSES)}), scorecard_status)
    submitted = computed(fields.Boolean(), lambda card: card.submitted_at is not None)
    submitted_at = UtcDateTime(**Nullable)
    recused = fields.Boolean()
    scores = computed(
        fields.Dict(keys=Text(), values=fields.Nested(ScoreEntrySchema)),
        lambda card: _card_scores(card) if card.counts else {},
    )


class EvaluationSummarySchema(Answer):
    """An evaluation as listed; scorecard_status is the caller's (null when not a member of the group)."""

    id = fields.Integer()
    kind = EnumValue(SubjectKind)
    state = EnumValue(EvaluationState)
    state_title = computed(Text(), lambda e: e.state.title)
    deadline = fields.Date()
    title = Text()
    campaign = fields.Nested(NamedRefSchema)
    group = fields.Nested(NamedRefSchema)
    url = computed(Text(), lambda e: url_for("api.evaluation_detail", evaluation_id=e.id))
    scorecard_status = computed(
        Text(allow_none=True, metadata={"enum": [*SCORECARD_STATUSES, None]}),
        lambda e: scorecard_status(e.card, e.affiliated) if e.member else None,
    )


class EvaluationPageSchema(Page):
    items = fields.List(fields.Nested(EvaluationSummarySchema))


class CriterionSchema(Answer):
    code = Text()
    name = Text()
    short = Text()
    weight = DecimalString()
    descriptors = computed(
        fields.Dict(keys=Text(), values=Text()),
        lambda c: {level: c.descriptor(level) for level in sorted(c.descriptors or {}, key=int)},
    )


class BandLimitSchema(Answer):
    min = DecimalString()
    code = Text()
    title = Text()


class MethodologySchema(Answer):
    id = fields.Integer()
    code = Text()
    version = fields.Integer()
    kind = EnumValue(SubjectKind)
    name = Text()
    scale_min = fields.Integer()
    scale_max = fields.Integer()
    quorum = fields.Integer()
    disagreement_threshold = fields.Integer()
    comment_required_scores = computed(
        fields.List(fields.Integer()), lambda m: sorted(m.comment_required_scores or [])
    )
    criteria = fields.List(fields.Nested(CriterionSchema))
    bands = computed(
        fields.List(fields.Nested(BandLimitSchema)),
        lambda m: [{"min": low, "code": code, "title": m.band_title(code)} for low, code in m.band_pairs()],
    )


class LotRefSchema(Answer):
    id = fields.Integer()
    number = Text()
    year = fields.Integer()
    title = Text()


class LinkedNeedSchema(Answer):
    id = computed(fields.Integer(), lambda link: link.need.id)
    title = computed(Text(), lambda link: link.need.title)
    reason = Text(**Nullable)


def linked_needs(lot) -> list:
    return sorted(lot.need_links, key=lambda link: link.need_id)


class SubjectSchema(Answer):
    """The evaluated project (with its lot and NGO) or lot (with its linked public needs)."""

    id = fields.Integer()
    title = Text()
    contract_number = Text(**optional)
    ngo = fields.Nested(OrganisationRefSchema, **optional)
    lot = fields.Nested(LotRefSchema, **optional)
    number = Text(**optional)
    year = fields.Integer(**optional)
    public_needs = fields.List(fields.Nested(LinkedNeedSchema), **optional)
    url = Text()

    @post_dump(pass_original=True)
    def _one_kind(self, data, evaluation, **kwargs):
        if evaluation.project is not None:
            for key in ("number", "year", "public_needs"):
                data.pop(key, None)
        else:
            for key in ("contract_number", "ngo", "lot"):
                data.pop(key, None)
        return data


def subject_of(evaluation):
    """The subject with its API url (the schema above dumps it)."""
    if evaluation.project is not None:
        item = evaluation.project
        url = url_for("api.project_detail", project_id=item.id)
        return _Subject(item, url, project=item, public_needs=None)
    item = evaluation.lot
    return _Subject(
        item, url_for("api.lot_detail", lot_id=item.id), project=None, public_needs=linked_needs(item)
    )


class _Subject:
    def __init__(self, item, url, project, public_needs):
        self._item, self.url, self.project, self.public_needs = item, url, project, public_needs

    def __getattr__(self, name):
        return getattr(self._item, name)


class GroupSchema(Answer):
    id = fields.Integer()
    name = Text()
    chair = fields.Nested(PersonSchema, **Nullable)
    members = computed(
        fields.List(fields.Nested(PersonSchema)),
        lambda group: [m.user for m in sorted(group.memberships, key=lambda m: m.user_id)],
    )


class PermissionsSchema(Answer):
    score = fields.Boolean()
    chair = fields.Boolean()
    consolidate = fields.Boolean()
    edit_needs = fields.Boolean()


class AggregateSchema(Answer):
    mean = computed(DecimalString(**Nullable), lambda agg: agg.mean_display)
    total = fields.Integer()
    min = computed(fields.Integer(**Nullable), lambda agg: agg.minimum)
    max = computed(fields.Integer(**Nullable), lambda agg: agg.maximum)
    n = fields.Integer()
    flagged = fields.Boolean()


SCORES = {"metadata": {"optional": True}}
CONSOLIDATED = ("conclusions", "consensus_notes", "findings", "recommendations")


def _index(view):
    return view.evaluation.index_value if view.evaluation.index_value is not None else view.result.index


def _band(view):
    return view.evaluation.band if view.evaluation.index_value is not None else view.result.band


class EvaluationSchema(Answer):
    """An evaluation for one caller (grants.api.common.EvaluationForCaller)."""

    id = fields.Integer()
    kind = EnumValue(SubjectKind)
    state = EnumValue(EvaluationState)
    state_title = computed(Text(), lambda view: view.state.title)
    deadline = fields.Date()
    title = Text()
    campaign = fields.Nested(NamedRefSchema)
    url = computed(Text(), lambda view: url_for("api.evaluation_detail", evaluation_id=view.id))
    group = fields.Nested(GroupSchema)
    subject = computed(fields.Nested(SubjectSchema), lambda view: subject_of(view.evaluation))
    methodology = fields.Nested(MethodologySchema)
    scoring_closed_at = UtcDateTime(**Nullable)
    finalized_at = UtcDateTime(**Nullable)
    my_scorecard = computed(fields.Nested(ScorecardSchema, **Nullable), lambda view: view.card)
    permissions = fields.Nested(PermissionsSchema)
    # Shown only when the caller may see the group's scores:
    aggregates = computed(
        fields.Dict(keys=Text(), values=fields.Nested(AggregateSchema), **SCORES),
        lambda v: v.result.aggregates,
    )
    index = computed(DecimalString(TENTH, allow_none=True, **SCORES), _index)
    band = computed(Text(allow_none=True, **SCORES), _band)
    band_title = computed(
        Text(allow_none=True, **SCORES), lambda v: v.evaluation.methodology.band_title(_band(v)) or None
    )
    official_total = computed(fields.Integer(**SCORES), lambda v: v.result.official_total)
    quorum = computed(fields.Integer(**SCORES), lambda v: v.result.quorum)
    quorum_met = computed(fields.Boolean(**SCORES), lambda v: v.result.quorum_met)
    submitted = computed(fields.Integer(**SCORES), lambda v: v.result.submitted)
    recused = computed(fields.Integer(**SCORES), lambda v: v.result.recused)
    scorecards = computed(
        fields.List(fields.Nested(MemberScorecardSchema), **SCORES),
        lambda v: [c for c in v.evaluation.scorecards if c.member_id != v.user.id],
    )
    # ... and, once scoring has closed, the consolidation:
    conclusions = computed(
        fields.Dict(keys=Text(), values=Text(**Nullable), **SCORES),
        lambda v: {c.criterion_code: c.conclusion for c in v.evaluation.conclusions if c.conclusion},
    )
    consensus_notes = computed(
        fields.Dict(keys=Text(), values=Text(**Nullable), **SCORES),
        lambda v: {c.criterion_code: c.consensus_note for c in v.evaluation.conclusions if c.consensus_note},
    )
    findings = Text(allow_none=True, **SCORES)
    recommendations = Text(allow_none=True, **SCORES)

    @post_dump(pass_original=True)
    def _scores_when_shown(self, data, view, **kwargs):
        hidden = [name for name, field in self.fields.items() if field.metadata.get("optional")]
        if view.show_scores:
            hidden = CONSOLIDATED if view.state in (EvaluationState.draft, EvaluationState.scoring) else []
        for name in hidden:
            data.pop(name, None)
        return data


class LotNeedsSchema(Answer):
    lot_id = fields.Integer()
    public_needs = fields.List(fields.Nested(LinkedNeedSchema))


# --- answers: the ministry's review and issued reports ----------------------------------------------


class ReportSchema(Answer):
    id = fields.Integer()
    kind = EnumValue(ReportKind)
    version = fields.Integer(validate=between(1))
    lang = Text(metadata={"enum": list(REPORT_LANGS)})
    sha256 = Text(
        allow_none=True,
        metadata={
            "pattern": "^[0-9a-f]{64}$",
            "description": "SHA-256 of the PDF; null while it is being prepared.",
        },
    )
    status = computed(
        Text(
            metadata={
                "enum": [s.value for s in RenderStatus],
                "description": "The PDF is rendered after the decision commits: pending until it exists.",
            }
        ),
        lambda report: report.render_status.value,
    )
    fingerprint = Text(metadata={"pattern": "^[0-9a-f]{64}$", "description": "The code printed in the PDF."})
    size = fields.Integer(allow_none=True, metadata={"description": "Bytes; null while being prepared."})
    issued_at = UtcDateTime()
    url = computed(Text(), lambda report: url_for("reports.download", report_id=report.id))
    verify_url = computed(Text(), lambda report: url_for("reports.verify", value=report.fingerprint))


class ReviewDecisionSchema(Answer):
    decision = Text(metadata={"enum": ["accept", "return"]})
    comment = Text(**Nullable)
    reviewer = fields.Nested(PersonSchema)
    decided_at = UtcDateTime()
    report_version = computed(
        fields.Integer(**Nullable), lambda item: item.report.version if item.report else None
    )


class ReviewedEvaluationSchema(EvaluationSchema):
    """The evaluation as the campaign's ministry staff see it, with the review decisions and every
    issued report they may read."""

    reviews = fields.List(fields.Nested(ReviewDecisionSchema))
    reports = fields.List(fields.Nested(ReportSchema))


# --- answers: the right of reply --------------------------------------------------------------------


class AttachmentSchema(Answer):
    filename = Text()
    url = computed(Text(), lambda item: item.url or url_for("replies.attachment", evidence_id=item.id))


class ReplySchema(Answer):
    id = fields.Integer()
    evaluation_id = fields.Integer()
    organisation = fields.Nested(OrganisationRefSchema)
    criterion = computed(Text(**Nullable), lambda reply: reply.criterion_code)
    finding = Text(**Nullable)
    text = Text()
    submitted_at = UtcDateTime()
    attachments = fields.List(fields.Nested(AttachmentSchema))
    ruling = computed(
        Text(allow_none=True, metadata={"enum": ["accepted", "rejected", None]}),
        lambda reply: reply.ruling.value if reply.ruling else None,
    )
    reason = Text(**Nullable)
    changes_score = fields.Boolean(**Nullable)
    ruled_at = UtcDateTime(**Nullable)
    report_version = fields.Integer(**Nullable)


class ReplyListSchema(Answer):
    evaluation_id = fields.Integer()
    reply_deadline = fields.Date(**Nullable)
    can_reply = fields.Boolean()
    items = fields.List(fields.Nested(ReplySchema))
