"""Problems found in a bundle: each located in a file and shown to the user as one line."""

from __future__ import annotations

import difflib
import re
import reprlib
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace

from cmograph.graph.errors import CmographError
from cmograph.graph.models import SLUG_MAX_LENGTH, SLUG_PATTERN

VALUE_WIDTH = 80

# A path into structured data, as pydantic reports it: ("cmocs", 3, "lineage", "fate").
Loc = tuple[str | int, ...]

# Bounded repr: a value shown in a problem is never a megabyte of text.
_REPR = reprlib.Repr(
    maxlevel=2, maxstring=VALUE_WIDTH, maxother=VALUE_WIDTH, maxlist=6, maxtuple=6, maxdict=4
)
# "No value to show" differs from "the value was None".
_NO_VALUE: object = object()

_LINE_OR_ROW = re.compile(r"\b(?:line|row) (\d+)")
# Every character str.splitlines() breaks at: none may reach a problem's one line raw.
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
REASON_WIDTH = 200

SLUG_EXPECTED = "a slug: lower-case letters, digits and hyphens, starting with a letter or digit"
# Slug's pattern, anchors dropped for fullmatch: `$` in Python's re would allow a trailing newline.
_SLUG_BODY = re.compile(SLUG_PATTERN.removeprefix("^").removesuffix("$"))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bundle, located as precisely as the file allows."""

    file: str
    where: str | None = None
    field: str | None = None
    value: str | None = None
    expected: str = ""

    def __str__(self) -> str:
        head = ", ".join(
            [self.file]
            + ([self.where] if self.where else [])
            + ([f"field {self.field!r}"] if self.field else [])
        )
        got = f"got {self.value}; " if self.value is not None else ""
        # Readers quote what the user wrote with shown(); this is the net for anything missed.
        return one_line(f"{head}: {got}expected {self.expected}")


class BundleInvalid(CmographError):
    """The bundle has problems; all of them are listed, so one run shows everything to fix."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        # By file, then by line or row; checks made across files come last otherwise.
        self.problems: list[Problem] = sorted(problems, key=_position)
        count = len(self.problems)
        listing = "\n".join(f"  - {p}" for p in self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"The bundle is not valid: {count} {noun}.\n{listing}")

    @classmethod
    def raise_if_any(cls, problems: Iterable[Problem]) -> None:
        found = list(problems)
        if found:
            raise cls(found)


def _position(problem: Problem) -> tuple[str, int]:
    match = _LINE_OR_ROW.search(problem.where or "")
    return problem.file, int(match.group(1)) if match else 0


def shown(value: object) -> str:
    """A short, printable repr of a bad value."""
    text = _REPR.repr(value)
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"


def one_line(text: str) -> str:
    """`text` with any line break escaped as repr shows it, so a problem stays on its line."""
    return _LINE_BREAKS.sub(lambda match: repr(match.group())[1:-1], text)


def reason(said: BaseException | str, width: int = REASON_WIDTH) -> str:
    """A library's error message as one short line: its text may quote the user's file."""
    text = " ".join(str(said).split())
    if not text:
        return type(said).__name__ if isinstance(said, BaseException) else "no reason given"
    return text if len(text) <= width else text[: width - 1] + "…"


def render_path(loc: Loc) -> str:
    """("cmocs", 3, "lineage", "fate") -> "cmocs[3].lineage.fate"."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def one_of(words: Iterable[str]) -> str:
    return "one of " + ", ".join(words)


def nearest(value: str, known: Collection[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(value, list(known), n=n, cutoff=0.6)


def is_slug(value: object) -> bool:
    """What the Slug type accepts, without a validator call per id (a large sheet has a million)."""
    return isinstance(value, str) and len(value) <= SLUG_MAX_LENGTH and _SLUG_BODY.fullmatch(value) is not None


def slug_expected(value: object) -> str:
    """What a slug looks like, with the nearest slug to what the user wrote."""
    if isinstance(value, str):
        suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
        if suggestion and suggestion != value:
            return f"{SLUG_EXPECTED} (e.g. {suggestion!r})"
    return SLUG_EXPECTED


@dataclass(frozen=True)
class Origin:
    """Where an item was read, so checks made later can point back at it.

    Structured files (YAML, JSON) name fields by path (`cmocs[3].lineage.fate`) and may
    know line numbers; flat records (a sheet row, a citation entry) name fields by the
    file's own column or tag names, renamed from model fields through `names`.
    """

    file: str
    where: str | None = None
    path: Loc = ()
    names: Mapping[str, str] | None = None
    lines: Callable[[Loc], int | None] | None = None

    def at(self, *loc: str | int) -> Origin:
        return replace(self, path=self.path + loc, where=self.locate(loc))

    def field(self, loc: Loc) -> str | None:
        if self.names is None:
            return render_path(self.path + loc) or None
        name = next((part for part in reversed(loc) if isinstance(part, str)), None)
        return None if name is None else self.names.get(name, name)

    def locate(self, loc: Loc) -> str | None:
        line = self.lines(self.path + loc) if self.lines else None
        return f"line {line}" if line else self.where

    def problem(self, loc: Loc, expected: str, value: object = _NO_VALUE) -> Problem:
        return Problem(
            file=self.file,
            where=self.locate(loc),
            field=self.field(loc),
            value=None if value is _NO_VALUE else shown(value),
            expected=expected,
        )


@dataclass(frozen=True)
class Found[T]:
    """An item read from a bundle, with where it was read."""

    item: T
    origin: Origin
