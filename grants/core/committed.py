"""Which new rows a transaction made real: the ids of objects flushed as new, kept once the session
commits and dropped when it rolls back, so work that must follow a commit (mail, report PDFs) is
handed only what exists (docs/architecture.md, "Jobs after commit").
"""

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from grants.extensions import db


class CommittedIds:
    """Watches every session for new objects that `wanted` accepts; `take()` returns the ids committed
    since the last call. One instance per kind of follow-up work, each with its own session.info keys."""

    def __init__(self, name: str, wanted: Callable[[object], bool]):
        self.flushed = f"grants.{name}.flushed"
        self.committed = f"grants.{name}.committed"
        self.wanted = wanted
        self._listening = False

    def _after_flush(self, session, _flush_context) -> None:
        # getattr: not every model's key is `id` (RiskThreshold is keyed by its rule)
        ids = {obj.id for obj in session.new if getattr(obj, "id", None) is not None and self.wanted(obj)}
        if ids:
            session.info.setdefault(self.flushed, set()).update(ids)

    def _after_commit(self, session) -> None:
        ids = session.info.pop(self.flushed, None)
        if ids:
            session.info.setdefault(self.committed, set()).update(ids)

    def _after_rollback(self, session) -> None:
        session.info.pop(self.flushed, None)

    def watch(self) -> None:
        """Listen on every session (once per process, whatever the number of apps)."""
        if self._listening:
            return
        event.listen(Session, "after_flush", self._after_flush)
        event.listen(Session, "after_commit", self._after_commit)
        event.listen(Session, "after_rollback", self._after_rollback)
        self._listening = True

    def take(self, session=None) -> set[int]:
        """The ids committed in this session since the last call (the current scoped session by default)."""
        if session is None:
            if not db.session.registry.has():
                return set()
            session = db.session()
        return session.info.pop(self.committed, None) or set()
