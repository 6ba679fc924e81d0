"""Read a CSV or XLSX sheet into rows of text, numbered as a spreadsheet user sees them."""

from __future__ import annotations

import csv
import io
import sys
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, time

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cmograph.ingest.problems import VALUE_WIDTH, Problem, reason, shown
from cmograph.ingest.read_text import MAX_FIELD_CHARS, decode_utf8

SHEET_NAME = "extraction"
_CSV_ADVICE = " (save the sheet as 'CSV UTF-8')"
_DELIMITERS = (",", ";", "\t")
# The largest value csv.field_size_limit accepts everywhere (a C long is 32 bits on Windows).
_CSV_FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)


@dataclass
class Table:
    """The header (row 1) and the non-empty rows after it, as (row number, cell texts).

    `damaged_rows` hold merged cells or formulas without results: already reported, and
    their cells are not what the user sees, so they are not checked further.
    """

    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    damaged_rows: set[int] = field(default_factory=set)


def read_table(file: str, data: bytes, problems: list[Problem]) -> Table | None:
    """The sheet's cells as text, or None (with problems) if the file cannot be read whole."""
    if file.lower().endswith(".xlsx"):
        return _read_xlsx(file, data, problems)
    return _read_csv(file, data, problems)


def _table(records: list[list[str]]) -> Table:
    """Row 1 is the header; empty rows are skipped but still counted, as a spreadsheet shows."""
    table = Table(header=records[0] if records else [])
    for number, cells in enumerate(records[1:], start=2):
        if any(cell.strip() for cell in cells):
            table.rows.append((number, cells))
    return table


# --- CSV ----------------------------------------------------------------------------------


def _read_csv(file: str, data: bytes, problems: list[Problem]) -> Table | None:
    text = decode_utf8(file, data, problems, _CSV_ADVICE)
    if text is None:
        return None
    # Lift csv's own cap (128 KiB) out of the way, so an oversized cell is read whole and
    # reported by the per-field check with its row and column. No cell can outgrow the file
    # (itself capped by the API's body limit); csv.Error for size is now for > 2**31 only.
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    first_line = text.split("\n", 1)[0]
    # Excel in some locales saves "CSV" with semicolons: take the header's commonest separator.
    delimiter = max(_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    start = 1
    try:
        for record in reader:
            records.append(record)
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            expected = f"at most {MAX_FIELD_CHARS:,} characters in one field"
        else:
            expected = (
                "well-formed CSV: a quoted cell ends with a quote, and quotes inside it are "
                f"doubled (the CSV reader said: {reason(exc)})"
            )
        where = f"line {start} (row {len(records) + 1})"
        problems.append(Problem(file, where, expected=expected))
        return None
    return _table(records)


# --- XLSX ---------------------------------------------------------------------------------


def _read_xlsx(file: str, data: bytes, problems: list[Problem]) -> Table | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops
            values_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            # A second, full load: only it exposes merged ranges and formulas without results.
            formula_book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # any damage to the zip or XML is the user's file, not our bug
        problems.append(
            Problem(
                file,
                expected=f"an Excel workbook (.xlsx) ({type(exc).__name__}: {reason(exc)})",
            )
        )
        return None
    try:
        titles = [sheet.title for sheet in values_book.worksheets]
        if not titles:
            problems.append(Problem(file, expected="a worksheet holding the extraction"))
            return None
        title = next((t for t in titles if t.strip().lower() == SHEET_NAME), titles[0])
        records = [
            [_cell_text(value) for value in row]
            for row in values_book[title].iter_rows(min_row=1, values_only=True)
        ]
        table = _table(records)
        _check_structure(file, formula_book[title], table, problems)
        return table
    finally:
        values_book.close()


def _check_structure(file: str, sheet: Worksheet, table: Table, problems: list[Problem]) -> None:
    """Merged cells hide which row a value belongs to; a formula with no saved result has no
    value to read at all."""
    header = table.header
    cached = dict(table.rows)
    for merged in sorted(sheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        table.damaged_rows.update(range(merged.min_row, merged.max_row + 1))
        problems.append(
            Problem(
                file,
                f"row {merged.min_row}",
                _column_name(header, merged.min_col - 1),
                expected=f"no merged cells (unmerge {merged.coord} and fill each cell)",
            )
        )
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type != "f":
                continue
            cells, c = cached.get(cell.row, header if cell.row == 1 else []), cell.column - 1
            if c >= len(cells) or not cells[c]:
                table.damaged_rows.add(cell.row)
                problems.append(
                    Problem(
                        file,
                        f"row {cell.row}",
                        _column_name(header, c),
                        shown(str(cell.value)),
                        "a value, not a formula without a saved result (open the sheet in "
                        "Excel and save it, or paste the cells as values)",
                    )
                )


def _column_name(header: list[str], index: int) -> str:
    """The header as written, or the column's letter where there is none to show on one line."""
    name = header[index].strip() if index < len(header) else ""
    plain = name.isprintable() and len(name) <= VALUE_WIDTH
    return name if name and plain else f"column {get_column_letter(index + 1)}"


def _cell_text(value: object) -> str:
    """A cell as the text a user sees: 3.0 -> "3", a date -> "2024-05-01"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
