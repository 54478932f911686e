"""WBS files: a CSV sheet or a Microsoft Project XML (MSPDI) export, read as WBS import rows.

Either file reads into the rows `usecases/wbs_import.py` takes — tasks in outline order, each
with a `key` and the key of its parent, and links by key — checked as the JSON form's schema
checks its rows. A bad value is refused by its place in the file and its field: `line 7.duration`
in a CSV, `Task UID 12.Duration` in an MSPDI document (`file` for what concerns the whole file),
up to MOST_ERRORS of them in one RuleViolation. `WbsFile.located` says the import's own refusals
(`tasks[3].parent`, `links[2].successor`) in the same terms.

**CSV** (UTF-8, a byte-order mark allowed; comma-separated, or semicolon-separated when the
header line holds semicolons and no comma). The first line names the columns, in any order and
case (`effort hours` reads as `effort_hours`); a column not listed here is refused, one without
a name is not read:

- `id` (required): a whole number from 1, unique in the file; links name rows by it, and the
  import's answer gives each new task's id by it.
- `name` (required): 1 to 200 characters.
- `outline`: the row's outline number (`1`, `1.2`, `1.2.3`); its parent is the row above whose
  outline drops the last part (`1.2` for `1.2.3`). Blank or no column: the row is at the top.
- `duration`: whole working days, 0 to 2,000 (blank: 1, or 0 for a milestone; a row with rows
  below it is a summary whose duration comes from them).
- `milestone`: yes/no, true/false, 1/0, x or blank.
- `department`: sales, engineering, production, quality, logistics or other (blank: other).
- `requirement_id`: the requirement (a UUID) the task works on.
- `effort_hours` (a number of hours) and `cost` (at most 2 decimals): blank for the defaults
  (8 hours a working day, at the default hourly rate).
- `not_before`: a date (2027-01-04) the task may not start before.
- `predecessors`: the ids this row waits for, separated by `;` or `,`, each as `3`, `3SS`,
  `3FS+2` or `3FF-1d` (type FS, SS, FF or SF, default FS; lag in working days, negative for a
  lead).

**MSPDI** (`<Project xmlns="http://schemas.microsoft.com/project">`, as Microsoft Project and
ProjectLibre save "XML"). Parsed with defusedxml, a DTD refused outright: no entity is expanded
and nothing outside the document is fetched (no billion laughs, no external entities). The tasks
are read in document order (Microsoft Project's ID order):

- UID 0, the project's summary task, and null (blank) tasks (`IsNull` 1) are skipped; so are
  inactive tasks (`Active` 0) with the tasks below them and the links to them. A task of
  another project (`ExternalTask`) and a link across projects (`CrossProject`) are refused.
- `UID` is the task's key (the answer gives each new task's id by its UID); `Name` its name.
- The parent follows `OutlineLevel` (or the number of parts of `OutlineNumber`): a task's parent
  is the nearest task above it one level up.
- `Duration` (ISO 8601, `PT16H0M0S`; a `D` counts a working day) is turned into working days of
  `Project/MinutesPerDay` minutes (480 unless the file says otherwise), rounded up; `Milestone` 1
  makes a milestone. A task with tasks below it is a summary: its Duration, Work and Cost come
  from below and are not read.
- `Work` gives the effort in hours and `Cost` (hundredths, as MSPDI writes money) the cost; 0
  for either (no resources assigned) leaves Ordo's defaults, as a blank CSV cell does.
- `ConstraintType` 4 (start no earlier than) or 2 (must start on) sets `not_before` from
  `ConstraintDate`'s day.
- `PredecessorLink`: `PredecessorUID`, `Type` (0 FF, 1 FS, 2 SF, 3 SS; default FS), `LinkLag`
  in tenths of a minute, turned into working days by `LagFormat` (elapsed formats: days of
  1,440 minutes; lags in percent are refused), rounded to the nearest day.
- `Start`, `Finish`, `PercentComplete` and resources are not read: Ordo schedules the plan
  itself, and progress is reported on tasks once the plan runs.
"""

from __future__ import annotations

import csv
import io
import math
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from functools import partial
from typing import Any, TypeVar
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from services.planning.domain.limits import (
    LINK_TYPES,
    MAX_DURATION,
    MAX_EFFORT_HOURS,
    MAX_IMPORT_ROWS,
    MAX_LAG,
    MAX_NAME_LENGTH,
)
from services.planning.domain.template import DEPARTMENTS
from shared.days import EARLIEST_DAY, LATEST_DAY
from shared.errors import RuleViolation
from shared.money import MAX_MONEY

CSV = "csv"
MSPDI = "mspdi"

MOST_ERRORS = 50
"""Refusals name at most this many places: enough to fix a file, short enough to read."""

#: The media types a WBS file may come as; generic ones are told apart by the file's suffix.
CSV_MEDIA_TYPES = frozenset(
    {"text/csv", "application/csv", "text/comma-separated-values", "application/vnd.ms-excel"}
)
XML_MEDIA_TYPES = frozenset({"application/xml", "text/xml"})
GENERIC_MEDIA_TYPES = frozenset({"", "application/octet-stream", "text/plain"})
SUFFIXES = {".csv": CSV, ".xml": MSPDI}
#: The types a client names its file with (the OpenAPI document lists them).
WBS_FILE_MEDIA_TYPES = ("text/csv", "application/xml", "text/xml")

T = TypeVar("T")


def file_kind(media_type: str | None, filename: str | None) -> str | None:
    """CSV or MSPDI from the upload's media type (or, for a generic one, the file's suffix);
    None for anything else."""
    media_type = (media_type or "").split(";")[0].strip().lower()
    if media_type in CSV_MEDIA_TYPES:
        return CSV
    if media_type in XML_MEDIA_TYPES:
        return MSPDI
    if media_type in GENERIC_MEDIA_TYPES:
        name = (filename or "").lower()
        return next((kind for suffix, kind in SUFFIXES.items() if name.endswith(suffix)), None)
    return None


@dataclass(frozen=True)
class WbsFile:
    """The rows of a WBS file, and where each came from: `task_places[n]` is where
    `tasks[n]` was read (`line 7`, `Task UID 12`), `task_fields` the file's name for each
    field of a row (`duration` -> `Duration`); the same for links."""

    tasks: list[dict[str, Any]]
    links: list[dict[str, Any]]
    task_places: list[str]
    link_places: list[str]
    task_fields: Mapping[str, str]
    link_fields: Mapping[str, str]

    def located(self, refused: RuleViolation) -> RuleViolation:
        """The import's refusal with each `tasks[n].field` or `links[n].field` named by its
        place and field in the file."""
        if not refused.errors:
            return refused
        errors: dict[str, str] = {}
        for where, message in refused.errors.items():
            errors.setdefault(self._place(where), message)
        extra = {name: value for name, value in refused.extra.items() if name != "errors"}
        return RuleViolation(errors, detail=refused.detail, **extra)

    def _place(self, where: str) -> str:
        match = re.fullmatch(r"(tasks|links)\[(\d+)\](?:\.(\w+))?", where)
        if match is None:
            return where
        rows, number, name = match.groups()
        places, names = (
            (self.task_places, self.task_fields)
            if rows == "tasks"
            else (self.link_places, self.link_fields)
        )
        place = places[int(number)]
        return f"{place}.{names.get(name, name)}" if name else place


def read_wbs_file(kind: str, content: bytes) -> WbsFile:
    """The rows of a CSV or MSPDI file (`kind` as `file_kind` tells); RuleViolation naming
    each bad place and field."""
    return read_csv(content) if kind == CSV else read_mspdi(content)


class _Refusals:
    """The places refused so far, at most MOST_ERRORS."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    @property
    def full(self) -> bool:
        return len(self.errors) >= MOST_ERRORS

    def add(self, where: str, message: str) -> None:
        if not self.full:
            self.errors.setdefault(where, message)

    def read(self, where: str, text: str, parse: Callable[[str], T]) -> T | None:
        """`parse(text)`, or None with the refusal when it raises ValueError."""
        try:
            return parse(text)
        except ValueError as refused:
            self.add(where, str(refused))
            return None

    def check(self) -> None:
        if self.errors:
            count = len(self.errors)
            raise RuleViolation(
                self.errors,
                detail=f"{count} {'value' if count == 1 else 'values'} of the file "
                f"{'is' if count == 1 else 'are'} refused; nothing was written.",
            )


# Values, as the JSON form's schema bounds them. Each raises ValueError with its message.


def _name(text: str) -> str:
    if not text:
        raise ValueError("A task needs a name.")
    if len(text) > MAX_NAME_LENGTH:
        raise ValueError(f"A name has at most {MAX_NAME_LENGTH} characters.")
    return text


def _working_days(text: str) -> int:
    if not re.fullmatch(r"\d{1,9}", text) or int(text) > MAX_DURATION:
        raise ValueError(f"Give a whole number of working days from 0 to {MAX_DURATION}.")
    return int(text)


def _flag(text: str) -> bool:
    value = text.lower()
    if value in ("1", "yes", "true", "x", "y"):
        return True
    if value in ("", "0", "no", "false", "n"):
        return False
    raise ValueError("Give yes or no (true/false, 1/0).")


def _department(text: str) -> str:
    if text.lower() not in DEPARTMENTS:
        raise ValueError(f"Give one of: {', '.join(DEPARTMENTS)}.")
    return text.lower()


def _requirement(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise ValueError("Give the requirement's id (a UUID).") from None


def _hours(value: float) -> float:
    if not math.isfinite(value) or not 0 <= value <= MAX_EFFORT_HOURS:
        raise ValueError(f"Give a number of hours from 0 to {MAX_EFFORT_HOURS:,}.")
    return round(value, 2)


def _effort(text: str) -> float:
    try:
        return _hours(float(text))
    except ValueError:
        raise ValueError(f"Give a number of hours from 0 to {MAX_EFFORT_HOURS:,}.") from None


def _money(amount: Decimal) -> Decimal:
    if not amount.is_finite() or not 0 <= amount <= MAX_MONEY:
        raise ValueError(f"Give an amount from 0 to {MAX_MONEY}.")
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        raise ValueError("An amount has at most 2 decimals.")
    return amount.quantize(Decimal("0.01"))


def _cost(text: str) -> Decimal:
    try:
        return _money(Decimal(text))
    except InvalidOperation:
        raise ValueError(f"Give an amount from 0 to {MAX_MONEY}, like 1200.50.") from None


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError("Give a date as 2027-01-04.") from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(f"Give a date between {EARLIEST_DAY} and {LATEST_DAY}.")
    return day


def _lag(days: int) -> int:
    if abs(days) > MAX_LAG:
        raise ValueError(f"A lag is at most {MAX_LAG} working days either way.")
    return days


# CSV

CSV_COLUMNS = (
    "id",
    "outline",
    "name",
    "duration",
    "milestone",
    "department",
    "requirement_id",
    "effort_hours",
    "cost",
    "not_before",
    "predecessors",
)
REQUIRED_COLUMNS = ("id", "name")
OPTIONAL_VALUES: dict[str, Callable[[str], Any]] = {
    "duration": _working_days,
    "department": _department,
    "requirement_id": _requirement,
    "effort_hours": _effort,
    "cost": _cost,
    "not_before": _day,
}
CSV_TASK_FIELDS = {"key": "id", "parent": "outline"}
CSV_LINK_FIELDS = dict.fromkeys(("predecessor", "successor", "type", "lag"), "predecessors")
OUTLINE = re.compile(r"[1-9]\d{0,5}(\.[1-9]\d{0,5})*")
PREDECESSOR = re.compile(
    r"(?P<id>\d{1,9})\s*"
    rf"(?:(?P<type>{'|'.join(LINK_TYPES)})\s*(?:(?P<lag>[+-]\s*\d{{1,9}})\s*(?:d|days?)?)?)?",
    re.IGNORECASE,
)


def read_csv(content: bytes) -> WbsFile:
    """The rows of a CSV sheet (the module's docstring has its columns)."""
    refusals = _Refusals()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as undecodable:
        refusals.add("file", f"The file is not UTF-8 text (byte {undecodable.start + 1}).")
        refusals.check()
    if "\x00" in text:  # no database stores it
        line = text.count("\n", 0, text.index("\x00")) + 1
        refusals.add(f"line {line}", "A NUL character cannot be stored.")
        refusals.check()
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in header_line and "," not in header_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = _records(reader, refusals)
    columns = _columns(next(records, None), refusals)
    refusals.check()
    tasks, task_places, pending_links = [], [], []
    line_of: dict[str, int] = {}
    key_of_outline: dict[str, str] = {}
    for line, cells in records:
        if refusals.full:
            break
        if len(tasks) == MAX_IMPORT_ROWS:
            refusals.add("file", f"A file holds at most {MAX_IMPORT_ROWS:,} tasks.")
            break
        if len(cells) > len(columns):
            refusals.add(f"line {line}", "More cells than the header has columns.")
            continue
        values = dict(zip(columns, (cell.strip() for cell in cells), strict=False))
        row = _csv_row(refusals, line, values, line_of, key_of_outline)
        if row is None:
            continue
        tasks.append(row)
        task_places.append(f"line {line}")
        pending_links += [(line, row["key"], entry) for entry in _entries(values)]
    if not tasks and not refusals.errors:
        refusals.add("file", "The file holds no tasks: a header line and a line per task.")
    links, link_places = [], []
    for line, key, entry in pending_links:
        link = _csv_link(refusals, f"line {line}.predecessors", entry, key, line_of)
        if link is not None:
            links.append(link)
            link_places.append(f"line {line}")
    if len(links) > 2 * MAX_IMPORT_ROWS:
        refusals.add("file", f"A file holds at most {2 * MAX_IMPORT_ROWS:,} links.")
    refusals.check()
    return WbsFile(tasks, links, task_places, link_places, CSV_TASK_FIELDS, CSV_LINK_FIELDS)


def _records(reader, refusals: _Refusals):
    """(line number, cells) of each non-blank record; a record the reader cannot read is
    refused by its line and ends the file."""
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as unreadable:
            refusals.add(f"line {reader.line_num}", f"Not readable as CSV: {unreadable}.")
            return
        if any(cell.strip() for cell in cells):
            yield line, cells


def _columns(header: tuple[int, list[str]] | None, refusals: _Refusals) -> list[str]:
    if header is None:
        refusals.add("file", "The file is empty: a header line names the columns.")
        return []
    line, cells = header
    columns = []
    for cell in cells:
        column = re.sub(r"[\s-]+", "_", cell.strip().lower())
        named = column != ""  # a column without a name (a trailing delimiter) is not read
        if named and column not in CSV_COLUMNS:
            known = ", ".join(CSV_COLUMNS)
            refusals.add(f"line {line}.{cell.strip()}", f"Not a column; the columns are {known}.")
        elif named and column in columns:
            refusals.add(f"line {line}.{column}", "This column is named twice.")
        columns.append(column)
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            refusals.add(f"line {line}.{column}", f"The header needs a column '{column}'.")
    return columns


def _csv_row(
    refusals: _Refusals,
    line: int,
    values: dict[str, str],
    line_of: dict[str, int],
    key_of_outline: dict[str, str],
) -> dict[str, Any] | None:
    place = f"line {line}"
    key = values.get("id", "")
    if not re.fullmatch(r"[1-9]\d{0,8}", key):
        refusals.add(f"{place}.id", "Give the row a whole number from 1 as its id.")
        return None
    if key in line_of:
        refusals.add(f"{place}.id", f"Line {line_of[key]} has this id already.")
        return None
    line_of[key] = line
    name = refusals.read(f"{place}.name", values.get("name", ""), _name)
    row: dict[str, Any] = {"key": key, "name": name, "parent": None}
    outline = values.get("outline", "")
    if outline:
        if not OUTLINE.fullmatch(outline):
            refusals.add(f"{place}.outline", "Give an outline number like 1, 1.2 or 1.2.3.")
        elif outline in key_of_outline:
            line_above = line_of[key_of_outline[outline]]
            refusals.add(f"{place}.outline", f"Line {line_above} has this outline already.")
        else:
            key_of_outline[outline] = key
            if "." in outline:
                above = outline.rsplit(".", 1)[0]
                if above in key_of_outline:
                    row["parent"] = key_of_outline[above]
                else:
                    refusals.add(
                        f"{place}.outline", f"No line above has outline {above}, this row's parent."
                    )
    if values.get("milestone"):
        row["milestone"] = refusals.read(f"{place}.milestone", values["milestone"], _flag)
    for column, parse in OPTIONAL_VALUES.items():
        if values.get(column):
            row[column] = refusals.read(f"{place}.{column}", values[column], parse)
    return row


def _entries(values: dict[str, str]) -> list[str]:
    return [entry.strip() for entry in re.split(r"[;,]", values.get("predecessors", ""))]


def _csv_link(
    refusals: _Refusals, where: str, entry: str, key: str, line_of: dict[str, int]
) -> dict[str, Any] | None:
    if not entry:
        return None
    match = PREDECESSOR.fullmatch(entry)
    if match is None:
        refusals.add(where, f"'{entry}' is not a predecessor like 3, 3SS or 3FS+2.")
        return None
    if match["id"] not in line_of:
        refusals.add(where, f"No line has id {match['id']} ('{entry}').")
        return None
    lag = refusals.read(where, match["lag"] or "0", lambda text: _lag(int(text.replace(" ", ""))))
    if lag is None:
        return None
    kind = (match["type"] or "FS").upper()
    return {"predecessor": match["id"], "successor": key, "type": kind, "lag": lag}


# MSPDI

NAMESPACE = "http://schemas.microsoft.com/project"
MINUTES_PER_DAY = 480
MINUTES_PER_ELAPSED_DAY = 1440
TYPES_BY_CODE = {"0": "FF", "1": "FS", "2": "SF", "3": "SS"}
ELAPSED_LAG_FORMATS = frozenset({4, 6, 8, 10, 12, 36, 38, 40, 42, 44})
PERCENT_LAG_FORMATS = frozenset({19, 20, 51, 52})
NOT_BEFORE_CONSTRAINTS = frozenset({"2", "4"})  # must start on, start no earlier than
MSPDI_TASK_FIELDS = {
    "key": "UID",
    "parent": "OutlineLevel",
    "name": "Name",
    "duration": "Duration",
    "milestone": "Milestone",
    "effort_hours": "Work",
    "cost": "Cost",
    "not_before": "ConstraintDate",
}
MSPDI_LINK_FIELDS = {
    "predecessor": "PredecessorUID",
    "successor": "PredecessorUID",
    "type": "Type",
    "lag": "LinkLag",
}
ROLLED_UP = ("duration", "effort_hours", "cost")
DURATION = re.compile(
    r"P(?:(?P<days>\d{1,9})D)?"
    r"(?:T(?:(?P<hours>\d{1,9}(?:\.\d{1,9})?)H)?(?:(?P<minutes>\d{1,9}(?:\.\d{1,9})?)M)?"
    r"(?:(?P<seconds>\d{1,9}(?:\.\d{1,9})?)S)?)?"
)


def read_mspdi(content: bytes) -> WbsFile:
    """The rows of a Microsoft Project XML document (the module's docstring says what is read)."""
    project = _document(content)
    refusals = _Refusals()
    read = _Reader(project.tag[: -len("Project")], refusals)
    minutes_per_day = read.minutes_per_day(project)
    refusals.check()
    tasks_element = project.find(read.ns + "Tasks")
    elements = [] if tasks_element is None else tasks_element.findall(read.ns + "Task")
    tasks: list[dict[str, Any]] = []
    task_places: list[str] = []
    pending_links: list[tuple[str, str, dict[str, Any]]] = []
    known: set[str] = set()
    left_out: set[str] = set()
    parents: set[str] = set()
    outline: list[tuple[int, str, bool]] = []  # (level, UID, left out) of the tasks above
    for position, element in enumerate(elements, 1):
        if refusals.full:
            break
        uid = element.findtext(read.ns + "UID", "").strip()
        if not re.fullmatch(r"\d{1,10}", uid):
            refusals.add(f"Task[{position}].UID", "Every task needs a UID (a whole number).")
            continue
        place = f"Task UID {uid}"
        if uid in known or uid in left_out:
            refusals.add(f"{place}.UID", "Another task has this UID.")
            continue
        if uid == "0" or read.flag(element, place, "IsNull"):
            left_out.add(uid)  # the project's summary task; a blank line
            continue
        level = read.level(element, place)
        if level is None:
            continue
        while outline and outline[-1][0] >= level:
            outline.pop()
        if level > (outline[-1][0] if outline else 0) + 1:
            refusals.add(f"{place}.OutlineLevel", "More than one level below the task above it.")
            continue
        parent = outline[-1] if outline else None
        inactive = read.text(element, "Active") in ("0", "false") or (
            parent is not None and parent[2]
        )
        outline.append((level, uid, inactive))
        if inactive:
            left_out.add(uid)
            continue
        if read.flag(element, place, "ExternalTask"):
            refusals.add(
                f"{place}.ExternalTask",
                "A task of another project cannot be imported; remove the link to it first.",
            )
            continue
        if len(tasks) == MAX_IMPORT_ROWS:
            refusals.add("file", f"A file holds at most {MAX_IMPORT_ROWS:,} tasks.")
            break
        row = read.task(element, place, uid, minutes_per_day)
        row["parent"] = parent[1] if parent is not None else None
        if parent is not None:
            parents.add(parent[1])
        known.add(uid)
        tasks.append(row)
        task_places.append(place)
        pending_links += read.links(element, place, uid, minutes_per_day)
    if not elements or (not tasks and not refusals.errors):
        refusals.add("file", "The document holds no tasks (Project/Tasks/Task).")
    for row in tasks:
        if row["key"] in parents:  # a summary: Microsoft Project's roll-ups are not read
            for name in ROLLED_UP:
                row.pop(name, None)
    links, link_places = [], []
    for where, predecessor, link in pending_links:
        if predecessor in left_out and predecessor != "0":
            continue  # a link from an inactive or blank task
        if predecessor not in known:
            message = (
                "UID 0 is the project's summary task; link to the tasks themselves."
                if predecessor == "0"
                else "No task of the document has this UID."
            )
            refusals.add(f"{where}.PredecessorUID", message)
            continue
        links.append(link)
        link_places.append(where)
    if len(links) > 2 * MAX_IMPORT_ROWS:
        refusals.add("file", f"A file holds at most {2 * MAX_IMPORT_ROWS:,} links.")
    refusals.check()
    return WbsFile(tasks, links, task_places, link_places, MSPDI_TASK_FIELDS, MSPDI_LINK_FIELDS)


def _document(content: bytes) -> Element:
    """The document's Project element: no DTD (so no entity and nothing fetched from
    outside), well formed, Microsoft Project's namespace or none."""
    try:
        root = fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        problem = "A DTD, entity or external reference is not accepted in a project document."
    except ParseError as broken:
        line, column = broken.position
        problem = f"Not well-formed XML (line {line}, column {column + 1})."
    else:
        if root.tag in (f"{{{NAMESPACE}}}Project", "Project"):
            return root
        problem = f'Not a Microsoft Project XML document: <Project xmlns="{NAMESPACE}">.'
    raise RuleViolation({"file": problem}, detail=f"{problem} Nothing was written.")


class _Reader:
    """Values of the elements of one MSPDI document, refused by task and element."""

    def __init__(self, ns: str, refusals: _Refusals):
        self.ns = ns
        self.refusals = refusals

    def text(self, element: Element, name: str) -> str:
        return (element.findtext(self.ns + name) or "").strip()

    def flag(self, element: Element, place: str, name: str) -> bool:
        text = self.text(element, name)
        if text in ("", "0", "false"):
            return False
        if text in ("1", "true"):
            return True
        self.refusals.add(f"{place}.{name}", "Give 0 or 1.")
        return False

    def minutes_per_day(self, project: Element) -> int:
        text = self.text(project, "MinutesPerDay")
        if not text:
            return MINUTES_PER_DAY
        if not re.fullmatch(r"\d{1,4}", text) or not 1 <= int(text) <= MINUTES_PER_ELAPSED_DAY:
            self.refusals.add("Project.MinutesPerDay", "Give the minutes of a working day.")
            return MINUTES_PER_DAY
        return int(text)

    def level(self, element: Element, place: str) -> int | None:
        level, number = self.text(element, "OutlineLevel"), self.text(element, "OutlineNumber")
        if level:
            if not re.fullmatch(r"\d{1,3}", level) or int(level) < 1:
                self.refusals.add(f"{place}.OutlineLevel", "Give a level from 1.")
                return None
            return int(level)
        if number:
            if not OUTLINE.fullmatch(number):
                self.refusals.add(f"{place}.OutlineNumber", "Give an outline number like 1.2.3.")
                return None
            return number.count(".") + 1
        return 1

    def task(self, element: Element, place: str, uid: str, per_day: int) -> dict[str, Any]:
        read = self.refusals.read
        row: dict[str, Any] = {
            "key": uid,
            "name": read(f"{place}.Name", self.text(element, "Name"), _name),
        }
        if self.flag(element, place, "Milestone"):
            row["milestone"] = True
        else:
            duration = self.text(element, "Duration")
            if duration:
                row["duration"] = read(
                    f"{place}.Duration", duration, lambda text: _task_days(text, per_day)
                )
        work = self.text(element, "Work")
        if work:
            hours = read(
                f"{place}.Work", work, lambda text: _hours(float(_minutes(text, per_day) / 60))
            )
            if hours:
                row["effort_hours"] = hours
        cost = self.text(element, "Cost")
        if cost:
            amount = read(f"{place}.Cost", cost, _hundredths)
            if amount:
                row["cost"] = amount
        if self.text(element, "ConstraintType") in NOT_BEFORE_CONSTRAINTS:
            day = self.text(element, "ConstraintDate")
            if day:
                row["not_before"] = read(f"{place}.ConstraintDate", day, _constraint_day)
        return row

    def links(
        self, element: Element, place: str, uid: str, per_day: int
    ) -> list[tuple[str, str, dict[str, Any]]]:
        """(place, predecessor UID, link row) of each of the task's PredecessorLinks."""
        found = []
        read = self.refusals.read
        for number, link in enumerate(element.findall(self.ns + "PredecessorLink"), 1):
            where = f"{place}.PredecessorLink[{number}]"
            predecessor = self.text(link, "PredecessorUID")
            if not re.fullmatch(r"\d{1,10}", predecessor):
                self.refusals.add(f"{where}.PredecessorUID", "Give the predecessor's UID.")
                continue
            if self.flag(link, where, "CrossProject"):
                self.refusals.add(
                    f"{where}.CrossProject", "A link to another project cannot be imported."
                )
                continue
            kind = TYPES_BY_CODE.get(self.text(link, "Type") or "1")
            if kind is None:
                self.refusals.add(f"{where}.Type", "Give 0 (FF), 1 (FS), 2 (SF) or 3 (SS).")
                continue
            lag_format = read(f"{where}.LagFormat", self.text(link, "LagFormat") or "7", _format)
            lag = read(
                f"{where}.LinkLag",
                self.text(link, "LinkLag") or "0",
                partial(_lag_days, lag_format=lag_format, per_day=per_day),
            )
            if lag_format is None or lag is None:
                continue
            row = {"predecessor": predecessor, "successor": uid, "type": kind, "lag": lag}
            found.append((where, predecessor, row))
        return found


def _minutes(text: str, per_day: int) -> Decimal:
    """The minutes of work an xsd:duration holds (PT16H0M0S; a D is a working day)."""
    match = DURATION.fullmatch(text)
    if match is None or text in ("P", "PT"):
        raise ValueError("Give a duration like PT16H0M0S.")
    part = {name: Decimal(value or 0) for name, value in match.groupdict().items()}
    return part["days"] * per_day + part["hours"] * 60 + part["minutes"] + part["seconds"] / 60


def _task_days(text: str, per_day: int) -> int:
    days = int((_minutes(text, per_day) / per_day).to_integral_value(ROUND_CEILING))
    if days > MAX_DURATION:
        raise ValueError(f"A task lasts at most {MAX_DURATION} working days.")
    return days


def _hundredths(text: str) -> Decimal:
    try:
        return _money((Decimal(text) / 100).quantize(Decimal("0.01")))
    except InvalidOperation:
        raise ValueError("Give an amount (in hundredths, as MSPDI writes money).") from None


def _constraint_day(text: str) -> date:
    try:
        day = datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError("Give a date and time like 2027-01-04T08:00:00.") from None
    return _day(day.isoformat())


def _format(text: str) -> int:
    if not re.fullmatch(r"\d{1,2}", text):
        raise ValueError("Give a lag format (7 for days).")
    if int(text) in PERCENT_LAG_FORMATS:
        raise ValueError("A lag in percent cannot be imported; give it in days.")
    return int(text)


def _lag_days(text: str, lag_format: int | None, per_day: int) -> int:
    """Tenths of a minute as working days, to the nearest day (half a day away from 0)."""
    if not re.fullmatch(r"-?\d{1,12}", text):
        raise ValueError("Give the lag in tenths of a minute.")
    tenths_a_day = 10 * (MINUTES_PER_ELAPSED_DAY if lag_format in ELAPSED_LAG_FORMATS else per_day)
    tenths = int(text)
    days = (2 * abs(tenths) + tenths_a_day) // (2 * tenths_a_day)
    return _lag(days if tenths >= 0 else -days)
