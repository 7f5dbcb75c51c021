"""A failed report job retried by several managers at the same moment starts one new job."""

import uuid

from grants.reports.jobs import FileJobStore, RedisJobStore
from tests.helpers import redis_test_url
from tests.live import redis_or_skip, release_together

REDIS_URL = redis_test_url(13)


def _claims(store, job_id: str) -> list[str]:
    return release_together(12, lambda _i: store.claim_retry(job_id, uuid.uuid4().hex))


def test_concurrent_retries_share_one_new_job_in_files(tmp_path):
    store = FileJobStore(tmp_path)
    results = _claims(store, uuid.uuid4().hex)
    assert len(set(results)) == 1, results
    assert all(isinstance(r, str) and len(r) == 32 for r in results)


def test_concurrent_retries_share_one_new_job_in_redis():
    redis_or_skip(REDIS_URL).close()
    store = RedisJobStore(REDIS_URL)
    try:
        results = _claims(store, uuid.uuid4().hex)
    finally:
        store.close()
    assert len(set(results)) == 1, results
