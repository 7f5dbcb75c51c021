"""The README's performance table from the JSON lines of `make bench` (docs/performance.md#how-it-is-measured).

    .venv/bin/python bench/bench_table.py sqlite.jsonl [postgres.jsonl ...] > table.md

Measurement lines (those with median_ms) are grouped by database; for each request the line at the
largest size is shown, with the median at the smallest size and the growth (largest / smallest). A later
line for the same request and size replaces an earlier one, so that a partial re-run (--only) can be
appended to a whole run's file.
"""

import json
import sys


def table(lines: list[dict]) -> str:
    by_db: dict[str, dict[str, dict[int, dict]]] = {}
    for line in lines:
        if "median_ms" not in line or not isinstance(line["median_ms"], int | float):
            continue
        by_db.setdefault(line["db"], {}).setdefault(line["name"], {})[line["lots"]] = line
    out = []
    for db, requests in by_db.items():
        sizes = sorted({lots for per_size in requests.values() for lots in per_size})
        small, large = sizes[0], sizes[-1]
        out.append(
            f"{db}, {large:,} lots (growth: median at {large:,} / at {small:,} lots)\n\n"
            f"| request | median ms | p95 ms | queries | floor ms | ratio | runs | at {small:,} lots ms | growth |\n"
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
        )
        for name, per_size in requests.items():
            last = per_size.get(large)
            first = per_size.get(small)
            if last is None:
                out.append(f"| {name} | not measured | | | | | | {first['median_ms']} | |")
                continue
            growth = round(last["median_ms"] / first["median_ms"], 2) if first and small != large else ""
            out.append(
                f"| {name} | {last['median_ms']:,} | {last['p95_ms']:,} | {last['queries']} | {last['floor_ms']} "
                f"| {last['ratio']} | {last['runs']} | {first['median_ms'] if first else ''} | {growth} |"
            )
        out.append("")
    return "\n".join(out)


def main() -> int:
    lines = []
    for path in sys.argv[1:] or ["/dev/stdin"]:
        with open(path, encoding="utf-8") as handle:
            lines += [json.loads(row) for row in handle if row.startswith("{")]
    print(table(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
