"""RQ's cron scheduler configuration: `rq cron grants.cron --url "$REDIS_URL"` enqueues the tick on the
queue "reports" every TICK_INTERVAL seconds; `rq worker reports mail` runs it (docs/operations.md,
"The tick"). Without Redis, run `flask --app grants tick` from cron instead.
"""

from rq import cron

from grants.config import Config, from_environment
from grants.tasks import tick

TICK_INTERVAL = from_environment().get("TICK_INTERVAL", Config.TICK_INTERVAL)

cron.register(tick, "reports", interval=TICK_INTERVAL, job_timeout=600, name="grants-tick")
