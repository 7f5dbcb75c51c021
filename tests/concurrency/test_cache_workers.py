"""The data-version cache with 2 gunicorn workers (docs/performance.md#cached-totals): each worker keeps
its own cache, and yet a change committed anywhere is in the very next answer of either worker, while
writers commit at the same moment (their stamps take the row locks last, in one order: no deadlock)."""

import os
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from sqlalchemy import select, update

from grants.extensions import db
from grants.lots.models import Lot
from tests import live
from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 6
STATS = "/api/v1/stats?group_by=year"


@pytest.fixture
def workers(live_url, tmp_path):
    """Base URL of gunicorn -w 2 on the clone."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("GRANTS_ENV", "REDIS_URL")}
    env.update(DATABASE_URL=live_url, SECRET_KEY="gunicorn-test-secret-that-is-long-enough")
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "-w", "2", "-b", f"127.0.0.1:{port}",
        "--no-control-socket", "grants:create_app()",
    ]  # fmt: skip
    errors = (tmp_path / "gunicorn.err").open("wb")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, (tmp_path / "gunicorn.err").read_text()[-2000:]
            try:
                if requests.get(f"{base}/healthz", timeout=5).ok:
                    break
            except requests.RequestException:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        errors.close()


def total_budget(base: str) -> Decimal:
    response = requests.get(base + STATS, timeout=30)
    response.raise_for_status()
    return Decimal(response.json()["totals"]["budget"])


def test_both_workers_see_every_commit_at_once(workers, live_url):
    app = live.build_app(live_url)
    run = live.in_app(app)
    lot_ids = run(lambda: db.session.scalars(select(Lot.id).order_by(Lot.id).limit(WRITERS)).all())
    start = total_budget(workers)
    for _ in range(8):  # both workers have cached the figures
        assert total_budget(workers) == start

    # one change at a time: the next request, whichever worker takes it, has it
    for step in (1, 2):
        run(lambda: (db.session.execute(update(Lot).where(Lot.id == lot_ids[0]).values(budget=Lot.budget + 1)),
                     db.session.commit()))  # fmt: skip
        assert [total_budget(workers) for _ in range(6)] == [start + step] * 6

    # writers at the same moment, ORM and Core changes, while readers keep asking
    stop = threading.Event()
    seen: list[Decimal] = []

    def read() -> None:
        while not stop.is_set():
            seen.append(total_budget(workers))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()

    def write(i: int) -> None:
        def change():
            if i % 2:
                db.session.execute(update(Lot).where(Lot.id == lot_ids[i]).values(budget=Lot.budget + 10))
            else:
                lot = db.session.get(Lot, lot_ids[i])
                lot.budget += 10
            db.session.commit()

        run(change)
        # this writer's commit has returned: the next answer includes it
        assert total_budget(workers) >= start + 2 + 10

    results = live.release_together(WRITERS, write)
    stop.set()
    for reader in readers:
        reader.join(timeout=30)
    assert [r for r in results if r is not None] == [], results
    final = start + 2 + 10 * WRITERS
    assert [total_budget(workers) for _ in range(6)] == [final] * 6
    assert all(start + 2 <= value <= final for value in seen)
    with app.app_context():
        db.engine.dispose()
