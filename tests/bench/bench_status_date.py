"""Benchmark: rescheduling a 2,000-task plan as of a status date, against the plain scheduler.

Run with ``python tests/bench/bench_status_date.py``. Builds one seeded random plan (2,000 leaf
tasks, 4,000 FS/SS/FF/SF links with leads and lags, on a Monday-to-Friday calendar with
holidays), as of a status date halfway to its planned finish: most work planned to finish by
then is done (a day early to two late), work planned to have started is in progress (10–90 %),
the rest not started. Times, interleaved in the same process:

* plain: :func:`schedule` on the network's planned durations (what a replan did before status
  dates);
* status date: the same network as the planning service reschedules it as of the status date
  (:func:`scheduler_task` for every row: done work pinned to its actual dates, work in progress
  pinned at its actual start with its remaining duration from the status date, work not
  started held back to the status date), then :func:`schedule`.

Prints p50 and p99 of each and their ratio (status date / plain).
"""

from __future__ import annotations

import gc
import platform
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from services.planning.domain.calendar import WorkCalendar  # noqa: E402
from services.planning.domain.scheduling import (  # noqa: E402
    Dependency,
    DependencyType,
    Task,
    schedule,
)
from services.planning.usecases.network import scheduler_task  # noqa: E402

TASKS, LINKS = 2_000, 4_000
RUNS = 300
SEED = 20261201
START = date(2027, 1, 4)


@dataclass
class Row:
    """What scheduler_task reads of a stored task."""

    id: str
    duration: int
    milestone: bool = False
    percent_complete: float = 0.0
    actual_start: date | None = None
    actual_finish: date | None = None
    not_before: date | None = None

    @property
    def done(self) -> bool:
        return self.percent_complete >= 100


def plan() -> tuple[WorkCalendar, list[Row], list[Dependency], date]:
    rng = random.Random(SEED)
    holidays = frozenset(START + timedelta(days=rng.randrange(400)) for _ in range(12))
    calendar = WorkCalendar(START, frozenset(range(5)), holidays)
    rows = [Row(f"T{n}", rng.randint(0, 10)) for n in range(TASKS)]
    for row in rows:
        row.milestone = row.duration == 0
    edges: set[tuple[int, int]] = set()
    while len(edges) < LINKS:
        first, second = sorted(rng.sample(range(TASKS), 2))
        edges.add((first, second))
    links = [
        Dependency(rows[a].id, rows[b].id, rng.choice(list(DependencyType)), rng.randint(-2, 3))
        for a, b in sorted(edges)
    ]
    planned = schedule([Task(row.id, row.duration) for row in rows], links)
    status_index = planned.project_finish // 2
    status_date = calendar.to_date(status_index)
    for row in rows:
        item = planned.tasks[row.id]
        if item.early_finish <= status_index and rng.random() < 0.8:
            row.percent_complete = 100.0
            slip = rng.randint(-1, 2)
            row.actual_start = calendar.to_date(max(item.early_start + slip, 0))
            finish = max(item.early_finish - 1 + slip, item.early_start + slip, 0)
            row.actual_finish = min(calendar.to_date(finish), status_date)
            row.actual_start = min(row.actual_start, row.actual_finish)
        elif item.early_start <= status_index and not row.milestone:
            row.percent_complete = float(rng.choice((10, 25, 50, 75, 90)))
            row.actual_start = calendar.to_date(max(min(item.early_start, status_index), 0))
    return calendar, rows, links, status_date


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    calendar, rows, links, status_date = plan()
    done = sum(row.done for row in rows)
    started = sum(row.actual_start is not None and not row.done for row in rows)
    status_index = calendar.to_index(status_date)

    def plain():
        return schedule([Task(row.id, row.duration) for row in rows], links)

    def as_of_status_date():
        return schedule([scheduler_task(row, calendar, status_index) for row in rows], links)

    plain_times, status_times = [], []
    result = None
    gc.collect()
    for _ in range(RUNS):
        for run, times in ((plain, plain_times), (as_of_status_date, status_times)):
            began = time.perf_counter()
            result = run()
            times.append(time.perf_counter() - began)
    pinned = [row for row in rows if row.actual_start is not None]
    assert all(
        result.tasks[row.id].early_start
        == calendar.to_index(row.actual_start + timedelta(days=row.milestone))
        for row in pinned
    ), "a task with actuals moved"
    print(
        f"python {platform.python_version()}, {TASKS} tasks, {LINKS} links, status date "
        f"{status_date} ({done} done, {started} in progress), {RUNS} runs each, interleaved"
    )
    print(f"{'':<14}{'p50 ms':>10}{'p99 ms':>10}")
    for name, times in (("plain", plain_times), ("status date", status_times)):
        print(
            f"{name:<14}{percentile(times, 0.5) * 1e3:>10.2f}{percentile(times, 0.99) * 1e3:>10.2f}"
        )
    print(
        f"ratio status date / plain: p50 "
        f"{percentile(status_times, 0.5) / percentile(plain_times, 0.5):.2f}x, p99 "
        f"{percentile(status_times, 0.99) / percentile(plain_times, 0.99):.2f}x "
        f"(mean {statistics.mean(status_times) / statistics.mean(plain_times):.2f}x)"
    )


if __name__ == "__main__":
    main()
