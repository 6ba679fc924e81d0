"""Read a review bundle, check all of it, and return a Bundle or raise BundleInvalid."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from cmograph.graph.models import (
    CMOC,
    Bundle,
    Element,
    ElementKind,
    EvidenceLink,
    Excerpt,
    Fate,
    ProgrammeTheory,
    Review,
    ReviewFile,
    Source,
    SourceKind,
)
from cmograph.ingest.gc_pause import gc_paused
from cmograph.ingest.problems import BundleInvalid, Found, Loc, Origin, Problem, is_slug, nearest
from cmograph.ingest.read_citations import CITATIONS, Citation, read_citations
from cmograph.ingest.read_extraction import EXCERPTS, LINKS, read_extraction
from cmograph.ingest.read_models import Reading, validate_item
from cmograph.ingest.read_review import read_review

REVIEW_FILES = ("review.yaml", "review.yml", "review.json")
EXTRACTION_FILES = ("extraction.csv", "extraction.xlsx")
CITATION_SUFFIXES = (".bib", ".ris")
_REVIEW_SUFFIXES = (".yaml", ".yml", ".json")
# Everything a lost file might have held: with it, references are not checked, since
# "unknown id" problems would only echo the file's own problem.
_EVERYTHING = frozenset(Bundle.model_fields) | {CITATIONS}

Reader = Callable[[str, bytes, list[Problem]], Reading]


def read_bundle(path: Path) -> Bundle:
    """Read a bundle folder, a lone review.yaml/review.json, or a whole Bundle as a .json file.

    Raises BundleInvalid with every problem found, each located in its file.
    """
    problems: list[Problem] = []
    with gc_paused():
        reading = _read_path(Path(path), problems)
        bundle = _assemble(reading, problems)
    BundleInvalid.raise_if_any(problems)
    assert bundle is not None  # no problems means every part was assembled
    return bundle


# --- files ----------------------------------------------------------------------------------


def _read_path(path: Path, problems: list[Problem]) -> Reading:
    if path.is_dir():
        return _read_folder(path, problems)
    name = path.name or str(path)
    if not path.is_file():
        problems.append(
            Problem(
                str(path), expected="an existing bundle folder, review.yaml or bundle .json file"
            )
        )
    elif name.lower().endswith(_REVIEW_SUFFIXES):
        # A lone .json may hold a whole bundle; a lone review file has no extraction sheet.
        allow_bundle = name.lower().endswith(".json")
        return _read_file(
            path, lambda f, d, p: read_review(f, d, p, allow_bundle=allow_bundle), problems
        )
    else:
        problems.append(
            Problem(
                name,
                expected="this file to sit in a bundle folder next to a review.yaml "
                "(give the folder instead)",
            )
        )
    return Reading(incomplete=set(_EVERYTHING))


def _read_folder(folder: Path, problems: list[Problem]) -> Reading:
    reading = Reading()
    try:
        files = sorted(p for p in folder.iterdir() if p.is_file())
    except OSError as exc:
        problems.append(Problem(folder.name, expected=f"a readable folder ({exc.strerror})"))
        return Reading(incomplete=set(_EVERYTHING))
    by_name = {p.name.lower(): p for p in files}

    reviews = [by_name[name] for name in REVIEW_FILES if name in by_name]
    if not reviews:
        problems.append(
            Problem(
                REVIEW_FILES[0],
                expected=f"a review.yaml (or review.json) in the bundle folder {folder.name!r}",
            )
        )
        reading.incomplete |= set(ReviewFile.model_fields)
    else:
        if len(reviews) > 1:
            names = ", ".join(p.name for p in reviews)
            problems.append(Problem(reviews[1].name, expected=f"one review file (found {names})"))
        reading.update(_read_file(reviews[0], read_review, problems))

    for path in files:
        if path.suffix.lower() in CITATION_SUFFIXES:
            reading.update(_read_file(path, read_citations, problems))

    sheets = [by_name[name] for name in EXTRACTION_FILES if name in by_name]
    if len(sheets) > 1:
        problems.append(
            Problem(
                sheets[1].name,
                expected=f"one extraction sheet: remove {sheets[0].name} or {sheets[1].name}",
            )
        )
        reading.incomplete |= {EXCERPTS, LINKS}
    elif sheets:
        reading.update(_read_file(sheets[0], read_extraction, problems))
    return reading


def _read_file(path: Path, reader: Reader, problems: list[Problem]) -> Reading:
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(path.name, expected=f"a readable file ({exc.strerror})"))
        return Reading(incomplete=set(_EVERYTHING))
    return reader(path.name, data, problems)


# --- assembly -------------------------------------------------------------------------------


def _assemble(reading: Reading, problems: list[Problem]) -> Bundle | None:
    items = reading.items
    reviews: list[Found[Review]] = items["review"]
    theories: list[Found[ProgrammeTheory]] = items["theories"]
    elements: list[Found[Element]] = items["elements"]
    cmocs: list[Found[CMOC]] = items["cmocs"]
    sources = _merge_sources(items["sources"], items[CITATIONS], problems)
    excerpts = _dedupe_excerpts(items[EXCERPTS], problems)
    links: list[Found[EvidenceLink]] = items[LINKS]

    _check_id_space(
        [
            ("programme theory", theories),
            ("element", elements),
            ("CMOC", cmocs),
            ("source", sources),
            ("excerpt", excerpts),
        ],
        problems,
    )
    _References(reading, problems).check_all(sources)
    _check_lineage(cmocs, problems)
    _check_lineage_cycles(cmocs, problems)

    if problems or not reviews:
        return None
    return Bundle(
        review=reviews[0].item,
        theories=[f.item for f in theories],
        elements=[f.item for f in elements],
        cmocs=[f.item for f in cmocs],
        sources=[f.item for f in sources],
        excerpts=[f.item for f in excerpts],
        links=[f.item for f in links],
    )


def _place(origin: Origin, seen_from: Origin) -> str:
    """Where `origin` is, said from `seen_from`: "row 2", or "review.yaml, line 30"."""
    if origin.file == seen_from.file and origin.where:
        return origin.where
    return ", ".join(part for part in (origin.file, origin.where) if part)


def _merge_sources(
    declared: list[Found[Source]], citations: list[Found[Citation]], problems: list[Problem]
) -> list[Found[Source]]:
    """review.yaml's fields win; citation files fill the rest or add sources of kind `other`."""
    cited: dict[str, Found[Citation]] = {}
    for found in citations:
        prior = cited.setdefault(found.item.id, found)
        if prior is not found:
            problems.append(
                found.origin.problem(
                    ("id",),
                    f"each source id in one citation entry only (also at "
                    f"{_place(prior.origin, found.origin)})",
                    value=found.item.id,
                )
            )
    merged: list[Found[Source]] = []
    for found in declared:
        citation = cited.pop(found.item.id, None)
        if citation is None:
            merged.append(found)
            continue
        given = found.item.model_dump(include=found.item.model_fields_set)
        # Validation can only fail on fields the citation file supplied: locate it there.
        source = validate_item(Source, citation.item.fields | given, citation.origin, problems)
        if source is not None:
            merged.append(Found(source, found.origin))
    for citation in cited.values():
        data = {"kind": SourceKind.OTHER, **citation.item.fields, "id": citation.item.id}
        source = validate_item(Source, data, citation.origin, problems)
        if source is not None:
            merged.append(Found(source, citation.origin))
    return merged


def _dedupe_excerpts(found: list[Found[Excerpt]], problems: list[Problem]) -> list[Found[Excerpt]]:
    """Rows repeating an excerpt (for another relation) must agree on everything about it."""
    first: dict[str, Found[Excerpt]] = {}
    for excerpt in found:
        prior = first.setdefault(excerpt.item.id, excerpt)
        if prior is excerpt:
            continue
        before, after = _flat(prior.item), _flat(excerpt.item)
        differing = [loc for loc in before | after if before.get(loc) != after.get(loc)]
        if differing:
            names = ", ".join(dict.fromkeys(str(excerpt.origin.field(loc)) for loc in differing))
            problems.append(
                excerpt.origin.problem(
                    differing[0],
                    f"the same {names} as {_place(prior.origin, excerpt.origin)}, where excerpt "
                    f"{excerpt.item.id!r} first appears (repeated rows of one excerpt must agree)",
                    value=after.get(differing[0]),
                )
            )
    return list(first.values())


def _flat(excerpt: Excerpt) -> dict[Loc, object]:
    out: dict[Loc, object] = {}
    for name, value in excerpt.model_dump().items():
        if isinstance(value, dict):
            out.update({(name, key): inner for key, inner in value.items()})
        else:
            out[(name,)] = value
    return out


def _check_id_space(groups: list[tuple[str, list]], problems: list[Problem]) -> None:
    """Ids are unique across all kinds: a source and a CMOC cannot share one."""
    first: dict[str, tuple[str, Found]] = {}
    for kind, found in groups:
        for item in found:
            prior_kind, prior = first.setdefault(item.item.id, (kind, item))
            if prior is not item:
                problems.append(
                    item.origin.problem(
                        ("id",),
                        f"an id used once in the bundle (already the id of the {prior_kind} at "
                        f"{_place(prior.origin, item.origin)})",
                        value=item.item.id,
                    )
                )


# Every field holding ids of other items: (section, path, what the ids must name).
# A CMOC's element fields are named after the element kinds.
_REFERENCES: tuple[tuple[str, Loc, str], ...] = (
    ("cmocs", ("theory",), "programme theory"),
    *(("cmocs", (kind.value,), f"{kind.value} element") for kind in ElementKind),
    ("cmocs", ("lineage", "into"), "CMOC"),
    ("cmocs", ("lineage", "evidence"), "excerpt"),
    (EXCERPTS, ("source",), "source"),
    (EXCERPTS, ("cites",), "source"),
    (LINKS, ("excerpt",), "excerpt"),
    (LINKS, ("target",), "CMOC or element"),
)


class _References:
    """Checks that every id the bundle mentions names an item of the right kind."""

    def __init__(self, reading: Reading, problems: list[Problem]) -> None:
        self.reading = reading
        self.problems = problems
        items = reading.items
        self.element_kinds = {f.item.id: f.item.kind for f in items["elements"]}
        self.known: dict[str, set[str] | None] = {
            "programme theory": self._ids({"theories"}, items["theories"]),
            "CMOC": self._ids({"cmocs"}, items["cmocs"]),
            "excerpt": self._ids({EXCERPTS}, items[EXCERPTS]),
            "CMOC or element": self._ids({"cmocs", "elements"}, items["cmocs"] + items["elements"]),
        }
        for kind in ElementKind:
            elements = [f for f in items["elements"] if f.item.kind == kind]
            self.known[f"{kind.value} element"] = self._ids({"elements"}, elements)

    def _ids(self, sections: set[str], found: list[Found]) -> set[str] | None:
        """The ids of `found`, or None if a file they come from was lost."""
        return None if sections & self.reading.incomplete else {f.item.id for f in found}

    def check_all(self, sources: list[Found[Source]]) -> None:
        self.known["source"] = self._ids({"sources", CITATIONS}, sources)
        for section, path, what in _REFERENCES:
            known = self.known[what]
            if known is None:
                continue  # a file they would name was lost: its own problem says so
            valid = self.reading.items[section]
            if len(path) == 1 and _all_known(valid, path[0], known):
                valid = []  # the usual case, checked in bulk: nothing to locate
            # Broken items are checked too: their references may be wrong as well.
            for found in valid + self.reading.broken[section]:
                for loc, value in _values_at(found.item, path):
                    self.check(value, what, known, found.origin, loc)

    def check(self, value: object, what: str, known: set[str], origin: Origin, loc: Loc) -> None:
        # Values that are not slugs were reported when their item was validated.
        if (type(value) is str and value in known) or not is_slug(value):
            return
        assert isinstance(value, str)
        if value in self.reading.broken_ids:
            return
        if what.endswith(" element") and value in self.element_kinds:
            actual = self.element_kinds[value]
            expected = f"a {what} id ({value!r} is a {actual} element)"
        else:
            close = nearest(value, known)
            hint = f" (nearest: {', '.join(close)})" if close else "" if known else " (none)"
            expected = f"a known {what} id{hint}"
        self.problems.append(origin.problem(loc, expected, value=value))


def _all_known(found: list[Found], name: str | int, known: set[str]) -> bool:
    """Whether every id in field `name` of these validated items is known (None is no reference)."""
    ids: set[object] = set()
    for f in found:
        value = getattr(f.item, str(name))
        if type(value) is list:
            ids.update(value)
        elif value is not None:
            ids.add(value)
    return ids <= known


def _values_at(item: object, path: Loc) -> list[tuple[Loc, object]]:
    """The value(s) at `path` in a model or raw dict, each with its own location."""
    value = item
    for part in path:
        if isinstance(value, BaseModel):
            value = getattr(value, str(part), None)
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return []
    if isinstance(value, list):
        return [((*path, index), inner) for index, inner in enumerate(value)]
    return [(path, value)]


def _check_lineage(cmocs: list[Found[CMOC]], problems: list[Problem]) -> None:
    """Only a refined or merged CMOC goes `into` others."""
    for found in cmocs:
        lineage = found.item.lineage
        if lineage.into and lineage.fate in {Fate.CURRENT, Fate.DROPPED}:
            problems.append(
                found.origin.problem(
                    ("lineage", "into"),
                    f"no 'into' for a CMOC whose fate is {lineage.fate} "
                    f"(use fate {Fate.REFINED} or {Fate.MERGED})",
                    value=lineage.into,
                )
            )


def _check_lineage_cycles(cmocs: list[Found[CMOC]], problems: list[Problem]) -> None:
    """A CMOC cannot be refined, however indirectly, into itself."""
    by_id: dict[str, Found[CMOC]] = {}
    for found in cmocs:
        by_id.setdefault(found.item.id, found)
    done: set[str] = set()
    reported: set[frozenset[str]] = set()
    for start in by_id:
        if start in done:
            continue
        path = [start]
        stack = [iter(by_id[start].item.lineage.into)]
        while stack:
            target = next(stack[-1], None)
            if target is None:
                done.add(path.pop())
                stack.pop()
            elif target in path:
                cycle = [*path[path.index(target) :], target]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    found = by_id[path[-1]]
                    index = found.item.lineage.into.index(target)
                    problems.append(
                        found.origin.problem(
                            ("lineage", "into", index),
                            f"lineage that does not loop back ({' → '.join(cycle)})",
                            value=target,
                        )
                    )
            elif target in by_id and target not in done:
                path.append(target)
                stack.append(iter(by_id[target].item.lineage.into))
