"""Read the extraction sheet (extraction.csv / .xlsx) into located excerpts and evidence links."""

from __future__ import annotations

import re

from openpyxl.utils import get_column_letter

from cmograph.graph.models import EvidenceLink, Excerpt, Relation
from cmograph.ingest.columns import (
    BEARS_ON,
    CITES,
    COLUMNS,
    EXCERPT_COLUMNS,
    EXCERPT_ID,
    JUDGEMENT_COLUMNS,
    LIST_SEPARATORS,
    LOCATOR_COLUMNS,
    MODEL_TO_COLUMN,
    RELATION,
    REQUIRED,
    WHOLE_NUMBER_COLUMNS,
)
from cmograph.ingest.problems import (
    VALUE_WIDTH,
    Found,
    Origin,
    Problem,
    is_slug,
    nearest,
    one_of,
    shown,
    slug_expected,
)
from cmograph.ingest.read_models import Reading, validate_item
from cmograph.ingest.read_sheet import Table, read_table
from cmograph.ingest.read_text import MAX_FIELD_CHARS, within_limit

EXCERPTS, LINKS = "excerpts", "links"
_RELATIONS = [relation.value for relation in Relation]
_SPLIT = re.compile(f"[{re.escape(LIST_SEPARATORS)}]")


def read_extraction(file: str, data: bytes, problems: list[Problem]) -> Reading:
    """One excerpt per row (repeats are merged later) and one link per `bears_on` id."""
    reading = Reading()
    table = read_table(file, data, problems)
    if table is None:
        reading.incomplete |= {EXCERPTS, LINKS}
        return reading
    columns = _columns(file, table, problems)
    absent = set(REQUIRED) - columns.keys()
    for number, cells in table.rows:
        row = {name: cells[index] if index < len(cells) else "" for name, index in columns.items()}
        if number in table.damaged_rows:
            reading.broken_ids.add(row.get(EXCERPT_ID, "").strip())
            continue  # already reported; its cells are not what the user sees
        origin = Origin(file, f"row {number}", names=MODEL_TO_COLUMN)
        _read_row(origin, row, absent, reading, problems)
    return reading


def _normalise(header: str) -> str:
    """'Excerpt ID ' -> 'excerpt_id': forgive case and spacing, not spelling."""
    return "_".join(header.strip().lower().replace("-", " ").split())


def _columns(file: str, table: Table, problems: list[Problem]) -> dict[str, int]:
    """Column name -> index, with a problem for every missing, unknown or repeated column."""
    found: dict[str, int] = {}
    for index, raw in enumerate(table.header):
        name = _normalise(raw)
        letter = get_column_letter(index + 1)
        if not name:
            if any(index < len(cells) and cells[index].strip() for _, cells in table.rows):
                problems.append(
                    Problem(
                        file, "row 1", f"column {letter}", expected="a column name above values"
                    )
                )
        elif name in found:
            problems.append(
                Problem(
                    file,
                    "row 1",
                    name,
                    expected=f"each column once (also column {get_column_letter(found[name] + 1)})",
                )
            )
        elif name not in COLUMNS:
            close = nearest(name, COLUMNS, 1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(
                Problem(
                    file,
                    f"row 1, column {letter}",
                    value=shown(raw),
                    expected=f"a known column name: {one_of(COLUMNS)}{hint}",
                )
            )
        else:
            found[name] = index
    for name in REQUIRED:
        if name not in found:
            seen = _header_list([h.strip() for h in table.header if h.strip()])
            problems.append(
                Problem(
                    file,
                    "row 1",
                    name,
                    expected=f"a column named {name!r} (columns found: {seen})",
                )
            )
    return found


def _header_list(headers: list[str], most: int = 20) -> str:
    """The headers found, for a message: plain names as written, anything else (a line
    break, a 5,000-character cell) quoted and cut short, so the problem stays one line."""
    if not headers:
        return "none"
    names = [h if h.isprintable() and len(h) <= VALUE_WIDTH else shown(h) for h in headers[:most]]
    more = f" and {len(headers) - most} more" if len(headers) > most else ""
    return ", ".join(names) + more


def _read_row(
    origin: Origin, row: dict[str, str], absent: set[str], reading: Reading, problems: list[Problem]
) -> None:
    """Check one row. Required columns `absent` were reported once, in row 1, and oversized
    cells once each: neither is reported again as a missing value."""
    before = len(problems)
    oversized: set[str] = set()
    cells: dict[str, str] = {}
    for n, value in row.items():
        if len(value) > MAX_FIELD_CHARS and not within_limit(value, origin, (n,), problems):
            oversized.add(n)
        elif value := value.strip():
            cells[n] = value
    locator: dict[str, object] = {}
    for name in LOCATOR_COLUMNS:
        if name not in cells:
            continue
        if name in WHOLE_NUMBER_COLUMNS:
            number = _whole_number(cells[name])
            if number is None:
                problems.append(origin.problem((name,), "a whole number", value=cells[name]))
                continue
            locator[name] = number
        else:
            locator[name] = cells[name]
    raw_excerpt: dict[str, object] = {
        "locator": locator,
        "cites": _split(cells.get(CITES, "")),
    }
    for field, column in EXCERPT_COLUMNS.items():
        if column in cells:
            raw_excerpt[field] = cells[column]
    excerpt_problems: list[Problem] = []
    excerpt = validate_item(Excerpt, raw_excerpt, origin, excerpt_problems)
    problems.extend(p for p in excerpt_problems if p.field not in absent | oversized)
    relation = _relation(origin, cells, problems)
    targets = _split(cells.get(BEARS_ON, ""))
    for target in targets:
        if not is_slug(target):  # checked here so a row that fails otherwise still reports it
            problems.append(origin.problem((BEARS_ON,), slug_expected(target), value=target))
    if excerpt is None or len(problems) > before:
        # Keep what the row refers to, so an unknown source or target is reported now too.
        reading.add_broken(EXCERPTS, raw_excerpt, origin)
        for target in targets:
            reading.add_broken(LINKS, {"target": target}, origin)
        return
    reading.items[EXCERPTS].append(Found(excerpt, origin))
    judgement = {name: cells[name] for name in JUDGEMENT_COLUMNS if name in cells}
    for target in targets:  # all slugs now, so a link can only fail on reviewer or rationale
        link = validate_item(
            EvidenceLink,
            {"excerpt": excerpt.id, "target": target, "relation": relation, **judgement},
            origin,
            problems,
        )
        if link is not None:
            reading.items[LINKS].append(Found(link, origin))


def _relation(origin: Origin, cells: dict[str, str], problems: list[Problem]) -> str | None:
    """The row's relation word (any case), checked against `bears_on` in the same row."""
    given = cells.get(RELATION)
    if given is None:
        if BEARS_ON in cells:
            problems.append(
                origin.problem(
                    (RELATION,),
                    f"a relation for the bears_on ids in this row: {one_of(_RELATIONS)}",
                )
            )
        return None
    if given.lower() not in _RELATIONS:
        problems.append(origin.problem((RELATION,), one_of(_RELATIONS), value=given))
        return None
    if BEARS_ON not in cells:
        problems.append(
            origin.problem((BEARS_ON,), "the CMOC or element ids this relation applies to")
        )
        return None
    return given.lower()


def _whole_number(text: str) -> int | None:
    """'3' or '3.0' (as spreadsheets write whole numbers) -> 3; anything else -> None."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _split(text: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(text) if part.strip()]
