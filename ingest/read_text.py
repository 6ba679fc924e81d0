"""Text rules every reader shares: UTF-8 decoding (a BOM is accepted) and a cap on field size."""

from __future__ import annotations

import codecs

from cmograph.ingest.problems import Loc, Origin, Problem, shown

MAX_FIELD_CHARS = 1_000_000


def decode_utf8(file: str, data: bytes, problems: list[Problem], advice: str = "") -> str | None:
    """The file as text. Bytes that are not UTF-8 give one problem, at the first of them.

    Text that is merely in another 8-bit encoding (a Windows "CSV") is still read, with
    the bad bytes replaced, so the rest of the file's problems are reported in the same
    run; binary or UTF-16 data (it holds NUL bytes) is not read further: None.
    """
    # Strip the BOM ourselves rather than use 'utf-8-sig', so error offsets count from byte 0.
    skipped = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    body = data[skipped:]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = skipped + exc.start
        line = data.count(b"\n", 0, offset) + 1
        problems.append(
            Problem(
                file=file,
                where=f"line {line}, byte {offset}",
                value=shown(data[offset : skipped + exc.end]),
                expected=f"UTF-8 text{advice}",
            )
        )
        return None if b"\x00" in body else body.decode("utf-8", errors="replace")
    if "\x00" in text:  # valid UTF-8 all the same: UTF-16 without a BOM, or a binary file
        offset = skipped + body.index(b"\x00")
        problems.append(
            Problem(
                file=file,
                where=f"line {data.count(b'\n', 0, offset) + 1}, byte {offset}",
                value=shown(data[max(offset - 1, 0) : offset + 1]),
                expected=f"UTF-8 text without NUL bytes (is it UTF-16 or a binary file?){advice}",
            )
        )
        return None
    return text


def within_limit(text: str, origin: Origin, loc: Loc, problems: list[Problem]) -> bool:
    """False, with a located problem, for a field too large to be a real quote or citation."""
    if len(text) <= MAX_FIELD_CHARS:
        return True
    problems.append(
        origin.problem(
            loc,
            f"at most {MAX_FIELD_CHARS:,} characters in one field (this one has {len(text):,})",
            value=text,
        )
    )
    return False
