"""`make bench-throughput`: requests per second of `GET /api/v1/lots` under gunicorn (2 workers) against
its floor route, the same body from memory in the same app (docs/performance.md#how-it-is-measured).

The load comes from ApacheBench (`ab`, Debian's apache2-utils) on loopback with keep-alive. The
database is BENCH_DATABASE_URL / --database-url, or a SQLite file filled once by
`seed-bench --lots 1000` under instance/. One JSON line per request is printed:
name, requests per second of the request and of its floor, their ratio (target >= 0.5), workers and
concurrency.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PATHS = (
    "/api/v1/lots",
    "/api/v1/lots?year=2025",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask(database_url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "grants", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def sqlite_database(lots: int) -> str:
    path = ROOT / "instance" / f"bench-throughput-{lots}.sqlite3"
    url = f"sqlite:///{path}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        flask(url, "db", "upgrade")
        flask(url, "seed-bench", "--lots", str(lots), "--projects", str(lots // 2))
    return url


def requests_per_second(url: str, requests_: int, concurrency: int) -> float:
    subprocess.run(
        ["ab", "-q", "-k", "-n", str(max(requests_ // 10, 50)), "-c", str(concurrency), url],
        capture_output=True,
        check=True,
    )  # warm-up
    out = subprocess.run(
        ["ab", "-q", "-k", "-n", str(requests_), "-c", str(concurrency), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    failed = int(re.search(r"^Failed requests:\s+(\d+)", out, re.M).group(1))
    non_2xx = re.search(r"^Non-2xx responses:\s+(\d+)", out, re.M)
    if failed or non_2xx:
        raise SystemExit(f"{url}: {failed} failed, {non_2xx.group(1) if non_2xx else 0} non-2xx\n{out}")
    return float(re.search(r"^Requests per second:\s+([\d.]+)", out, re.M).group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_THROUGHPUT_DATABASE_URL"))
    parser.add_argument(
        "--lots", type=int, default=1000, help="size of the SQLite data set when no URL is given"
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("ab"):
        raise SystemExit("needs ApacheBench: apt-get install apache2-utils (make bench-throughput does)")
    database_url = args.database_url or sqlite_database(args.lots)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "FORCE_HTTPS": "0",
        "BENCH_PATHS": " ".join(PATHS),
    }
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "bench.throughput_app:app",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(f"{base}/_floor/0", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None:
                raise SystemExit("gunicorn stopped")
            time.sleep(0.1)
        dialect = database_url.split(":", 1)[0].split("+", 1)[0]
        for n, path in enumerate(PATHS):
            rps = requests_per_second(base + path, args.requests, args.concurrency)
            floor = requests_per_second(f"{base}/_floor/{n}", args.requests, args.concurrency)
            print(
                json.dumps(
                    {
                        "name": f"throughput GET {path}",
                        "db": dialect,
                        "rps": round(rps, 1),
                        "floor": "same body from memory, same app",
                        "floor_rps": round(floor, 1),
                        "ratio": round(rps / floor, 2),
                        "target": ">= 0.5",
                        "workers": args.workers,
                        "concurrency": args.concurrency,
                    }
                ),
                flush=True,
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
