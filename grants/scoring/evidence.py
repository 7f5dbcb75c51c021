"""Evidence files: size- and type-limited, stored under instance/ (outside the web root) by random key."""

import hashlib
import os
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from grants.audit.operations import record
from grants.core.errors import RuleViolation
from grants.extensions import db
from grants.scoring.models import Evidence, EvidenceKind

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024  # default of the EVIDENCE_MAX_BYTES setting
# Allowed types, recognised by their first bytes (the name and the browser's claim are not trusted).
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    # docx/xlsx are zip containers
    "application/zip": (b"PK\x03\x04",),
}
EXTENSIONS = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# Files written in the session's current transaction: removed if it rolls back (nothing would refer to them).
UNCOMMITTED_FILES = "grants.evidence.uncommitted_files"


# Files of evidence deleted in the session's current transaction: removed once it commits (a
# rollback keeps the row, so the file must stay).
REMOVED_FILES = "grants.evidence.removed_files"


@event.listens_for(Session, "after_commit")
def _keep_files(session) -> None:
    session.info.pop(UNCOMMITTED_FILES, None)
    for path in session.info.pop(REMOVED_FILES, None) or ():
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_soft_rollback")
def _remove_files(session, previous_transaction) -> None:
    if previous_transaction.parent is not None:
        return  # a savepoint: the outer transaction may still commit what it wrote earlier
    for path in session.info.pop(UNCOMMITTED_FILES, None) or ():
        path.unlink(missing_ok=True)
    session.info.pop(REMOVED_FILES, None)


def storage_dir() -> Path:
    path = Path(current_app.config.get("EVIDENCE_DIR") or Path(current_app.instance_path) / "evidence")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _content_type(filename: str, head: bytes) -> str | None:
    ext = os.path.splitext(filename.lower())[1]
    declared = EXTENSIONS.get(ext)
    if declared is None:
        return None
    family = "application/zip" if ext in (".docx", ".xlsx") else declared
    if not any(head.startswith(sig) for sig in SIGNATURES[family]):
        return None
    return declared


def save_upload(upload) -> dict:
    """Check an uploaded file (size, type by its first bytes) and store it by random key; the file goes
    again if the transaction rolls back. Returns the columns every stored file carries."""
    filename = os.path.basename(upload.filename or "").strip()[:255]
    limit = current_app.config.get("EVIDENCE_MAX_BYTES", MAX_EVIDENCE_BYTES)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise RuleViolation(
            _("The file is too large (at most %(mb)s MB).", mb=round(limit / 1024 / 1024, 1)),
            status=422,
            fields={"file": _("Too large.")},
        )
    if not data:
        raise RuleViolation(_("The file is empty."), status=422, fields={"file": _("Empty file.")})
    content_type = _content_type(filename, data[:16])
    if content_type is None:
        raise RuleViolation(
            _("Only PDF, JPEG, PNG, Word (.docx) and Excel (.xlsx) files are accepted."),
            status=422,
            fields={"file": _("File type not accepted.")},
        )
    key = secrets.token_hex(20)
    path = storage_dir() / key
    path.write_bytes(data)
    db.session.info.setdefault(UNCOMMITTED_FILES, []).append(path)
    return {
        "filename": filename or key,
        "storage_key": key,
        "content_type": content_type,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def store_file(upload, user, **owner) -> Evidence:
    """Check and store an uploaded file; owner is scorecard=… or site_visit=… (and criterion_code)."""
    stored = save_upload(upload)
    kind = EvidenceKind.photo if stored["content_type"].startswith("image/") else EvidenceKind.file
    evidence = Evidence(kind=kind, uploaded_by_id=user.id, **stored, **owner)
    db.session.add(evidence)
    db.session.flush()
    record("evidence.add", evidence, actor=user)
    return evidence


def add_link(url: str, user, **owner) -> Evidence:
    if not url.startswith(("https://", "http://")):
        raise RuleViolation(
            _("Links must start with http:// or https://."), status=422, fields={"url": _("Invalid link.")}
        )
    evidence = Evidence(kind=EvidenceKind.link, url=url, uploaded_by_id=user.id, **owner)
    db.session.add(evidence)
    db.session.flush()
    record("evidence.add", evidence, actor=user)
    return evidence


def remove_file_after_commit(evidence: Evidence) -> None:
    """The stored file of evidence being deleted goes when the deletion commits, not before."""
    if evidence.storage_key:
        db.session.info.setdefault(REMOVED_FILES, []).append(file_path(evidence))


def describe(evidence: Evidence) -> dict:
    return {
        "kind": evidence.kind.value,
        "filename": evidence.filename,
        "url": evidence.url,
        "sha256": evidence.sha256,
        "criterion_code": evidence.criterion_code,
        "scorecard_id": evidence.scorecard_id,
        "site_visit_id": evidence.site_visit_id,
        "uploaded_by_id": evidence.uploaded_by_id,
    }


def file_path(evidence: Evidence) -> Path:
    return storage_dir() / evidence.storage_key
