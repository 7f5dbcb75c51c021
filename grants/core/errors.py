"""A broken business rule, raised by operations and turned into a message by pages and API."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Almaty")


class RuleViolation(Exception):
    """status: 403 (not yours to do), 409 (not in this state), 422 (invalid data)."""

    def __init__(self, message: str, status: int = 409, fields: dict | None = None, code: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.status = status
        self.fields = {k: str(v) for k, v in (fields or {}).items()}
        self.code = code


def today_local() -> date:
    """Today in Kazakhstan: deadlines are whole local days."""
    return datetime.now(LOCAL_TZ).date()
