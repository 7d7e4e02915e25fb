"""`make bench`: run every benchmark in bench/ and write one table to bench/RESULTS.md.

Each script prints `BENCH-RESULT {json}` lines (bench.common.report); a script that fails
or prints no result is listed as such, so nothing is silently missing.
"""

import datetime
import json
import os
import platform
import subprocess
import sys
import time

from bench.common import PYTHON, RESULT_PREFIX, ROOT

NOT_BENCHMARKS = {"__init__", "common", "cluster", "run_all", "http_load", "settings", "urls"}
TIMEOUT_SECONDS = int(os.environ.get("BENCH_TIMEOUT", "1200"))


def benchmark_names() -> list[str]:
    names = sorted(path.stem for path in (ROOT / "bench").glob("*.py"))
    selected = sys.argv[1:]
    return [
        name for name in names if name not in NOT_BENCHMARKS and (not selected or name in selected)
    ]


def run(name: str) -> tuple[list[dict], str]:
    started = time.monotonic()
    try:
        completed = subprocess.run(
            [PYTHON, "-m", f"bench.{name}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        return [], f"timed out after {TIMEOUT_SECONDS}s"
    sys.stdout.write(completed.stdout)
    sys.stderr.write(completed.stderr[-3000:] if completed.returncode else "")
    rows = [
        json.loads(line[len(RESULT_PREFIX) :])
        for line in completed.stdout.splitlines()
        if line.startswith(RESULT_PREFIX)
    ]
    status = f"ok in {time.monotonic() - started:.0f}s"
    if completed.returncode != 0:
        status = f"failed (exit {completed.returncode})"
    elif not rows:
        status = "printed no result"
    return rows, status


def fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def main() -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}. Each figure is measured "
        "against its reference in the same run (PORTAL.md section 8); the ratio is figure / "
        "reference (for throughput: figure as a share of the reference).",
        "",
        "| benchmark | figure | reference | ratio | target | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    statuses = []
    for name in benchmark_names():
        print(f"\n=== bench/{name}.py", flush=True)
        rows, status = run(name)
        statuses.append(f"- `bench/{name}.py`: {status}")
        for row in rows:
            met = {True: "yes", False: "**no**", None: "–"}[row["met"]]
            note = f" ({row['note']})" if row.get("note") else ""
            lines.append(
                f"| {row['name']}{note} | {fmt(row['value'])} {row['unit']} | "
                f"{fmt(row['reference'])} {row['unit']} | {fmt(row['ratio'])} | "
                f"{row['target']} | {met} |"
            )
    lines += ["", "Runs:", "", *statuses, ""]
    (ROOT / "bench" / "RESULTS.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
