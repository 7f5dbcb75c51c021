"""Methodology versions: check an admin's edit and apply it in place or as a new version (docs/domain.md#methodologies).

A version that has been used by an evaluation never changes: an edit of it becomes a new
version of the same code and the old one is deactivated. Operations flush, never commit.
"""

import re
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from grants.audit.operations import record
from grants.core.errors import RuleViolation
from grants.extensions import db
from grants.monitoring.models import Criterion, Evaluation, Methodology

CRITERION_CODE = re.compile(r"^[a-z][a-z0-9_]{1,59}$")
BAND_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")  # evaluations.band is 40 characters
LANGS = ("ru", "kk", "en")
LEVELS = ("1", "3", "5")  # anchor descriptors (docs/domain.md#methodologies)
INDEX_BOTTOM, INDEX_TOP = 0, 100  # bands are ranges of the 0-100 index
SCALE_TOP = 100
MAX_CRITERIA = 30
MAX_BANDS = 10
WEIGHT_LIMIT = Decimal(10000)  # NUMERIC(8, 4)
TEXT_LIMITS = {"name": 300, "short": 120}


# --- reading ----------------------------------------------------------------------------------


def methodologies_in_use() -> set[int]:
    """Ids of the methodology versions some evaluation uses (one query, for lists)."""
    return set(db.session.scalars(select(Evaluation.methodology_id).distinct()))


def latest_version(code: str) -> int:
    return db.session.scalar(select(func.max(Methodology.version)).where(Methodology.code == code)) or 0


def is_latest(methodology: Methodology) -> bool:
    """Only the newest version of a code can be edited; older ones are history."""
    return methodology.version >= latest_version(methodology.code)


def version_history(methodology: Methodology) -> list[Methodology]:
    """Every version of the methodology's code, newest first."""
    return list(
        db.session.scalars(
            select(Methodology)
            .where(Methodology.code == methodology.code)
            .order_by(Methodology.version.desc())
        )
    )


def _weight_text(value) -> str:
    """20.0000 and 20 read the same: the weight without trailing zeros."""
    return format(Decimal(value).normalize(), "f")


def _clean(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _descriptors(raw) -> dict:
    """{"1": {"ru": ..}, ..} with blank texts and empty levels left out."""
    result = {}
    for level in LEVELS:
        entry = (raw or {}).get(level) or (raw or {}).get(int(level)) or {}
        texts = {lang: _clean(entry.get(lang)) for lang in LANGS if _clean(entry.get(lang))}
        if texts:
            result[level] = texts
    return result


def describe(methodology: Methodology) -> dict:
    """The editable content of a version as plain JSON-ready data (for audit and change detection)."""
    return normalise(
        {
            **{f"name_{lang}": getattr(methodology, f"name_{lang}") for lang in LANGS},
            "scale_min": methodology.scale_min,
            "scale_max": methodology.scale_max,
            "quorum": methodology.quorum,
            "disagreement_threshold": methodology.disagreement_threshold,
            "comment_required_scores": list(methodology.comment_required_scores or []),
            "bands": list(methodology.bands or []),
            "criteria": [
                {
                    "code": c.code,
                    **{f"name_{lang}": getattr(c, f"name_{lang}") for lang in LANGS},
                    **{f"short_{lang}": getattr(c, f"short_{lang}") for lang in LANGS},
                    "weight": c.weight,
                    "descriptors": c.descriptors,
                }
                for c in methodology.criteria
            ],
        }
    )


def normalise(data: dict) -> dict:
    """Checked edit data in one canonical form: stripped texts, weights as text, bands highest first."""
    bands = [
        {"min": int(b["min"]), "code": _clean(b.get("code")), **{lang: _clean(b.get(lang)) for lang in LANGS}}
        for b in data["bands"]
    ]
    return {
        **{f"name_{lang}": _clean(data.get(f"name_{lang}")) for lang in LANGS},
        "scale_min": int(data["scale_min"]),
        "scale_max": int(data["scale_max"]),
        "quorum": int(data["quorum"]),
        "disagreement_threshold": int(data["disagreement_threshold"]),
        "comment_required_scores": sorted({int(s) for s in data.get("comment_required_scores") or []}),
        "bands": sorted(bands, key=lambda b: b["min"], reverse=True),
        "criteria": [
            {
                "code": _clean(c.get("code")),
                **{f"name_{lang}": _clean(c.get(f"name_{lang}")) for lang in LANGS},
                **{f"short_{lang}": _clean(c.get(f"short_{lang}")) for lang in LANGS},
                "weight": _weight_text(c["weight"]),
                "descriptors": _descriptors(c.get("descriptors")),
            }
            for c in data["criteria"]
        ],
    }


# --- checking ---------------------------------------------------------------------------------


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_settings(data: dict, fields: dict) -> None:
    for lang in ("ru", "kk"):
        if not _clean(data.get(f"name_{lang}")):
            fields[f"name_{lang}"] = _("Enter the name.")
    for lang in LANGS:
        if len(_clean(data.get(f"name_{lang}"))) > TEXT_LIMITS["name"]:
            fields[f"name_{lang}"] = _("At most %(n)s characters.", n=TEXT_LIMITS["name"])
    numbers = ("scale_min", "scale_max", "quorum", "disagreement_threshold")
    for key in numbers:
        if not _is_int(data.get(key)):
            fields[key] = _("Enter a whole number.")
    if any(key in fields for key in numbers):
        return
    low, high = data["scale_min"], data["scale_max"]
    if low < 0:
        fields["scale_min"] = _("The scale cannot start below zero.")
    if high > SCALE_TOP:
        fields["scale_max"] = _("The scale cannot go above %(n)s.", n=SCALE_TOP)
    if low >= high:
        fields["scale_max"] = _("The top of the scale must be greater than its bottom.")
    if data["quorum"] < 1:
        fields["quorum"] = _("The quorum must be at least 1.")
    elif data["quorum"] > 100:
        fields["quorum"] = _("The quorum cannot exceed 100.")
    if data["disagreement_threshold"] < 1:
        fields["disagreement_threshold"] = _("The disagreement threshold must be at least 1 point.")
    elif low < high and data["disagreement_threshold"] > high - low:
        fields["disagreement_threshold"] = _(
            "The threshold cannot exceed the width of the scale (%(n)s points).", n=high - low
        )
    scores = data.get("comment_required_scores") or []
    if not all(_is_int(s) for s in scores):
        fields["comment_required_scores"] = _("List whole scores separated by commas, for example 0,1,5.")
    elif any(s < low or s > high for s in scores):
        fields["comment_required_scores"] = _(
            "Scores needing a comment must lie within the scale (%(low)s–%(high)s).", low=low, high=high
        )


def _check_bands(bands: list, fields: dict) -> None:
    if not bands:
        fields["bands"] = _("Add at least one rating band.")
        return
    if len(bands) > MAX_BANDS:
        fields["bands"] = _("At most %(n)s rating bands.", n=MAX_BANDS)
    codes, minimums = set(), set()
    for i, band in enumerate(bands):
        code, minimum = _clean(band.get("code")), band.get("min")
        if not BAND_CODE.match(code):
            fields[f"bands.{i}.code"] = _(
                "Use lowercase Latin letters, digits and _, starting with a letter."
            )
        elif code in codes:
            fields[f"bands.{i}.code"] = _("Two bands have the code %(code)s.", code=code)
        codes.add(code)
        if not _is_int(minimum) or not INDEX_BOTTOM <= minimum <= INDEX_TOP:
            fields[f"bands.{i}.min"] = _("The lower bound is a whole number from 0 to 100.")
        elif minimum in minimums:
            fields[f"bands.{i}.min"] = _("Two bands start at %(n)s.", n=minimum)
        else:
            minimums.add(minimum)
        if not _clean(band.get("ru")):
            fields[f"bands.{i}.ru"] = _("Enter the band's name.")
        for lang in LANGS:
            if len(_clean(band.get(lang))) > TEXT_LIMITS["name"]:
                fields[f"bands.{i}.{lang}"] = _("At most %(n)s characters.", n=TEXT_LIMITS["name"])
    if INDEX_BOTTOM not in minimums and "bands" not in fields:
        fields["bands"] = _("One band must start at 0, so that every index gets a band.")


def _check_criteria(criteria: list, fields: dict) -> None:
    if not criteria:
        fields["criteria"] = _("Add at least one criterion.")
        return
    if len(criteria) > MAX_CRITERIA:
        fields["criteria"] = _("At most %(n)s criteria.", n=MAX_CRITERIA)
    codes = set()
    for i, criterion in enumerate(criteria):
        code = _clean(criterion.get("code"))
        if not CRITERION_CODE.match(code):
            fields[f"criteria.{i}.code"] = _(
                "2 to 60 lowercase Latin letters, digits and _, starting with a letter."
            )
        elif code in codes:
            fields[f"criteria.{i}.code"] = _("The code %(code)s is used twice.", code=code)
        codes.add(code)
        for lang in ("ru", "kk"):
            if not _clean(criterion.get(f"name_{lang}")):
                fields[f"criteria.{i}.name_{lang}"] = _("Enter the criterion's name.")
        for lang in LANGS:
            if len(_clean(criterion.get(f"short_{lang}"))) > TEXT_LIMITS["short"]:
                fields[f"criteria.{i}.short_{lang}"] = _("At most %(n)s characters.", n=TEXT_LIMITS["short"])
        weight = criterion.get("weight")
        if (
            not isinstance(weight, Decimal | int)
            or isinstance(weight, bool)
            or not Decimal(weight).is_finite()
        ):
            fields[f"criteria.{i}.weight"] = _("Enter the weight.")
        elif weight <= 0:
            fields[f"criteria.{i}.weight"] = _("The weight must be greater than zero.")
        elif weight >= WEIGHT_LIMIT or Decimal(weight).as_tuple().exponent < -4:
            fields[f"criteria.{i}.weight"] = _("Up to 9999.9999, with at most four decimal places.")


def problems(data: dict) -> dict[str, str]:
    """What is wrong with edit data, keyed by field ("criteria.2.weight"); empty when it can be saved."""
    fields: dict[str, str] = {}
    _check_settings(data, fields)
    _check_bands(list(data.get("bands") or []), fields)
    _check_criteria(list(data.get("criteria") or []), fields)
    return fields


# --- changing ---------------------------------------------------------------------------------


def _apply(methodology: Methodology, content: dict) -> None:
    """Write normalised content into a version; criteria matched by code keep their rows."""
    for key in (
        "name_ru",
        "name_kk",
        "name_en",
        "scale_min",
        "scale_max",
        "quorum",
        "disagreement_threshold",
    ):
        setattr(methodology, key, content[key])
    methodology.comment_required_scores = list(content["comment_required_scores"])
    methodology.bands = [dict(b) for b in content["bands"]]
    existing = {c.code: c for c in methodology.criteria}
    rows = []
    for position, item in enumerate(content["criteria"]):
        row = existing.get(item["code"]) or Criterion(code=item["code"])
        row.position = position
        for lang in LANGS:
            setattr(row, f"name_{lang}", item[f"name_{lang}"])
            setattr(row, f"short_{lang}", item[f"short_{lang}"] or None)
        row.weight = Decimal(item["weight"])
        row.descriptors = {level: dict(texts) for level, texts in item["descriptors"].items()}
        rows.append(row)
    methodology.criteria = rows


def revise_methodology(methodology: Methodology, data: dict, user) -> Methodology:
    """Apply an admin's edit: in place while no evaluation uses the version, else as a new version."""
    if not is_latest(methodology):
        raise RuleViolation(
            _("Version %(v)s has been superseded: edit the latest version instead.", v=methodology.version),
            status=409,
        )
    fields = problems(data)
    if fields:
        raise RuleViolation(
            _("The methodology was not saved: correct the marked fields."), status=422, fields=fields
        )
    content = normalise(data)
    before = describe(methodology)
    if content == before:
        return methodology
    if not methodology.in_use:
        _apply(methodology, content)
        db.session.flush()
        record("methodology.update", methodology, before=before, after=content, actor=user)
        return methodology

    revision = Methodology(
        code=methodology.code,
        version=latest_version(methodology.code) + 1,
        kind=methodology.kind,
        previous_id=methodology.id,
        active=True,
        created_by_id=getattr(user, "id", None),
    )
    _apply(revision, content)
    try:
        with db.session.begin_nested():
            db.session.add(revision)
            db.session.flush()
    except IntegrityError:  # someone saved the same next version a moment earlier
        raise RuleViolation(
            _("Another version of this methodology was saved meanwhile. Reload the page and try again."),
            status=409,
        ) from None
    methodology.active = False
    db.session.flush()
    record(
        "methodology.revise",
        revision,
        before={"id": methodology.id, "version": methodology.version, **before},
        after={"id": revision.id, "version": revision.version, **content},
        actor=user,
    )
    return revision
