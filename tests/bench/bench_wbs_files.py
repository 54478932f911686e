"""Benchmark: a 2,000-task WBS imported in one request from a CSV sheet and from a Microsoft
Project XML (MSPDI) export, against the JSON import of the same rows in the same run.

Run with ``python tests/bench/bench_wbs_files.py [tasks] [rounds]`` against PostgreSQL on
127.0.0.1 (or ORDO_TEST_POSTGRES_URL). The WBS: phases of ten (a summary and nine tasks chained
FS, with an SS+1 in each), phases chained last to first. Each round imports it once per form
into a fresh draft plan through the planning app's test client (the whole request: auth,
multipart or JSON parsing, reading the file, the import, scheduling, commit, the answer), the
forms in a rotating order, and times the request (wall, and this process's CPU: the app's
Python, not PostgreSQL's) and, apart, the file reader alone (CPU). The MSPDI document carries
the elements Microsoft Project writes for a task (about 1 KB each), so it is larger than the
default body limit; the app here allows 8 MiB, and the sizes are printed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import statistics
import sys
import time
import uuid
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from services.planning.app import create_app  # noqa: E402
from services.planning.domain.wbs_files import read_csv, read_mspdi  # noqa: E402
from services.planning.models import Plan  # noqa: E402
from tests.helpers import JWT_SECRET, PORTAL_SECRET, auth, deliver  # noqa: E402
from tests.integration.workers import confirmed_order  # noqa: E402

POSTGRES_URL = os.environ.get("ORDO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
PHASE = 10
MSPDI_CODES = {"FF": 0, "FS": 1, "SF": 2, "SS": 3}


def wbs(size: int) -> list[dict]:
    """`size` rows: per phase of ten a summary and nine tasks, chained (one SS+1 a phase), each
    phase's first task after the previous phase's last."""
    rows = []
    for number in range(1, size + 1):
        phase, step = divmod(number - 1, PHASE)
        if step == 0:
            rows.append({"id": number, "name": f"Phase {phase}", "parent": None, "links": []})
            continue
        links = [(number - 1, "SS", 1) if step == 5 else (number - 1, "FS", 0)]
        if step == 1:
            links = [(number - 2, "FS", 0)] if phase else []
        parent = number - step
        duration = 1 + number % 4
        rows.append(
            {"id": number, "name": f"Task {number}", "parent": parent, "duration": duration}
            | {"links": links}
        )
    return rows


def as_json(rows: list[dict]) -> bytes:
    tasks = [
        {"key": str(row["id"]), "name": row["name"]}
        | ({"parent": str(row["parent"])} if row["parent"] else {})
        | ({"duration": row["duration"]} if "duration" in row else {})
        for row in rows
    ]
    links = [
        {"predecessor": str(before), "successor": str(row["id"]), "type": kind, "lag": lag}
        for row in rows
        for before, kind, lag in row["links"]
    ]
    return json.dumps({"tasks": tasks, "links": links}).encode()


def outline(rows: list[dict]) -> dict[int, str]:
    numbers: dict[int, str] = {}
    top = 0
    below: dict[int, int] = {}
    for row in rows:
        if row["parent"] is None:
            top += 1
            numbers[row["id"]] = str(top)
        else:
            below[row["parent"]] = below.get(row["parent"], 0) + 1
            numbers[row["id"]] = f"{numbers[row['parent']]}.{below[row['parent']]}"
    return numbers


def as_csv(rows: list[dict]) -> bytes:
    numbers = outline(rows)
    buffer = io.StringIO()
    sheet = csv.writer(buffer)
    sheet.writerow(["id", "outline", "name", "duration", "milestone", "predecessors"])
    for row in rows:
        predecessors = ";".join(
            f"{before}{kind}{lag:+d}" if lag else f"{before}{kind}"
            for before, kind, lag in row["links"]
        )
        sheet.writerow(
            [row["id"], numbers[row["id"]], row["name"], row.get("duration", ""), "", predecessors]
        )
    return buffer.getvalue().encode()


def as_mspdi(rows: list[dict]) -> bytes:
    """As Microsoft Project saves a task (its usual elements; no baselines or custom fields)."""
    numbers = outline(rows)
    parents = {row["parent"] for row in rows}
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Project xmlns="http://schemas.microsoft.com/project">\n'
        "\t<Name>bench.xml</Name>\n\t<MinutesPerDay>480</MinutesPerDay>\n\t<Tasks>\n"
        "\t\t<Task><UID>0</UID><ID>0</ID><Name>Bench</Name><OutlineLevel>0</OutlineLevel>"
        "<Summary>1</Summary></Task>\n"
    ]
    for position, row in enumerate(rows, 1):
        number = numbers[row["id"]]
        summary = row["id"] in parents
        hours = 8 * row.get("duration", 0)
        links = "".join(
            f"\t\t\t<PredecessorLink>\n\t\t\t\t<PredecessorUID>{before}</PredecessorUID>\n"
            f"\t\t\t\t<Type>{MSPDI_CODES[kind]}</Type>\n\t\t\t\t<CrossProject>0</CrossProject>\n"
            f"\t\t\t\t<LinkLag>{lag * 4800}</LinkLag>\n\t\t\t\t<LagFormat>7</LagFormat>\n"
            "\t\t\t</PredecessorLink>\n"
            for before, kind, lag in row["links"]
        )
        elements = {
            "UID": row["id"],
            "ID": position,
            "Name": row["name"],
            "Active": 1,
            "Manual": 0,
            "Type": 0,
            "IsNull": 0,
            "CreateDate": "2026-12-14T09:12:00",
            "WBS": number,
            "OutlineNumber": number,
            "OutlineLevel": number.count(".") + 1,
            "Priority": 500,
            "Start": "2027-01-04T08:00:00",
            "Finish": "2027-01-05T17:00:00",
            "Duration": f"PT{hours}H0M0S",
            "DurationFormat": 7,
            "Work": f"PT{hours}H0M0S",
            "ResumeValid": 0,
            "EffortDriven": 0,
            "Recurring": 0,
            "OverAllocated": 0,
            "Estimated": 0,
            "Milestone": 0,
            "Summary": int(summary),
            "Critical": 0,
            "PercentComplete": 0,
            "PercentWorkComplete": 0,
            "Cost": 60000,
            "FixedCost": 0,
            "ConstraintType": 0,
            "CalendarUID": -1,
        }
        inner = "".join(f"\t\t\t<{tag}>{value}</{tag}>\n" for tag, value in elements.items())
        parts.append(f"\t\t<Task>\n{inner}{links}\t\t</Task>\n")
    parts.append("\t</Tasks>\n</Project>\n")
    return "".join(parts).encode()


def new_plan(app):
    data = confirmed_order()
    data["requirements"] = []
    assert deliver(app, "ordo.order.confirmed", data) == "processed"
    with app.extensions["ordo"].db.sessions() as session:
        return session.query(Plan).filter_by(order_id=data["order_id"]).one().id


def send(client, plan_id, form: str, body: bytes):
    if form == "json":
        return client.post(
            f"/plans/{plan_id}/wbs",
            data=body,
            content_type="application/json",
            headers=auth("planner"),
        )
    name, media_type = ("wbs.csv", "text/csv") if form == "csv" else ("wbs.xml", "application/xml")
    return client.post(
        f"/plans/{plan_id}/wbs-file",
        data={"file": (io.BytesIO(body), name, media_type)},
        content_type="multipart/form-data",
        headers=auth("planner"),
    )


def cpu_of(action, repeats: int = 3) -> float:
    """The least CPU seconds of `repeats` runs of `action`."""
    least = float("inf")
    for _ in range(repeats):
        began = time.process_time()
        action()
        least = min(least, time.process_time() - began)
    return least


def measure(app, size: int, rounds: int) -> None:
    rows = wbs(size)
    bodies = {"json": as_json(rows), "csv": as_csv(rows), "mspdi": as_mspdi(rows)}
    readers = {"csv": read_csv, "mspdi": read_mspdi}
    parse = {form: cpu_of(lambda form=form: readers[form](bodies[form])) for form in readers}
    parse["json"] = cpu_of(lambda: json.loads(bodies["json"]))
    client = app.test_client()
    wall: dict[str, list[float]] = {form: [] for form in bodies}
    cpu: dict[str, list[float]] = {form: [] for form in bodies}
    forms = list(bodies)
    for round_ in range(rounds):
        for form in forms[round_ % 3 :] + forms[: round_ % 3]:
            plan_id = new_plan(app)
            started, began = time.perf_counter(), time.process_time()
            response = send(client, plan_id, form, bodies[form])
            wall[form].append(time.perf_counter() - started)
            cpu[form].append(time.process_time() - began)
            assert response.status_code == 200, response.get_data(as_text=True)[:500]
            assert len(response.json["created"]) == size
    links = sum(len(row["links"]) for row in rows)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{size} tasks, {links} links, {rounds} rounds; load average {load}")
    base_wall, base_cpu = statistics.median(wall["json"]), statistics.median(cpu["json"])
    print(
        f"{'form':<6} {'body':>9} {'wall p50':>9} {'CPU p50':>8} {'wall':>6} {'CPU':>6}"
        f" {'reader CPU':>11}"
    )
    for form in forms:
        w, c = statistics.median(wall[form]), statistics.median(cpu[form])
        print(
            f"{form:<6} {len(bodies[form]) / 1024:7.0f} KB {w:8.2f}s {c:7.2f}s"
            f" {w / base_wall:5.2f}x {c / base_cpu:5.2f}x {parse[form] * 1000:8.0f} ms"
        )


def main(size: int, rounds: int) -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # clean up when stopped
    name = f"ordo_p19bwbsf{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    app = create_app(
        {
            "database_url": f"{POSTGRES_URL}/{name}",
            "broker_url": "memory://",
            "jwt_secret": JWT_SECRET,
            "portal_secret": PORTAL_SECRET,
            "max_body_bytes": 8 * 1024 * 1024,
            "request_timeout_seconds": 600,  # the cost is measured here, not the deadline
        }
    )
    try:
        app.extensions["ordo"].db.create_all()
        measure(app, size, rounds)
    finally:
        app.extensions["ordo"].db.dispose()
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    arguments = [int(argument) for argument in sys.argv[1:]]
    main(*(arguments + [2000, 3][len(arguments) :]))
