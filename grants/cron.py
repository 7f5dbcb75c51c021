"""RQ's cron scheduler configuration: `rq cron grants.cron --url "$REDIS_URL"` enqueues the tick on the
queue "reports" every TICK_INTERVAL seconds; `rq worker reports mail` runs it (docs/operations.md,
"The tick"). Without Redis, run `flask --app grants tick` from cron instead.
"""

import os

from rq import cron

from grants.tasks import tick

TICK_INTERVAL = int(os.environ.get("GRANTS_TICK_INTERVAL", "300"))

cron.register(tick, "reports", interval=TICK_INTERVAL, job_timeout=600, name="grants-tick")
