"""Files and links attached to the councils' work: an agenda item's materials, a response's attachments, a
working group task's or an expert's documents. Files are checked and stored exactly like evidence (type by
content, size limit, outside the web root, removed again if the transaction rolls back)."""

from flask import abort, send_file
from flask_babel import gettext as _

from grants.audit.operations import record
from grants.cooperation.models import Attachment
from grants.core.errors import RuleViolation
from grants.extensions import db
from grants.scoring.evidence import save_upload, storage_dir

MAX_ATTACHMENTS = 10


def attach(user, files=(), links=(), **owner) -> list[Attachment]:
    """Store files (werkzeug FileStorage) and links for owner (agenda_item=…, recommendation=…, task=…,
    expert=…). Raises RuleViolation with the field at fault ("files" or "links")."""
    files = [f for f in files if f and getattr(f, "filename", None)]
    links = [link.strip() for link in links if link and link.strip()]
    if len(files) + len(links) > MAX_ATTACHMENTS:
        raise RuleViolation(
            _("At most %(n)s attachments.", n=MAX_ATTACHMENTS),
            status=422,
            fields={"files": _("Too many attachments.")},
        )
    made = []
    for upload in files:
        try:
            stored = save_upload(upload)
        except RuleViolation as exc:
            raise RuleViolation(
                exc.message, status=exc.status, fields={"files": exc.fields.get("file", exc.message)}
            ) from exc
        made.append(Attachment(uploaded_by_id=user.id, **stored, **owner))
    for link in links:
        if not link.startswith(("https://", "http://")) or len(link) > 1000:
            message = _("Links must start with http:// or https://.")
            raise RuleViolation(message, status=422, fields={"links": message})
        made.append(Attachment(uploaded_by_id=user.id, url=link, **owner))
    for attachment in made:
        db.session.add(attachment)
    db.session.flush()
    for attachment in made:
        record("attachment.add", attachment, actor=user)
    return made


def file_path(attachment: Attachment):
    return storage_dir() / attachment.storage_key


def send(attachment: Attachment):
    """The stored file as a download, under its own name and type; the caller has checked who may see it."""
    if attachment.storage_key is None:
        abort(404)
    return send_file(
        file_path(attachment),
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
    )
