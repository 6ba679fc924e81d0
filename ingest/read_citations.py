"""Read citation files (BibTeX via bibtexparser, RIS via rispy) into located source fields."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

import bibtexparser
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from bibtexparser.middlewares.names import split_multiple_persons_names
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
)

from cmograph.ingest.problems import Found, Origin, Problem, is_slug, reason, shown, slug_expected
from cmograph.ingest.read_models import Reading
from cmograph.ingest.read_text import decode_utf8, within_limit

# bibtexparser logs each failed block with 0-based line numbers; we report them ourselves.
# A NullHandler keeps Python's last-resort handler from printing them to stderr.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

CITATIONS = "citations"

# BibTeX field -> Source field; the first of journal, booktitle, publisher given wins.
BIB_FIELDS: dict[str, str] = {
    "author": "authors",
    "title": "title",
    "year": "year",
    "journal": "container",
    "booktitle": "container",
    "publisher": "container",
    "volume": "volume",
    "number": "issue",
    "pages": "pages",
    "doi": "doi",
    "url": "url",
    "note": "citation",
}
# Source field -> RIS tags, in order of preference (pages come from SP and EP).
RIS_TAGS: dict[str, tuple[str, ...]] = {
    "authors": ("AU", "A1"),
    "title": ("TI", "T1"),
    "year": ("PY", "Y1"),
    "container": ("JO", "T2", "JF"),
    "volume": ("VL",),
    "issue": ("IS",),
    "doi": ("DO",),
    "url": ("UR",),
}
_RIS_ID, _RIS_START, _RIS_END = "ID", "TY", "ER"
_RIS_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: |$)")
# A line that starts like a tag but is not one: "TI - x", "TI  -x", "TI- x", " TI  - x",
# "TI – x" (a word processor's dash), "ti  - x", "TI  x". Any other line in a record
# continues the field above it, as a multi-line abstract does; these would be swallowed
# into that field. "AI-driven" or "UK-wide" (no space at the hyphen) is text, not a tag, and
# a missing hyphen is only recognised after a tag rispy knows ("OK  so" may be text too).
_RIS_KNOWN_TAGS = "|".join(sorted(set(rispy.TAG_KEY_MAPPING) - {"UK"}))  # UK: rispy's "unknown"
# Only tags rispy knows, at the start of the line: "UK – based" or "GP - led" in wrapped text is text.
_RIS_MISTYPED_TAG = re.compile(
    rf"^(?:({_RIS_KNOWN_TAGS})(?:\s+[-–—]|[-–—]\s)"  # a tag with the wrong spacing or dash
    rf"|((?i:{_RIS_KNOWN_TAGS}))  - "  # a tag in lower case
    rf"|({_RIS_KNOWN_TAGS})(?:\t|  +)(?=[^-–—\s]))"  # a known tag without its hyphen
)
_RIS_TAG_EXPECTED = (
    "a RIS tag line: a two-character tag, two spaces, a hyphen and a space, then the value "
    "(e.g. 'TI  - A title')"
)

# Problems name fields as the citation file does ("journal", "AU"), not as Source does.
_BIB_NAMES = {source: bib for bib, source in reversed(BIB_FIELDS.items())} | {"id": "key"}
_RIS_NAMES = {source: tags[0] for source, tags in RIS_TAGS.items()} | {
    "id": _RIS_ID,
    "pages": "SP",
}

_YEAR_EXPECTED = "a year as a whole number, e.g. 2020"
_LEADING_YEAR = re.compile(r"\s*(\d{4})(?!\d)")


@dataclass(frozen=True)
class Citation:
    """A source as a citation file describes it: its id and the Source fields it gives."""

    id: str
    fields: dict[str, object]


def read_citations(file: str, data: bytes, problems: list[Problem]) -> Reading:
    reader = _read_ris if file.lower().endswith(".ris") else _read_bibtex
    reading = Reading()
    text = decode_utf8(file, data, problems)
    if text is None:
        reading.incomplete.add(CITATIONS)
    else:
        reader(file, text, problems, reading)
    return reading


# --- BibTeX -------------------------------------------------------------------------------


def _read_bibtex(file: str, text: str, problems: list[Problem], reading: Reading) -> None:
    try:
        library = bibtexparser.parse_string(text)
    except Exception as exc:  # a parser crash on hostile input is a problem, not a traceback
        problems.append(
            Problem(file, expected=f"a BibTeX file bibtexparser can read ({reason(exc)})")
        )
        reading.incomplete.add(CITATIONS)
        return
    # Braced groups are kept while decoding so " and " inside {Procter and Gamble} is not split.
    decoder = LatexDecodingMiddleware(keep_braced_groups=True)
    for block in library.blocks:
        where = None if block.start_line is None else f"line {block.start_line + 1}"
        if isinstance(block, DuplicateBlockKeyBlock):
            problems.append(
                Problem(file, where, "key", shown(block.key), "each entry key once in the file")
            )
        elif isinstance(block, DuplicateFieldKeyBlock):
            said = reason(str(block.error).split(". Note", 1)[0])
            problems.append(Problem(file, where, expected=f"each field once in an entry ({said})"))
            if isinstance(block.ignore_error_block, Entry):
                reading.broken_ids.add(block.ignore_error_block.key)
        elif isinstance(block, ParsingFailedBlock):
            problems.append(_failed_block(file, where, block))
            if match := re.match(r"\s*@\w+\s*[{(]\s*([^,\s]+)", block.raw or ""):
                reading.broken_ids.add(match.group(1))
        elif isinstance(block, Entry):
            entry_where = f"entry {block.key!r} at {where}" if where else f"entry {block.key!r}"
            origin = Origin(file, entry_where, names=_BIB_NAMES)
            if citation := _bib_citation(block, decoder, origin, problems):
                reading.items[CITATIONS].append(Found(citation, origin))
            else:
                reading.broken_ids.add(block.key)


def _failed_block(file: str, where: str | None, block: ParsingFailedBlock) -> Problem:
    # bibtexparser's message opens with its own 0-based line numbers; keep only the reason.
    said = getattr(block.error, "abort_reason", None) or str(block.error)
    said = reason(said.split("bibtex:", 1)[-1])
    first_line = (block.raw or "").strip().splitlines()[:1]
    return Problem(
        file,
        where,
        value=shown(first_line[0]) if first_line else None,
        expected=f"a complete entry such as @article{{key, title = {{...}}}} ({said})",
    )


_LATEX_MARKERS = ("\\", "$", "~", "--", "``", "''")


def _bib_citation(
    entry: Entry, decoder: LatexDecodingMiddleware, origin: Origin, problems: list[Problem]
) -> Citation | None:
    if not is_slug(entry.key):
        problems.append(origin.problem(("id",), slug_expected(entry.key), value=entry.key))
        return None
    raw = {f.key.lower(): f.value for f in entry.fields if isinstance(f.value, str)}
    if not all(within_limit(value, origin, (name,), problems) for name, value in raw.items()):
        return None
    decoded = None
    # LaTeX decoding costs milliseconds an entry; most exported entries have nothing to decode.
    if any(marker in value for value in raw.values() for marker in _LATEX_MARKERS):
        try:
            decoded = decoder.transform_block(entry, bibtexparser.Library())
        except Exception:  # LaTeX the decoder cannot handle: keep the text as written
            decoded = None
    if isinstance(decoded, Entry):
        raw = {f.key.lower(): f.value for f in decoded.fields if isinstance(f.value, str)}
    if "year" not in raw and (date := raw.get("date")):  # biblatex gives `date` instead
        raw["year"] = date
    fields: dict[str, object] = {}
    for bib_name, source_name in BIB_FIELDS.items():
        value = raw.get(bib_name)
        if value is None or source_name in fields:
            continue
        if source_name == "authors":
            fields["authors"] = [_unbrace(name) for name in split_multiple_persons_names(value)]
        elif source_name == "year":
            year = _year(value)
            if year is None:
                problems.append(origin.problem(("year",), _YEAR_EXPECTED, value=value))
                return None
            fields["year"] = year
        elif text := _unbrace(value):
            fields[source_name] = text
    return Citation(entry.key, fields)


def _unbrace(text: str) -> str:
    return " ".join(re.sub(r"[{}]", "", text).split())


def _year(text: str) -> int | None:
    match = _LEADING_YEAR.match(_unbrace(text))
    return int(match.group(1)) if match else None


# --- RIS ----------------------------------------------------------------------------------


def _read_ris(file: str, text: str, problems: list[Problem], reading: Reading) -> None:
    for start, lines in _ris_records(file, text, problems):
        origin = Origin(file, f"record at line {start}", names=_RIS_NAMES)
        try:
            records = rispy.loads("\n".join(lines))
        except Exception as exc:  # rispy on hostile input: report, keep reading other records
            problems.append(origin.problem((), f"a RIS record rispy can read ({reason(exc)})"))
            continue
        for record in records:
            if citation := _ris_citation(record, origin, problems):
                reading.items[CITATIONS].append(Found(citation, origin))
            elif isinstance(record.get("id"), str):
                reading.broken_ids.add(record["id"])


def _ris_records(file: str, text: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """Split into records (TY ... ER) ourselves, so each is located and none is lost silently."""
    start, in_stray_run = 0, False
    lines: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _RIS_TAG_LINE.match(line)
        tag = match.group(1) if match else None
        if tag == _RIS_START:
            if lines:
                problems.append(_unended(file, start))
                yield start, [*lines, f"{_RIS_END}  - "]
            start, lines = number, [line]
        elif lines:
            if tag is None and (mistyped := _RIS_MISTYPED_TAG.match(line)):
                code = next(group for group in mistyped.groups() if group)
                problems.append(
                    Problem(file, f"line {number}", code.upper(), shown(line), _RIS_TAG_EXPECTED)
                )
                continue  # not read into the field above
            lines.append(line)
            if tag == _RIS_END:
                yield start, lines
                lines = []
        elif line.strip():
            if not in_stray_run:  # one problem per run of text outside records
                problems.append(
                    Problem(
                        file,
                        f"line {number}",
                        value=shown(line),
                        expected=f"a record starting with '{_RIS_START}  - '",
                    )
                )
            in_stray_run = True
            continue
        in_stray_run = False
    if lines:
        problems.append(_unended(file, start))
        yield start, [*lines, f"{_RIS_END}  - "]


def _unended(file: str, start: int) -> Problem:
    where = f"record at line {start}"
    return Problem(file, where, expected=f"the record to end with an '{_RIS_END}  - ' line")


def _ris_citation(record: dict, origin: Origin, problems: list[Problem]) -> Citation | None:
    source_id = record.get("id")
    if not source_id:
        problems.append(origin.problem(("id",), "an 'ID  - ' line giving the source id (a slug)"))
        return None
    if not is_slug(source_id):
        problems.append(origin.problem(("id",), slug_expected(source_id), value=source_id))
        return None
    fields: dict[str, object] = {}
    for source_name, tags in RIS_TAGS.items():
        values = [_ris_values(record.get(rispy.TAG_KEY_MAPPING[tag])) for tag in tags]
        found = next((v for v in values if v), [])
        if not found:
            continue
        if not all(within_limit(v, origin, (source_name,), problems) for v in found):
            return None
        if source_name == "authors":
            fields["authors"] = found
        elif source_name == "year":
            year = _year(found[0])
            if year is None:
                problems.append(origin.problem(("year",), _YEAR_EXPECTED, value=found[0]))
                return None
            fields["year"] = year
        else:
            fields[source_name] = found[0]
    start_page, end_page = (
        _ris_values(record.get(rispy.TAG_KEY_MAPPING[tag])) for tag in ("SP", "EP")
    )
    if start_page:
        fields["pages"] = "–".join(start_page[:1] + end_page[:1])
    return Citation(source_id, fields)


def _ris_values(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [item.strip() for item in items if isinstance(item, str) and item.strip()]
