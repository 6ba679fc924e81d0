"""Generated malformed bundles: each is rejected with a located problem, exit code 1, and no change to the store."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from cmograph import examples
from cmograph.graph.checksum import content_checksum
from cmograph.graph.falkordb_store import FalkorStore
from cmograph.ingest.bundle_reader import read_bundle
from cmograph.ingest.columns import COLUMNS, REQUIRED
from cmograph.ingest.load import ingest_bundle, remove_review
from cmograph.ingest.problems import BundleInvalid, Problem
from tests.conftest import cli
from tests.factories import small_bundle

FUZZ = settings(
    max_examples=int(os.environ.get("CMOGRAPH_FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
HUGE = 1_000_001  # one character over the readers' cap on a field
VALUE = object()  # in Expect.line_has: "the value the problem shows"
CSV_FILE, REVIEW_FILE, BIB_FILE, RIS_FILE, XLSX_FILE = (
    "extraction.csv", "review.yaml", "references.bib", "references.ris", "extraction.xlsx")
BOM = codecs.BOM_UTF8


# --- the unbroken bundle every case starts from ----------------------------------------------------


def _review_dict() -> dict[str, Any]:
    data = small_bundle().model_dump(mode="json", exclude_defaults=True)
    sources = [{k: s[k] for k in ("id", "kind", "included") if k in s} for s in data["sources"]]
    return {"review": data["review"], "theories": data["theories"], "elements": data["elements"],
            "cmocs": data["cmocs"], "sources": sources}


BIB_ENTRIES = [
    "@article{smith-2020,\n  author = {Smith, A.},\n  title = {Meeting in person},\n  year = {2020},\n"
    "  journal = {Journal of Partnerships},\n  doi = {10.1000/smith},\n}\n",
    "@article{jones-2021,\n  author = {Jones, B.},\n  title = {Dashboards},\n  year = {2021},\n}\n",
]
RIS_RECORDS = [
    ["TY  - RPRT", "ID  - tiny-review", "AU  - Doe, J.", "TI  - A tiny review", "PY  - 2025", "ER  - "],
    ["TY  - JOUR", "ID  - doe-2019", "AU  - Doe, J.", "TI  - Earlier work", "JO  - Journal of Tests",
     "PY  - 2019", "SP  - 1", "EP  - 9", "ER  - "],
]


def _sheet_rows() -> list[list[str]]:
    bundle = small_bundle()
    links: dict[str, list[Any]] = {}
    for link in bundle.links:
        links.setdefault(link.excerpt, []).append(link)
    rows = [list(COLUMNS)]
    for excerpt in bundle.excerpts:
        for link in links.get(excerpt.id) or [None]:
            cells = {"excerpt_id": excerpt.id, "source": excerpt.source, "text": excerpt.text,
                     **{k: str(v) for k, v in excerpt.locator.model_dump(exclude_none=True).items()},
                     "cites": ";".join(excerpt.cites)}
            if link is not None:
                cells |= {"bears_on": link.target, "relation": str(link.relation),
                          "reviewer": link.reviewer or "", "rationale": link.rationale or ""}
            rows.append([cells.get(column, "") for column in COLUMNS])
    return rows


def yaml_text(review: dict[str, Any]) -> str:
    return yaml.safe_dump(review, sort_keys=False, allow_unicode=True, width=1 << 30)


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def xlsx_bytes(rows: list[list[str]], change: Callable[[Any], None] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "extraction"
    for row in rows:
        sheet.append(row)
    if change:
        change(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def base_files() -> dict[str, bytes]:
    return {REVIEW_FILE: yaml_text(_review_dict()).encode(), BIB_FILE: "\n".join(BIB_ENTRIES).encode(),
            RIS_FILE: "\n".join("\n".join(r) for r in RIS_RECORDS).encode() + b"\n",
            CSV_FILE: csv_text(_sheet_rows()).encode()}


ROWS = _sheet_rows()
DATA_ROWS = range(2, len(ROWS) + 1)  # sheet row numbers of the excerpt rows
BASE = base_files()
BIB_KEYS = ["smith-2020", "jones-2021"]
YAML_IDS = [item["id"] for section in ("theories", "elements", "cmocs", "sources") for item in _review_dict()[section]]


def line_of(text: str, needle: str, start: int = 1) -> int:
    """The number of the first line from `start` on that holds `needle`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in the text")


# --- cases: a broken bundle and where its problem must be reported ---------------------------------


@dataclass(frozen=True)
class Expect:
    file: str
    where: str | None  # a regex the problem's `where` matches whole; None: the problem names no place
    field: str | None = None  # a regex the problem's `field` matches whole; None: any field
    line_has: object = None  # text (or VALUE) that the line named in `where` holds


class Case:
    """A broken bundle's files, and the problem it must be rejected with.

    Not a dataclass: hypothesis prints a failing case field by field, megabyte fields too.
    """

    def __init__(self, kind: str, files: dict[str, bytes], expect: Expect) -> None:
        self.kind, self.files, self.expect = kind, files, expect

    def __repr__(self) -> str:
        shown = {name: (data[:300] + b"..." if len(data) > 600 else data) for name, data in self.files.items()}
        return f"Case({self.kind!r}, {self.expect!r}, files={shown!r})"


def _with(name: str, data: bytes | str, drop: tuple[str, ...] = ()) -> dict[str, bytes]:
    files = {k: v for k, v in BASE.items() if k not in drop}
    files[name] = data.encode() if isinstance(data, str) else data
    return files


def _row_line(row: int) -> str:
    return rf"line {row} \(row {row}\)"


# CSV quoting


def csv_unterminated_quote(row: int, column: int) -> Case:
    rows = [list(r) for r in ROWS]
    rows[row - 1][column] = '"' + rows[row - 1][column]  # no quote follows anywhere in the file
    body = "".join(",".join(r) + "\r\n" for r in rows)
    return Case("csv-unterminated-quote", _with(CSV_FILE, body), Expect(CSV_FILE, _row_line(row)))


def csv_text_after_closing_quote(row: int, column: int, junk: str) -> Case:
    rows = [list(r) for r in ROWS]
    rows[row - 1][column] = f'"{rows[row - 1][column]}"{junk}'
    body = "".join(",".join(r) + "\r\n" for r in rows)
    return Case("csv-text-after-quote", _with(CSV_FILE, body), Expect(CSV_FILE, _row_line(row)))


# encodings and byte-order marks

LATIN_1 = "éüñçøåÄÖÜßàèìòùÿ«»°±µ¶"
CP1252 = "‘’“”–—€…•™"


def _non_utf8(text: str, encoding: str) -> tuple[bytes, int]:
    data = text.encode(encoding)
    return data, next(i for i, b in enumerate(data) if b >= 0x80)


def eight_bit_text(file: str, encoding: str, char: str, before: str, after: str) -> Case:
    """A quote, title or statement holding one character saved in latin-1 or cp1252, not UTF-8."""
    text = f"{before}{char} {after}"  # an ASCII byte after it: never a valid UTF-8 sequence by chance
    if file == CSV_FILE:
        rows = [list(r) for r in ROWS]
        rows[2][COLUMNS.index("text")] = text
        source = csv_text(rows)
    elif file == REVIEW_FILE:
        review = _review_dict()
        review["cmocs"][1]["statement"] = text
        source = yaml_text(review)
    elif file == BIB_FILE:
        source = BASE[BIB_FILE].decode().replace("{Dashboards}", "{" + text + "}")
    else:
        source = BASE[RIS_FILE].decode().replace("TI  - Earlier work", f"TI  - {text}")
    data, offset = _non_utf8(source, encoding)
    line = source.encode(encoding)[:offset].count(b"\n") + 1
    return Case(f"{encoding}-{file}", _with(file, data), Expect(file, rf"line {line}, byte {offset}"))


def utf16_or_32(file: str, encoding: str) -> Case:
    """A whole file saved as UTF-16 or UTF-32 with its byte-order mark."""
    return Case(f"{encoding}-{file}", _with(file, BASE[file].decode().encode(encoding)),
                Expect(file, r"line 1, byte 0"))


def utf16_without_bom(file: str, encoding: str) -> Case:
    """UTF-16 without a byte-order mark: every ASCII character comes with a NUL byte, the first in byte 0 or 1."""
    return Case(f"{encoding}-no-bom-{file}", _with(file, BASE[file].decode().encode(encoding)),
                Expect(file, r"line 1, byte \d"))


def csv_double_bom() -> Case:
    """Two byte-order marks: the second is read as part of the first column's name."""
    return Case("csv-double-bom", _with(CSV_FILE, BOM + BOM + BASE[CSV_FILE]), Expect(CSV_FILE, r"row 1, column A"))


def with_bom(case: Case) -> Case:
    """The same broken file with a UTF-8 byte-order mark first: still reported at the same place."""
    data = case.files[case.expect.file]
    if case.expect.file == XLSX_FILE or data.startswith((BOM, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return case
    where = case.expect.where
    if where and (match := re.fullmatch(r"(line \d+), byte (\d+)", where)):
        where = f"{match.group(1)}, byte {int(match.group(2)) + len(BOM)}"
    files = {**case.files, case.expect.file: BOM + data}
    return Case(case.kind + "+bom", files, replace(case.expect, where=where))


# columns


def csv_missing_column(column: str) -> Case:
    index = COLUMNS.index(column)
    rows = [r[:index] + r[index + 1:] for r in ROWS]
    return Case("csv-missing-column", _with(CSV_FILE, csv_text(rows)), Expect(CSV_FILE, "row 1", re.escape(column)))


def csv_duplicate_column(column: int, spelling: str, values: str) -> Case:
    name = COLUMNS[column]
    header = {"same": name, "upper": name.upper(), "padded": f" {name} ", "title": name.title()}[spelling]
    rows = [[*ROWS[0], header]] + [[*r, values] for r in ROWS[1:]]
    return Case("csv-duplicate-column", _with(CSV_FILE, csv_text(rows)), Expect(CSV_FILE, "row 1", re.escape(name)))


def csv_unknown_header_instead_of(column: str, header: str) -> Case:
    """A required column renamed to anything at all: the problem is still one located line."""
    index = COLUMNS.index(column)
    rows = [list(r) for r in ROWS]
    rows[0][index] = header
    return Case("csv-renamed-column", _with(CSV_FILE, csv_text(rows)), Expect(CSV_FILE, "row 1", re.escape(column)))


# enormous fields


def csv_huge_cell(row: int, column: str, extra: int, char: str) -> Case:
    rows = [list(r) for r in ROWS]
    rows[row - 1][COLUMNS.index(column)] = char * (HUGE + extra)
    return Case("csv-huge-cell", _with(CSV_FILE, csv_text(rows)), Expect(CSV_FILE, f"row {row}", re.escape(column)))


YAML_TEXT_FIELDS = [
    (("review", "title"), "review.title"), (("theories", 0, "statement"), "theories[0].statement"),
    (("elements", 3, "text"), "elements[3].text"), (("cmocs", 1, "statement"), "cmocs[1].statement"),
    (("cmocs", 2, "lineage", "note"), "cmocs[2].lineage.note"), (("review", "notes", 0), "review.notes[0]"),
    (("sources", 2, "title"), "sources[2].title"),
]


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def yaml_huge_field(which: int, extra: int) -> Case:
    path, rendered = YAML_TEXT_FIELDS[which]
    review = _review_dict()
    marker = "HUGE-FIELD-STARTS-HERE "
    _set(review, path, marker + "y" * (HUGE + extra))
    return Case("yaml-huge-field", _with(REVIEW_FILE, yaml_text(review)),
                Expect(REVIEW_FILE, r"line \d+", re.escape(rendered), line_has=marker))


def bib_huge_field(entry: int, field: str, extra: int) -> Case:
    key = BIB_KEYS[entry]
    body = re.sub(rf"\n  {field} = \{{[^}}]*\}},", "", BIB_ENTRIES[entry])  # the field once, and huge
    body = body.replace(f"@article{{{key},", f"@article{{{key},\n  {field} = {{{'b' * (HUGE + extra)}}},")
    text = "\n".join(body if i == entry else e for i, e in enumerate(BIB_ENTRIES))
    line = line_of(text, f"@article{{{key},")
    return Case("bib-huge-field", _with(BIB_FILE, text), Expect(BIB_FILE, rf"entry '{key}' at line {line}", field))


def ris_huge_field(record: int, tag: str, extra: int) -> Case:
    records = [list(r) for r in RIS_RECORDS]
    records[record] = [line for line in records[record] if not line.startswith(f"{tag}  - ")]
    records[record].insert(2, f"{tag}  - " + "r" * (HUGE + extra))
    text = "\n".join("\n".join(r) for r in records) + "\n"
    line = line_of(text, f"ID  - {RIS_RECORDS[record][1][6:]}") - 1
    return Case("ris-huge-field", _with(RIS_FILE, text), Expect(RIS_FILE, rf"record at line {line}", tag))


# review.yaml: unknown keys, lineage cycles, duplicate ids

YAML_PLACES: list[tuple[tuple[Any, ...], str]] = [
    ((), ""), (("review",), "review"), (("theories", 1), "theories[1]"), (("elements", 0), "elements[0]"),
    (("cmocs", 0), "cmocs[0]"), (("cmocs", 2, "lineage"), "cmocs[2].lineage"), (("sources", 1), "sources[1]"),
]
KNOWN_FIELDS = {"review", "theories", "elements", "cmocs", "sources", "id", "title", "authors", "year", "doi",
                "citation", "question", "method", "organising_framework", "substantive_theory", "screening",
                "notes", "statement", "stage", "theme", "kind", "text", "label", "statement_reported", "theory",
                "context", "resource", "reasoning", "outcome", "lineage", "fate", "into", "into_reported", "note",
                "evidence", "container", "volume", "issue", "pages", "url", "anonymous", "included"}
# Words YAML itself reads as something other than text, written unquoted as keys.
YAML_WORDS = ["yes", "no", "on", "off", "true", "False", "null", "~", "123", "1.5", "2024-01-01"]
PLACEHOLDER = "zz-fuzz-key"


def yaml_unknown_key(place: int, key: str, value: int | str) -> Case:
    path, rendered = YAML_PLACES[place]
    review = _review_dict()
    target: Any = review
    for part in path:
        target = target[part]
    target[PLACEHOLDER] = value
    text = yaml_text(review)
    line = line_of(text, f"{PLACEHOLDER}:")
    text = text.replace(PLACEHOLDER, key, 1)
    field = re.escape(f"{rendered}.{key}" if rendered else key)
    return Case("yaml-unknown-key", _with(REVIEW_FILE, text), Expect(REVIEW_FILE, f"line {line}", field, key))


def yaml_lineage_cycle(length: int, fates: list[str], entry: int) -> Case:
    """`length` initial CMOCs, each refined or merged into the next, the last into the first."""
    review = _review_dict()
    ids = [f"cy-{i}" for i in range(length)]
    cycle = [{"id": cid, "label": f"Cycle {i}", "stage": "initial", "statement_reported": False,
              "lineage": {"fate": fates[i % len(fates)], "into": [ids[(i + 1) % length]]}}
             for i, cid in enumerate(ids)]
    review["cmocs"][entry:entry] = cycle
    return Case("yaml-lineage-cycle", _with(REVIEW_FILE, yaml_text(review)),
                Expect(REVIEW_FILE, r"line \d+", r"cmocs\[\d+\]\.lineage\.into\[0\]", VALUE))


NEW_ITEMS: dict[str, Callable[[str], dict[str, Any]]] = {
    "theories": lambda i: {"id": i, "title": "Another theory"},
    "elements": lambda i: {"id": i, "kind": "context", "text": "another context"},
    "cmocs": lambda i: {"id": i, "label": "Another CMOC", "stage": "initial", "statement_reported": False},
    "sources": lambda i: {"id": i, "kind": "other"},
}


def yaml_duplicate_id(section: str, existing: int) -> Case:
    review = _review_dict()
    review[section].append(NEW_ITEMS[section](YAML_IDS[existing]))
    return Case("yaml-duplicate-id", _with(REVIEW_FILE, yaml_text(review)),
                Expect(REVIEW_FILE, r"line \d+", r"(theories|elements|cmocs|sources)\[\d+\]\.id", VALUE))


def csv_duplicate_excerpt(row: int, text: str) -> Case:
    """A repeated row of an excerpt that does not agree with the first on the quote's text."""
    rows = [list(r) for r in ROWS]
    copy = list(rows[row - 1])
    copy[COLUMNS.index("text")] = text
    rows.append(copy)
    return Case("csv-duplicate-excerpt", _with(CSV_FILE, csv_text(rows)), Expect(CSV_FILE, f"row {len(rows)}", "text"))


def csv_excerpt_id_of_another_kind(row: int, existing: int) -> Case:
    rows = [list(r) for r in ROWS]
    rows[row - 1][0] = YAML_IDS[existing]
    return Case("csv-id-of-another-kind", _with(CSV_FILE, csv_text(rows)),
                Expect(CSV_FILE, f"row {row}", "excerpt_id"))


# citation files

BAD_KEYS: list[Callable[[str], str]] = [str.upper, lambda k: k.replace("-", "_"), lambda k: k + ".",
                                        lambda k: "ü" + k, lambda k: k.title()]


def bib_broken(entry: int, how: str, text: str) -> Case:
    key = BIB_KEYS[entry]
    body = BIB_ENTRIES[entry]
    field: str | None = None
    if how == "unclosed":
        body = body[: body.rindex("}")]
    elif how == "no-key":
        body = body.replace(f"{{{key},", "{,", 1)
    elif how == "duplicate-field":
        body = body.replace("  year", f"  title = {{{text}}},\n  year", 1)
    elif how == "unbalanced-brace":
        body = body.replace("title = {", "title = {{", 1)
    new_key = key
    if how == "bad-key":
        new_key = BAD_KEYS[len(text) % len(BAD_KEYS)](key)
        body = body.replace(f"{{{key},", f"{{{new_key},", 1)
        field = "key"
    elif how == "bad-year":
        body = re.sub(r"year = \{\d+\}", f"year = {{{text}}}", body)
        field = "year"
    entries = list(BIB_ENTRIES)
    entries[entry] = body
    source = "\n".join(entries)
    line = line_of(source, "@article{" + ("," if how == "no-key" else f"{new_key},"))
    where = f"entry '{re.escape(new_key)}' at line {line}" if field else f"line {line}"
    if how == "no-key":  # read as an entry whose key is empty, or as a block that does not parse
        where = f"(entry '' at )?line {line}"
    return Case(f"bib-{how}", _with(BIB_FILE, source), Expect(BIB_FILE, where, field))


def bib_duplicate_key(entry: int, title: str) -> Case:
    copy = re.sub(r"title = \{[^}]*\}", lambda _: f"title = {{{title}}}", BIB_ENTRIES[entry])
    source = "\n".join([*BIB_ENTRIES, copy])
    line = line_of(source, f"@article{{{BIB_KEYS[entry]},", start=line_of(source, "@article{jones-2021,") + 1)
    return Case("bib-duplicate-key", _with(BIB_FILE, source), Expect(BIB_FILE, f"line {line}", "key"))


def _ris(records: list[list[str]], stray: dict[int, str] | None = None) -> str:
    lines: list[str] = []
    for index, record in enumerate(records):
        if stray and index in stray:
            lines.append(stray[index])
        lines.extend(record)
    if stray and len(records) in stray:
        lines.append(stray[len(records)])
    return "\n".join(lines) + "\n"


def ris_broken(record: int, how: str, text: str) -> Case:
    records = [list(r) for r in RIS_RECORDS]
    field: str | None = None
    if how == "no-end":
        records[record] = records[record][:-1]
    elif how == "no-id":
        records[record] = [line for line in records[record] if not line.startswith("ID  - ")]
        field = "ID"
    elif how == "bad-id":
        records[record][1] = f"ID  - {BAD_KEYS[len(text) % len(BAD_KEYS)](records[record][1][6:])}"
        field = "ID"
    elif how == "bad-year":
        records[record] = [f"PY  - {text}" if line.startswith("PY  - ") else line for line in records[record]]
        field = "PY"
    elif how == "duplicate-id":
        records.append(list(records[record]))
        record = len(records) - 1
        field = "ID"
    source = _ris(records)
    line = 1 + sum(len(r) for r in records[:record])
    return Case(f"ris-{how}", _with(RIS_FILE, source), Expect(RIS_FILE, f"record at line {line}", field))


def ris_stray_text(position: int, text: str) -> Case:
    source = _ris(RIS_RECORDS, {position: text})
    line = 1 + sum(len(r) for r in RIS_RECORDS[:position])
    return Case("ris-stray-text", _with(RIS_FILE, source), Expect(RIS_FILE, f"line {line}", None, text.strip()))


def citation_in_both_files(entry: int) -> Case:
    records = [list(r) for r in RIS_RECORDS]
    records[1][1] = f"ID  - {BIB_KEYS[entry]}"
    line = 1 + len(records[0])
    return Case("ris-id-also-in-bib", _with(RIS_FILE, _ris(records)),
                Expect(RIS_FILE, f"record at line {line}", "ID"))


# XLSX


def xlsx_merged(top: int, bottom: int, left: int, right: int) -> Case:
    cells = f"{get_column_letter(left)}{top}:{get_column_letter(right)}{bottom}"
    data = xlsx_bytes(ROWS, lambda sheet: sheet.merge_cells(cells))
    return Case("xlsx-merged-cells", _with(XLSX_FILE, data, drop=(CSV_FILE,)),
                Expect(XLSX_FILE, f"row {top}", re.escape(COLUMNS[left - 1])))


FORMULAS = ["=1+1", "=A2&B2", "=SUM(F2:F6)", '=CONCATENATE("a";"b")', "=NOW()", "=#REF!"]


def xlsx_formula(row: int, column: int, formula: int) -> Case:
    cell = f"{get_column_letter(column)}{row}"

    def change(sheet: Any) -> None:
        sheet[cell] = FORMULAS[formula]

    field = re.escape(COLUMNS[column - 1]) if row > 1 else f"column {get_column_letter(column)}"
    return Case("xlsx-formula", _with(XLSX_FILE, xlsx_bytes(ROWS, change), drop=(CSV_FILE,)),
                Expect(XLSX_FILE, f"row {row}", field))


def xlsx_truncated(keep: float) -> Case:
    data = xlsx_bytes(ROWS)
    return Case("xlsx-truncated", _with(XLSX_FILE, data[: int(len(data) * keep)], drop=(CSV_FILE,)),
                Expect(XLSX_FILE, None))


# --- strategies ------------------------------------------------------------------------------------

rows_ = st.sampled_from(DATA_ROWS)
columns_ = st.integers(0, len(COLUMNS) - 1)
words = st.text(st.characters(codec="ascii", categories=["L", "Nd", "Zs"]), max_size=20)
extra = st.integers(0, 2000)
# Text that is not a year: no four digits at its start.
not_a_year = st.text(st.characters(codec="ascii", categories=["L", "P", "Zs"], exclude_characters="{}\\@%,#"),
                     min_size=1, max_size=12).filter(lambda t: t.strip() and not re.match(r"\s*\d{4}", t))
# A NUL byte is a case of its own (UTF-16 without a BOM, a binary file): the reader stops at the
# first with "line L, byte B" and reads no columns or quotes, so the text below holds none.
NO_NUL = "\x00"
# Any header text but a known column name (case and spacing are forgiven).
header_text = st.text(st.characters(codec="utf-8", exclude_characters=NO_NUL), max_size=20).filter(
    lambda t: "_".join(t.strip().lower().replace("-", " ").split()) not in COLUMNS)
unknown_key = st.one_of(st.from_regex(r"[a-z][a-z_]{0,14}", fullmatch=True).filter(lambda k: k not in KNOWN_FIELDS),
                        st.sampled_from(YAML_WORDS))
stray_line = st.text(st.characters(codec="ascii", categories=["L", "Nd", "P", "Zs"]), min_size=1, max_size=30).filter(
    lambda t: t.strip() and not re.match(r"[A-Z][A-Z0-9]  -( |$)", t))

FILE_CASES = st.one_of(
    st.builds(csv_unterminated_quote, rows_, columns_),
    st.builds(csv_text_after_closing_quote, rows_, columns_,
              st.text(st.characters(codec="utf-8", exclude_characters=',"\r\n' + NO_NUL), min_size=1, max_size=8)),
    st.builds(eight_bit_text, st.sampled_from([CSV_FILE, REVIEW_FILE, BIB_FILE, RIS_FILE]), st.just("latin-1"),
              st.sampled_from(LATIN_1), words, words),
    st.builds(eight_bit_text, st.sampled_from([CSV_FILE, REVIEW_FILE, BIB_FILE, RIS_FILE]), st.just("cp1252"),
              st.sampled_from(CP1252), words, words),
    st.builds(utf16_or_32, st.sampled_from([CSV_FILE, REVIEW_FILE, BIB_FILE, RIS_FILE]),
              st.sampled_from(["utf-16", "utf-32"])),
    st.builds(utf16_without_bom, st.sampled_from([CSV_FILE, REVIEW_FILE, BIB_FILE, RIS_FILE]),
              st.sampled_from(["utf-16-le", "utf-16-be"])),
    st.just(csv_double_bom()),
    st.builds(csv_missing_column, st.sampled_from(REQUIRED)),
    st.builds(csv_duplicate_column, columns_, st.sampled_from(["same", "upper", "padded", "title"]), words),
    st.builds(csv_unknown_header_instead_of, st.sampled_from(REQUIRED), header_text),
    st.builds(csv_huge_cell, rows_, st.sampled_from(["text", "section", "page", "reviewer", "rationale", "cites"]),
              extra, st.sampled_from("xé€😀 ")),
    st.builds(yaml_huge_field, st.integers(0, len(YAML_TEXT_FIELDS) - 1), extra),
    st.builds(bib_huge_field, st.integers(0, 1), st.sampled_from(["title", "journal", "note", "author"]), extra),
    st.builds(ris_huge_field, st.integers(0, 1), st.sampled_from(["TI", "AU", "JO"]), extra),
    st.builds(yaml_unknown_key, st.integers(0, len(YAML_PLACES) - 1), unknown_key,
              st.one_of(st.integers(), words.filter(str.strip))),
    st.builds(yaml_lineage_cycle, st.integers(1, 6), st.lists(st.sampled_from(["refined", "merged"]), min_size=1),
              st.integers(0, 3)),
    st.builds(yaml_duplicate_id, st.sampled_from(list(NEW_ITEMS)), st.integers(0, len(YAML_IDS) - 1)),
    st.builds(csv_duplicate_excerpt, rows_, words.map(lambda w: f"Not the same quote {w}")),
    st.builds(csv_excerpt_id_of_another_kind, rows_, st.integers(0, len(YAML_IDS) - 1)),
    st.builds(bib_broken, st.integers(0, 1),
              st.sampled_from(["unclosed", "no-key", "duplicate-field", "unbalanced-brace", "bad-key", "bad-year"]),
              not_a_year),
    st.builds(bib_duplicate_key, st.integers(0, 1), words),
    st.builds(ris_broken, st.integers(0, 1), st.sampled_from(["no-end", "no-id", "bad-id", "bad-year", "duplicate-id"]),
              not_a_year),
    st.builds(ris_stray_text, st.integers(0, len(RIS_RECORDS)), stray_line),
    st.builds(citation_in_both_files, st.integers(0, 1)),
    st.builds(xlsx_merged, st.integers(2, 4), st.integers(4, 6), st.integers(1, 7), st.integers(7, 13)),
    st.builds(xlsx_formula, st.integers(1, 6), st.integers(1, len(COLUMNS)), st.integers(0, len(FORMULAS) - 1)),
    st.builds(xlsx_truncated, st.floats(0.05, 0.95)),
)
CASES = st.one_of(FILE_CASES, FILE_CASES.map(with_bom))


# --- checks ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FalkorStore, str]]:
    """A store holding the example review, and its checksum: no rejected bundle may change it."""
    store = FalkorStore(tmp_path_factory.mktemp("fuzz") / "cmograph.db")
    try:
        ingest_bundle(store, read_bundle(examples.path()))
        yield store, content_checksum(store)
    finally:
        store.close()


def write_files(folder: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def located(problem: Problem, case: Case) -> bool:
    expect = case.expect
    if problem.file != expect.file:
        return False
    if expect.where is None:
        return problem.where is None
    if problem.where is None or not re.fullmatch(expect.where, problem.where):
        return False
    if expect.field is not None and not re.fullmatch(expect.field, problem.field or ""):
        return False
    if expect.line_has is None:
        return True
    needle = problem.value.strip("'\"") if expect.line_has is VALUE and problem.value else expect.line_has
    line = int(re.match(r"\D*(\d+)", problem.where)[1])  # type: ignore[index]
    lines = case.files[expect.file].removeprefix(BOM).decode("utf-8").splitlines()
    return isinstance(needle, str) and 0 < line <= len(lines) and needle in lines[line - 1]


def check_rejection(error: BundleInvalid, case: Case) -> None:
    """The expected problem is there, and the message lists every problem, one line each."""
    assert any(located(p, case) for p in error.problems), (
        f"{case.kind}: expected a problem in {case.expect}, got:\n" + "\n".join(map(repr, error.problems)))
    lines = str(error).split("\n")
    count = len(error.problems)
    assert lines[0] == f"The bundle is not valid: {count} problem{'s' if count != 1 else ''}.", lines[0]
    assert len(lines) == count + 1, f"{case.kind}: a problem spans several lines:\n{str(error)[:3000]}"
    assert all(line.startswith("  - ") for line in lines[1:])
    assert all(p.file in case.files for p in error.problems), [p.file for p in error.problems]


def test_the_unbroken_bundle_is_valid(tmp_path: Path) -> None:
    for index, files in enumerate((BASE, _with(XLSX_FILE, xlsx_bytes(ROWS), drop=(CSV_FILE,)))):
        folder = tmp_path / str(index)
        folder.mkdir()
        bundle = read_bundle(write_files(folder, files))
        assert bundle.excerpts == small_bundle().excerpts and len(bundle.sources) == 4


@FUZZ
@given(case=CASES)
def test_a_malformed_bundle_is_rejected_with_a_located_problem(case: Case, fuzz_store: tuple[FalkorStore, str]) -> None:
    store, checksum = fuzz_store
    note(repr(case))
    rejected: BundleInvalid | None = None
    with tempfile.TemporaryDirectory() as folder:
        write_files(Path(folder), case.files)
        try:
            ingest_bundle(store, read_bundle(Path(folder)))  # what `cmograph ingest` runs
        except BundleInvalid as error:
            rejected = error
        finally:
            after = content_checksum(store)
            if after != checksum:  # put the store back, so that later examples test something
                remove_review(store, small_bundle().review.id)
    assert rejected is not None, f"{case.kind} was accepted" + (" and ingested" if after != checksum else "")
    check_rejection(rejected, case)
    assert after == checksum


# A few of each family through the real command, in its own process.
CLI_CASES = [
    csv_unterminated_quote(3, 2),
    eight_bit_text(CSV_FILE, "cp1252", "’", "It", "s a quote"),
    with_bom(csv_missing_column("text")),
    yaml_huge_field(3, 0),
    yaml_unknown_key(4, "fate_note", 1),
    yaml_lineage_cycle(3, ["refined"], 1),
    bib_duplicate_key(0, "Meeting again"),
    ris_broken(0, "no-end", "x"),
    xlsx_merged(2, 3, 3, 3),
    xlsx_formula(4, 6, 1),
]


@pytest.mark.parametrize("case", CLI_CASES, ids=[c.kind for c in CLI_CASES])
def test_the_command_rejects_it_in_one_clear_message(case: Case, fuzz_store: tuple[FalkorStore, str],
                                                     tmp_path: Path) -> None:
    store, checksum = fuzz_store
    folder = write_files(tmp_path, case.files)
    with pytest.raises(BundleInvalid) as caught:
        read_bundle(folder)
    check_rejection(caught.value, case)
    proc = cli("ingest", str(folder), store=store.location)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout and proc.stdout == ""
    assert proc.stderr == f"error: {caught.value}\n"
    assert content_checksum(store) == checksum
