"""Turns a validated bundle into plain node and relationship rows, keyed by the graph's allow-list."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pydantic import BaseModel

from cmograph.graph.models import Bundle, ElementKind, EvidenceLink, Excerpt
from cmograph.graph.schema import Label, Rel
from cmograph.graph.store import Row

ELEMENT_LABEL = {
    ElementKind.CONTEXT: Label.CONTEXT,
    ElementKind.RESOURCE: Label.MECHANISM_RESOURCE,
    ElementKind.REASONING: Label.MECHANISM_REASONING,
    ElementKind.OUTCOME: Label.OUTCOME,
}
ELEMENT_REL = {"context": Rel.HAS_CONTEXT, "resource": Rel.HAS_RESOURCE,
               "reasoning": Rel.HAS_REASONING, "outcome": Rel.HAS_OUTCOME}
FATE_REL = {"refined": Rel.REFINED_INTO, "merged": Rel.MERGED_INTO}
RELATION_REL = {"supports": Rel.SUPPORTS, "refines": Rel.REFINES, "contests": Rel.CONTESTS}


def _hash(props: dict[str, Any]) -> str:
    # repr of sorted items is deterministic for the flat values we store, and far cheaper than JSON.
    return hashlib.blake2b(repr(sorted(props.items())).encode(), digest_size=12).hexdigest()


# Relationships written with their excerpt, in one query (write/excerpts), under these row keys.
EXCERPT_RELS = {Rel.QUOTED_FROM: "quoted_from", Rel.CITES: "cites", Rel.EVIDENCE_FROM: "evidence_from",
                Rel.SUPPORTS: "supports", Rel.REFINES: "refines", Rel.CONTESTS: "contests"}
_JUDGED = {rel: EXCERPT_RELS[rel] for rel in (Rel.SUPPORTS, Rel.REFINES, Rel.CONTESTS)}  # with properties
_RELATION_KEY = {word: _JUDGED[rel] for word, rel in RELATION_REL.items()}  # relation word -> row key
_NO_LINKS: dict[str, list[Row]] = {key: [] for key in _JUDGED.values()}  # shared; never mutated
_EXCERPT_REFERENCES = {"source", "cites", "locator"}  # written as relationships, or flattened (locator)
_NO_PROPS: dict[str, Any] = {}  # shared by every relationship without properties; never mutated


def _props(model: BaseModel, *, exclude: set[str] = frozenset(), **extra: Any) -> dict[str, Any]:  # type: ignore[assignment]
    """Flat store properties: no nulls (Neo4j drops them), nested values as JSON text.

    Read from the fields directly: a model_dump per node was a third of the time it takes to
    build a large review's rows. Validated enums are plain values already, defaults are not.
    """
    out: dict[str, Any] = {}
    for key, value in model.__dict__.items():
        if value is None or value == [] or key == "id" or key in exclude:
            continue
        if isinstance(value, Enum):
            value = value.value
        elif isinstance(value, BaseModel):
            value = json.dumps(value.model_dump(mode="json"), ensure_ascii=False)
        elif isinstance(value, list) and isinstance(value[0], BaseModel):
            value = json.dumps([v.model_dump(mode="json") for v in value], ensure_ascii=False)
        out[key] = value
    for key, value in extra.items():
        if value is not None and value != []:
            out[key] = value
    return out


@dataclass
class Records:
    """Rows per label and relationships per type, as the write queries take them.

    Nodes carry a content hash `h` for diffs. Relationships are grouped by their start
    node (one write row looks the start node up once for all its targets); their few
    properties are compared as they are.

    Excerpts, the bulk of a review, are kept as validated and turned into rows (the node
    with its evidence relationships, EXCERPT_RELS) only as they are read, so that building
    them overlaps with the store writing the previous batch.
    """

    review: str
    nodes: dict[Label, list[Row]] = field(default_factory=dict)
    rels: dict[Rel, dict[str, list[Row]]] = field(default_factory=dict)
    excerpts: list[Excerpt] = field(default_factory=list)
    # Judged links per excerpt (local id), each once; excerpt_rows turns them into relationship rows.
    links: dict[str, list[EvidenceLink]] = field(default_factory=dict)
    excerpt_counts: Counter[str] = field(default_factory=Counter)

    def node(self, label: Label, local_id: str, props: dict[str, Any]) -> None:
        props = {**props, "review": self.review, "key": local_id}
        props["h"] = _hash({"label": label.value, **props})
        self.nodes.setdefault(label, []).append({"id": self.gid(local_id), "props": props})

    def rel(self, rel: Rel, source: str, target: str, props: dict[str, Any] | None = None,
            *, global_ids: bool = False) -> None:
        a, b = (source, target) if global_ids else (self.gid(source), self.gid(target))
        self.rels.setdefault(rel, {}).setdefault(a, []).append({"id": b, "props": props or _NO_PROPS})

    def rel_rows(self, rel: Rel) -> Iterator[Row]:
        """The write rows of one relationship type: a start node and its targets."""
        for start, targets in self.rels.get(rel, {}).items():
            yield {"from": start, "to": targets}

    def excerpt_rows(self) -> Iterator[Row]:
        """Each excerpt node with its evidence relationships; `excerpt_params` shapes a batch for writing."""
        prefix = f"{self.review}:"
        for excerpt in self.excerpts:
            props = _props(excerpt, exclude=_EXCERPT_REFERENCES)
            props.update((k, v) for k, v in excerpt.locator.__dict__.items() if v is not None)
            props.update(review=self.review, key=excerpt.id)
            props["h"] = _hash({"label": Label.EXCERPT.value, **props})
            quoted = [{"id": prefix + excerpt.source, "props": _NO_PROPS}]
            cited = [{"id": prefix + c, "props": _NO_PROPS} for c in _distinct_cites(excerpt)]
            # Derived once here so every query agrees on what a quote is evidence from.
            links = self.links.get(excerpt.id)
            yield {"id": prefix + excerpt.id, "props": props, "quoted_from": quoted, "cites": cited,
                   "evidence_from": cited or quoted, **(_judged_rows(links, prefix) if links else _NO_LINKS)}

    def gid(self, local_id: str) -> str:
        return f"{self.review}:{local_id}"

    def counts(self) -> dict[str, int]:
        """Nodes per label and relationships per type, without building the excerpts' rows."""
        counts = Counter({label.value: len(rows) for label, rows in self.nodes.items()})
        counts.update({rel.value: sum(map(len, groups.values())) for rel, groups in self.rels.items()})
        counts.update(self.excerpt_counts)
        return {kind: n for kind, n in counts.items() if n}

    def node_count(self) -> int:
        return sum(len(rows) for rows in self.nodes.values()) + self.excerpt_counts[Label.EXCERPT.value]

    def rel_count(self) -> int:
        return (sum(len(targets) for groups in self.rels.values() for targets in groups.values())
                + sum(self.excerpt_counts[rel.value] for rel in EXCERPT_RELS))

    def keys(self) -> tuple[list[tuple[str, str, str]], list[tuple[tuple[str, str, str], dict[str, Any]]]]:
        """What a diff compares: each node's (id, label, hash), each relationship's
        ((start, type, target), properties). Excerpt rows are built once for both."""
        nodes = [(row["id"], label.value, row["props"]["h"]) for label, rows in self.nodes.items() for row in rows]
        rels = [((start, rel.value, target["id"]), target["props"])
                for rel, groups in self.rels.items() for start, targets in groups.items() for target in targets]
        for row in self.excerpt_rows():
            nodes.append((row["id"], Label.EXCERPT.value, row["props"]["h"]))
            rels.extend(((row["id"], rel.value, target["id"]), target["props"])
                        for rel, key in EXCERPT_RELS.items() for target in row[key])
        return nodes, rels


def _judged_rows(links: list[EvidenceLink], prefix: str) -> dict[str, list[Row]]:
    """An excerpt's judged links under the row keys of SUPPORTS, REFINES and CONTESTS, with their targets."""
    rows: dict[str, list[Row]] = {key: [] for key in _JUDGED.values()}
    for link in links:
        judgement = {k: v for k, v in (("reviewer", link.reviewer), ("rationale", link.rationale)) if v}
        rows[_RELATION_KEY[link.relation]].append({"id": prefix + link.target, "props": judgement or _NO_PROPS})
    return rows


def _distinct_cites(excerpt: Excerpt) -> list[str]:
    """The sources an excerpt cites, each once: what its rows write and what the counts count."""
    return list(dict.fromkeys(excerpt.cites))


def rel_params(batch: list[Row]) -> dict[str, Any]:
    """Relationship rows as the rel queries take them: each distinct target once, in `targets`,
    and each row's targets by their place there (a batch has thousands of rows but few targets)."""
    at: dict[str, int] = {}
    rows = [{"from": row["from"], "to": [{"at": at.setdefault(t["id"], len(at)), "props": t["props"]}
                                         for t in row["to"]]} for row in batch]
    return {"rows": rows, "targets": list(at)}


def excerpt_params(batch: list[Row]) -> dict[str, Any]:
    """Excerpt rows as write/excerpts takes them: targets by their place in `targets`, as in `rel_params`."""
    at: dict[str, int] = {}
    rows = []
    for row in batch:
        out = {"id": row["id"], "props": row["props"]}
        for rel, key in EXCERPT_RELS.items():
            if rel in _JUDGED:
                out[key] = [{"at": at.setdefault(t["id"], len(at)), "props": t["props"]} for t in row[key]]
            else:
                out[key] = [at.setdefault(t["id"], len(at)) for t in row[key]]
        rows.append(out)
    return {"rows": rows, "targets": list(at)}


def text_size(row: Row) -> int:
    """Characters of text a node row carries (its quote, citation, notes), for sizing batches."""
    return sum(len(v) for v in row["props"].values() if type(v) is str)


def excerpt_text_size(row: Row) -> int:
    """An excerpt row's text: its own and its judgements' rationales."""
    return text_size(row) + sum(text_size(t) for key in _JUDGED.values() for t in row[key])


def excerpt_weight(row: Row) -> int:
    """Graph rows one excerpt row writes: the node and its relationships."""
    return 1 + sum(len(row[key]) for key in EXCERPT_RELS.values())


def build_records(bundle: Bundle) -> Records:
    review = bundle.review
    rec = Records(review=review.id)
    root = review.id
    rec.nodes[Label.REVIEW] = []
    props = _props(review)
    props.update(review=root, key=root)
    props["h"] = _hash({"label": Label.REVIEW.value, **props})
    rec.nodes[Label.REVIEW].append({"id": root, "props": props})

    for theory in bundle.theories:
        rec.node(Label.PROGRAMME_THEORY, theory.id, _props(theory))
        rec.rel(Rel.PART_OF, rec.gid(theory.id), root, global_ids=True)
    for element in bundle.elements:
        rec.node(ELEMENT_LABEL[ElementKind(element.kind)], element.id, _props(element))
        rec.rel(Rel.PART_OF, rec.gid(element.id), root, global_ids=True)
    for cmoc in bundle.cmocs:
        lineage = cmoc.lineage
        rec.node(Label.CMOC, cmoc.id, _props(
            cmoc, exclude={"lineage", "theory", *ELEMENT_REL},
            fate=lineage.fate, into_reported=lineage.into_reported, fate_note=lineage.note,
        ))
        rec.rel(Rel.PART_OF, rec.gid(cmoc.id), root, global_ids=True)
        if cmoc.theory:
            rec.rel(Rel.BELONGS_TO, cmoc.id, cmoc.theory)
        for attr, rel in ELEMENT_REL.items():
            element_id = getattr(cmoc, attr)
            if element_id:
                rec.rel(rel, cmoc.id, element_id)
        fate_rel = FATE_REL.get(str(lineage.fate))
        for target in dict.fromkeys(lineage.into):
            if fate_rel:
                rec.rel(fate_rel, cmoc.id, target)
        for excerpt_id in dict.fromkeys(lineage.evidence):
            rec.rel(Rel.RECORDS_FATE, excerpt_id, cmoc.id, {"fate": str(lineage.fate)})
    for source in bundle.sources:
        rec.node(Label.SOURCE, source.id, _props(source))
        rec.rel(Rel.PART_OF, rec.gid(source.id), root, global_ids=True)
    # Excerpts become rows as they are written (Records.excerpt_rows); here only their counts.
    rec.excerpts = bundle.excerpts
    counts = rec.excerpt_counts
    counts[Label.EXCERPT.value] = counts[Rel.QUOTED_FROM.value] = len(bundle.excerpts)
    cited = evidence = 0
    for excerpt in bundle.excerpts:
        n = len(_distinct_cites(excerpt)) if excerpt.cites else 0
        cited += n
        evidence += n or 1
    counts[Rel.CITES.value] = cited
    counts[Rel.EVIDENCE_FROM.value] = evidence
    # The write looks excerpts up by the rows built from rec.excerpts, so a link to an excerpt the
    # bundle does not hold would be lost without a trace; read_bundle never lets one through.
    unknown = {link.excerpt for link in bundle.links} - {excerpt.id for excerpt in bundle.excerpts}
    if unknown:
        raise ValueError(f"links name excerpts the bundle does not hold: {', '.join(sorted(unknown)[:5])}")
    # Grouped here, turned into rows as the excerpts are written (Records.excerpt_rows).
    seen: set[tuple[str, str, str]] = set()
    for link in bundle.links:
        key = (link.excerpt, link.relation, link.target)
        if key not in seen:
            seen.add(key)
            rec.links.setdefault(link.excerpt, []).append(link)
    judged = Counter(relation for _, relation, _ in seen)
    for word, rel in RELATION_REL.items():
        counts[rel.value] = judged[word]
    return rec
