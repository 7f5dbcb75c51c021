"""The app `bench/bench_throughput.py` runs under gunicorn: the production app plus one floor route.

At start, each worker asks itself (test client, same process) for every path in BENCH_PATHS and keeps
the bodies; `GET /_floor/<n>` then answers the n-th body from memory through the same Flask app, its
hooks and headers. The ratio of the two throughputs is what the application adds to the framework
(docs/performance.md#how-it-is-measured).
"""

import os

from flask import Response

from grants import create_app

app = create_app({"GRANTS_ENV": "production"})
PATHS = [path for path in os.environ.get("BENCH_PATHS", "/api/v1/lots").split() if path]
FLOORS: list[tuple[bytes, str]] = []


@app.get("/_floor/<int:n>")
def floor(n: int):
    body, content_type = FLOORS[n]
    return Response(body, content_type=content_type)


with app.test_client() as client:
    for path in PATHS:
        answer = client.get(path)
        if answer.status_code != 200:
            raise RuntimeError(f"{path} answered {answer.status_code}: {answer.get_data(as_text=True)[:300]}")
        FLOORS.append((answer.get_data(), answer.content_type))
