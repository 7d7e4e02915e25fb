"""`make bench`: run every benchmark in bench/ and write one table to bench/RESULTS.md.

    python -m bench.run_all [name ...]     # e.g. `python -m bench.run_all chat_fanout`

Each script prints `BENCH-RESULT {json}` lines (bench.common.report); a script that fails,
times out (BENCH_TIMEOUT seconds each, default 900) or prints no result is listed as such,
so nothing is silently missing, and the run then exits non-zero after writing the table.
A script that times out is stopped with its whole process group (its nginx and daphnes).
BENCH_QUICK=1 runs every script with smaller sizes, for a trial (the figures are then not
comparable to a full run, and the table says so).
"""

import datetime
import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import PYTHON, RESULT_PREFIX, ROOT, quick

NOT_BENCHMARKS = {"__init__", "common", "cluster", "run_all", "http_load", "settings", "urls"}
TIMEOUT_SECONDS = int(os.environ.get("BENCH_TIMEOUT", "900"))
RESULTS = ROOT / "bench" / "RESULTS.md"


@dataclass
class Run:
    name: str
    rows: list[dict] = field(default_factory=list)
    status: str = ""
    ok: bool = False


def benchmark_names(selected: list[str]) -> list[str]:
    names = sorted(path.stem for path in (ROOT / "bench").glob("*.py"))
    return [
        name for name in names if name not in NOT_BENCHMARKS and (not selected or name in selected)
    ]


def parse_results(output: str) -> list[dict]:
    return [
        json.loads(line[len(RESULT_PREFIX) :])
        for line in output.splitlines()
        if line.startswith(RESULT_PREFIX)
    ]


def judge(name: str, output: str, returncode: int | None, seconds: float) -> Run:
    """What one script's run amounts to: its result rows and whether it worked."""
    rows = parse_results(output)
    if returncode is None:
        return Run(name, rows, f"**timed out** after {TIMEOUT_SECONDS}s")
    if returncode != 0:
        return Run(name, rows, f"**failed** (exit {returncode}) after {seconds:.0f}s")
    if not rows:
        return Run(name, rows, "**printed no result**")
    return Run(name, rows, f"ok in {seconds:.0f}s", ok=True)


def stop_group(process: subprocess.Popen) -> None:
    """Stop a timed-out script and every process it started (its own process group)."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def run(name: str) -> Run:
    """Run bench/<name>.py, echoing its output as it comes."""
    started = time.monotonic()
    process = subprocess.Popen(
        [PYTHON, "-m", f"bench.{name}"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []

    def read() -> None:
        for line in process.stdout:
            lines.append(line)
            sys.stdout.write(line)
            sys.stdout.flush()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        returncode = process.wait(TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        stop_group(process)
        returncode = None
    reader.join(10)
    return judge(name, "".join(lines), returncode, time.monotonic() - started)


def fmt(value) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return "–"
        return f"{value:.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} cores{f' ({model})' if model else ''}, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


HOW_TO_READ = """\
How to read it: each figure is measured against its reference **in the same run**
(PORTAL.md section 8), because absolute figures on a shared machine vary from run to run.
The ratio is figure / reference for times and memory (lower is better), and the figure's
share of the reference for throughput (higher is better). "met" is computed by the script
from the figures against the target in the same row; "–" means there is no target (a
comparison or a figure that is only reported). The description in parentheses names the
setup and the delivery check. Latencies under load include the queueing of all users on
this machine's cores, which is why directory search is also measured one user at a time.
Each script's docstring says what exactly it measures and why its reference was chosen."""


def results_table(runs: list[Run], *, started: datetime.datetime, seconds: float) -> str:
    mode = "**quick mode**, smaller sizes: not comparable, " if quick() else ""
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` ({mode}"
        f"{sum(run.ok for run in runs)} of {len(runs)} scripts ok) on "
        f"{started:%Y-%m-%d %H:%M} UTC in {seconds / 60:.0f} min. Machine: {machine()}; "
        f"load average at the end {os.getloadavg()[0]:.1f}.",
        "",
        HOW_TO_READ,
        "",
        "| benchmark | figure | reference | ratio | target | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for run in runs:
        for row in run.rows:
            met = {True: "yes", False: "**no**", None: "–"}[row["met"]]
            note = f" ({row['note']})" if row.get("note") else ""
            lines.append(
                f"| {row['name']}{note} | {fmt(row['value'])} {row['unit']} | "
                f"{fmt(row['reference'])} {row['unit']} | {fmt(row['ratio'])} | "
                f"{row['target']} | {met} |"
            )
    lines += ["", "Runs:", ""]
    lines += [f"- `bench/{run.name}.py`: {run.status}" for run in runs]
    return "\n".join(lines) + "\n"


def main() -> None:
    started = datetime.datetime.now(datetime.UTC)
    clock = time.monotonic()
    runs = []
    for name in benchmark_names(sys.argv[1:]):
        print(f"\n=== bench/{name}.py", flush=True)
        runs.append(run(name))
        print(f"=== bench/{name}.py: {runs[-1].status}", flush=True)
    table = results_table(runs, started=started, seconds=time.monotonic() - clock)
    RESULTS.write_text(table)
    print("\n" + table)
    if not all(run.ok for run in runs):
        sys.exit("Not every benchmark ran (see Runs above).")


if __name__ == "__main__":
    main()
