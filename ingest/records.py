"""Turns a validated bundle into plain node and relationship rows, keyed by the graph's allow-list."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from cmograph.graph.models import Bundle, ElementKind
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


_NO_PROPS: dict[str, Any] = {}  # shared by every relationship without properties; never mutated


def _props(model: BaseModel, *, exclude: set[str] = frozenset(), **extra: Any) -> dict[str, Any]:  # type: ignore[assignment]
    """Flat store properties: no nulls (Neo4j drops them), nested values as JSON text."""
    data = model.model_dump(mode="json", exclude={"id", *exclude})
    data.update(extra)
    out: dict[str, Any] = {}
    for key, value in data.items():
        if value is None or value == []:
            continue
        if isinstance(value, dict) or (isinstance(value, list) and value and isinstance(value[0], dict)):
            value = json.dumps(value, ensure_ascii=False)
        out[key] = value
    return out


@dataclass
class Records:
    """Rows per label and relationships per type, as the write queries take them.

    Nodes carry a content hash `h` for diffs. Relationships are grouped by their start
    node (one write row looks the start node up once for all its targets); their few
    properties are compared as they are.
    """

    review: str
    nodes: dict[Label, list[Row]] = field(default_factory=dict)
    rels: dict[Rel, dict[str, list[Row]]] = field(default_factory=dict)

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

    def gid(self, local_id: str) -> str:
        return f"{self.review}:{local_id}"

    def node_count(self) -> int:
        return sum(len(rows) for rows in self.nodes.values())

    def rel_count(self) -> int:
        return sum(len(targets) for groups in self.rels.values() for targets in groups.values())

    def node_keys(self) -> Iterator[tuple[str, str, str]]:
        for label, rows in self.nodes.items():
            for row in rows:
                yield row["id"], label.value, row["props"]["h"]

    def rel_keys(self) -> Iterator[tuple[tuple[str, str, str], dict[str, Any]]]:
        for rel, groups in self.rels.items():
            for start, targets in groups.items():
                for target in targets:
                    yield (start, rel.value, target["id"]), target["props"]


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
    for excerpt in bundle.excerpts:
        locator = excerpt.locator.model_dump(exclude_none=True)
        rec.node(Label.EXCERPT, excerpt.id, _props(excerpt, exclude={"source", "cites", "locator"}, **locator))
        rec.rel(Rel.QUOTED_FROM, excerpt.id, excerpt.source)
        for cited in dict.fromkeys(excerpt.cites):
            rec.rel(Rel.CITES, excerpt.id, cited)
        # Derived once here so every query agrees on what a quote is evidence from.
        for origin in dict.fromkeys(excerpt.cites or [excerpt.source]):
            rec.rel(Rel.EVIDENCE_FROM, excerpt.id, origin)
    seen: set[tuple[str, str, str]] = set()
    for link in bundle.links:
        key = (link.excerpt, str(link.relation), link.target)
        if key in seen:
            continue
        seen.add(key)
        judgement = {"reviewer": link.reviewer, "rationale": link.rationale}
        rec.rel(RELATION_REL[str(link.relation)], link.excerpt, link.target,
                {k: v for k, v in judgement.items() if v})
    return rec
