"""`make bench` collects every script's BENCH-RESULT lines into one table and never hides
a script that failed, timed out or printed nothing (bench/run_all.py)."""

import datetime
import json

from bench import run_all
from bench.common import RESULT_PREFIX


def result_line(**overrides) -> str:
    row = {
        "name": "directory search p95",
        "value": 12.5,
        "unit": "ms",
        "reference": 5.0,
        "ratio": 2.5,
        "target": "≤ 3× and ≤ 30 ms",
        "met": True,
        "note": "",
        **overrides,
    }
    return RESULT_PREFIX + json.dumps(row, ensure_ascii=False)


def test_result_lines_are_taken_from_the_output_and_nothing_else():
    output = "\n".join(
        ["starting", result_line(), "BENCH-RESULTS are great", result_line(met=None)]
    )

    rows = run_all.parse_results(output)

    assert [row["met"] for row in rows] == [True, None]


def test_a_script_that_failed_is_marked_but_its_rows_are_kept():
    run = run_all.judge("chat_fanout", result_line(met=False), 1, 12.0)

    assert not run.ok
    assert "failed" in run.status
    assert len(run.rows) == 1


def test_a_script_without_result_or_that_timed_out_is_not_ok():
    silent = run_all.judge("wiki_render", "Traceback …", 0, 3.0)
    stuck = run_all.judge("wiki_render", result_line(), None, 900.0)

    assert not silent.ok and "no result" in silent.status
    assert not stuck.ok and "timed out" in stuck.status


def test_the_table_holds_every_row_and_every_run():
    runs = [
        run_all.judge("directory_search", result_line(), 0, 30.0),
        run_all.judge("import_staff", result_line(name="HR import", met=False), 0, 40.0),
        run_all.judge("wiki_render", "", 2, 5.0),
    ]

    table = run_all.results_table(
        runs, started=datetime.datetime(2026, 11, 24, tzinfo=datetime.UTC), seconds=600
    )

    assert "| directory search p95 | 12.50 ms | 5.00 ms | 2.50 | ≤ 3× and ≤ 30 ms | yes |" in table
    assert "| HR import | 12.50 ms | 5.00 ms | 2.50 | ≤ 3× and ≤ 30 ms | **no** |" in table
    assert "`bench/wiki_render.py`: **failed** (exit 2)" in table
    assert "2 of 3 scripts ok" in table


def test_every_script_in_bench_runs_except_the_helpers():
    names = run_all.benchmark_names([])

    assert {"chat_fanout", "chat_fanout_cluster", "directory_search", "import_staff"} <= set(names)
    assert {"wiki_render", "idle_sockets"} <= set(names)
    assert not set(names) & run_all.NOT_BENCHMARKS
