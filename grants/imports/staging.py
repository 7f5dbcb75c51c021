"""Uploaded import files waiting for their "confirm import" (docs/input-validation.md, Imports).

A staged file lives under the upload directory as `<kind>-<user>-<token>.upload`. Confirming
claims it by an atomic rename to `.applying`, so of concurrent confirms of one upload exactly one
applies it; the file is removed only after the import's transaction commits (an `.applied` marker
then answers late repeats), and put back when the transaction fails, so the user can retry.
A claim left by a worker that died is taken over after CLAIM_TIMEOUT.
"""

import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from grants.imports.forms import TOKEN_PATTERN

STALE_SECONDS = 24 * 3600
CLAIM_TIMEOUT = 15 * 60  # longer than any import of MAX_ROWS rows takes

FREE, APPLYING, APPLIED, MISSING = "free", "applying", "applied", "missing"


def upload_dir() -> Path:
    path = Path(current_app.config.get("IMPORT_DIR") or Path(current_app.instance_path) / "imports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _base(kind: str, user_id: int, token: str) -> Path | None:
    if not re.fullmatch(TOKEN_PATTERN, token or ""):
        return None
    return upload_dir() / f"{kind}-{user_id}-{token}"


def store(kind: str, user_id: int, content: bytes) -> str:
    """Stage content; returns its token. Old leftovers (never confirmed, markers) are removed."""
    directory = upload_dir()
    now = time.time()
    for old in directory.glob("*-*-*.*"):
        try:
            if now - old.stat().st_mtime > STALE_SECONDS:
                old.unlink()
        except OSError:
            pass
    token = secrets.token_urlsafe(24)
    path = _base(kind, user_id, token).with_suffix(".upload")
    partial = path.with_suffix(f".part-{secrets.token_hex(4)}")
    partial.write_bytes(content)
    os.replace(partial, path)  # a confirm never sees half a file
    return token


@dataclass
class Claim:
    """The staged file of one confirm, held while its import is applied."""

    status: str
    path: Path | None = None
    content: bytes = b""

    def committed(self) -> None:
        """The import is in the database: the file goes, a marker answers late repeats."""
        try:
            self.path.with_suffix(".applied").touch()
            self.path.unlink(missing_ok=True)
        except OSError:
            pass  # the import stands; a leftover is removed with the stale files

    def discard(self) -> None:
        """The file no longer validates: it is of no further use."""
        self.path.unlink(missing_ok=True)

    def release(self) -> None:
        """The import did not commit: put the file back for another try."""
        try:
            os.replace(self.path, self.path.with_suffix(".upload"))
        except OSError:
            pass


def claim(kind: str, user_id: int, token: str) -> Claim:
    """Take the staged file for applying it: FREE (yours, with its content), APPLYING (another
    confirm holds it), APPLIED (already imported) or MISSING (unknown, expired)."""
    base = _base(kind, user_id, token)
    if base is None:
        return Claim(MISSING)
    staged, applying = base.with_suffix(".upload"), base.with_suffix(".applying")
    try:
        os.rename(staged, applying)  # atomic: one confirm wins
    except FileNotFoundError:
        if base.with_suffix(".applied").exists():
            return Claim(APPLIED)
        if not applying.exists():
            return Claim(MISSING)
        try:
            if time.time() - applying.stat().st_mtime < CLAIM_TIMEOUT:
                return Claim(APPLYING)
            taken = base.with_suffix(f".taking-{secrets.token_hex(4)}")
            os.rename(applying, taken)  # atomic: one confirm takes over the abandoned claim
            os.rename(taken, applying)
        except FileNotFoundError:
            return Claim(APPLYING)
    os.utime(applying)  # the claim's age counts from now
    return Claim(FREE, applying, applying.read_bytes())
