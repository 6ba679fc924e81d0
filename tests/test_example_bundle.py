"""The built-in example bundle (examples/knight-2024) against the article it encodes.

No database: these checks read the bundle files and the article text only. The article is not
copied into the repo; it is found in a `shared/seed/` folder beside or above the checkout, or
at the path in the CMOGRAPH_SEED_ARTICLE environment variable.
"""

from __future__ import annotations

import csv
import os  # only for the CMOGRAPH_SEED_ARTICLE override
from pathlib import Path

import bibtexparser
import yaml

from cmograph.graph.models import Bundle, EvidenceLink, Excerpt, Locator, ReviewFile

BUNDLE = Path(__file__).resolve().parents[1] / "examples" / "knight-2024"
ARTICLE_NAME = "knight-2024-ics-leadership-rapid-realist-review.txt"
REVIEW_SOURCE = "knight-2024-review"
COLUMNS = ["excerpt_id", "source", "text", "page", "section", "paragraph", "char_start",
           "char_end", "cites", "bears_on", "relation", "reviewer", "rationale"]

INCLUDED = {
    "aufegger-2020", "aunger-2022b", "bell-2022", "chang-2021", "embuldeniya-2018", "gordon-2020",
    "harlock-2020", "kozlowska-2020", "macleod-2019", "martin-2021", "miller-stein-2020",
    "mitchell-2020", "nicholson-2018", "pearson-watson-2018", "round-2018", "shand-turner-2019",
    "sims-2021", "urtaran-laresgoiti-2018",
}
EXCLUDED_AT = {  # excluded study -> the stage it was excluded at
    "alonso-andrews-2022": "relevance",
    "elliott-2020": "richness",
    "martin-knowles-2019": "richness",
    "robert-2022": "richness",
}
POLICY = {
    "dhsc-2021", "dhsc-2022a", "dhsc-2022b", "nao-2022", "nhs-employers-2022", "nhse-nhsi-2021a",
    "nhse-nhsi-2021b", "nhse-nhsi-2021c", "nhse-nhsi-2021d", "nhse-nhsi-2021e", "nhse-nhsi-2022",
}
INTERVIEWS = {f"ki-{n}" for n in range(1, 6)}

# Distinct cited studies per refined CMOC and relation, as the article's findings give them.
EXPECTED_EVIDENCE = {
    ("cmoc-r1", "supports"): {
        "aufegger-2020", "aunger-2022b", "harlock-2020", "kozlowska-2020", "macleod-2019",
        "martin-2021", "miller-stein-2020", "round-2018", "sims-2021", "urtaran-laresgoiti-2018",
    },
    ("cmoc-r2", "supports"): {
        "sims-2021", "bell-2022", "gordon-2020", "harlock-2020", "macleod-2019", "martin-2021",
        "miller-stein-2020", "mitchell-2020", "nicholson-2018", "round-2018",
        "urtaran-laresgoiti-2018",
    },
    # Curator judgement: the historical-imbalance sentence refines CMOC 3 (adds a condition).
    ("cmoc-r3", "refines"): {"chang-2021", "gordon-2020", "martin-2021", "sims-2021"},
    ("cmoc-r3", "supports"): {
        "aunger-2022b", "bell-2022", "embuldeniya-2018", "harlock-2020", "macleod-2019",
        "miller-stein-2020", "nicholson-2018", "shand-turner-2019",
    },
    ("cmoc-r4", "supports"): {
        "sims-2021", "gordon-2020", "macleod-2019", "martin-2021", "miller-stein-2020",
        "mitchell-2020", "round-2018", "urtaran-laresgoiti-2018",
    },
    ("cmoc-r5", "refines"): {"embuldeniya-2018", "pearson-watson-2018"},
    ("cmoc-r5", "supports"): {"bell-2022", "gordon-2020", "mitchell-2020", "nicholson-2018"},
    ("cmoc-r6", "supports"): {
        "bell-2022", "gordon-2020", "sims-2021", "macleod-2019", "miller-stein-2020",
        "nicholson-2018", "aunger-2022b", "mitchell-2020", "urtaran-laresgoiti-2018",
    },
    ("cmoc-r6", "refines"): {"pearson-watson-2018"},
}
CMOC3_ALL = {
    "chang-2021", "gordon-2020", "martin-2021", "sims-2021", "aunger-2022b", "bell-2022",
    "embuldeniya-2018", "harlock-2020", "macleod-2019", "miller-stein-2020", "nicholson-2018",
    "shand-turner-2019",
}

_ARTICLE: list[str] = []


def article() -> str:
    """The article text, found beside or above the checkout; a clear failure if it is not there."""
    if _ARTICLE:
        return _ARTICLE[0]
    here = Path(__file__).resolve()
    tried: list[Path] = []
    for p in here.parents:
        tried += [p / "shared" / "seed" / ARTICLE_NAME, p.parent / "shared" / "seed" / ARTICLE_NAME]
    env = os.environ.get("CMOGRAPH_SEED_ARTICLE")
    if env:
        tried.append(Path(env))
    for path in tried:
        if path.is_file():
            _ARTICLE.append(path.read_text(encoding="utf-8"))
            return _ARTICLE[0]
    raise AssertionError(
        f"The seed article {ARTICLE_NAME} was not found; looked in shared/seed/ beside and above "
        f"{here.parent} and in CMOGRAPH_SEED_ARTICLE ({env!r}). Put a copy of shared/ beside the "
        "checkout or set CMOGRAPH_SEED_ARTICLE to the article's path."
    )


def review_file() -> ReviewFile:
    with (BUNDLE / "review.yaml").open(encoding="utf-8-sig") as f:
        return ReviewFile.model_validate(yaml.safe_load(f))


def rows() -> list[dict[str, str]]:
    with (BUNDLE / "extraction.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def split(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def bib():
    return bibtexparser.parse_string((BUNDLE / "references.bib").read_text(encoding="utf-8"))


def evidence_sets() -> dict[tuple[str, str], set[str]]:
    """Distinct sources per (target, relation).

    An excerpt's evidence is what it cites, else the source it is quoted from.
    """
    out: dict[tuple[str, str], set[str]] = {}
    for row in rows():
        origins = split(row["cites"]) or [row["source"]]
        for target in split(row["bears_on"]):
            out.setdefault((target, row["relation"]), set()).update(origins)
    return out


def bundle() -> Bundle:
    """The whole bundle through the domain models, excerpts and links as the sheet gives them."""
    rf = review_file()
    excerpts: dict[str, Excerpt] = {}
    links: list[EvidenceLink] = []
    for row in rows():
        excerpt = Excerpt(
            id=row["excerpt_id"], source=row["source"], text=row["text"],
            locator=Locator(page=row["page"] or None, section=row["section"] or None,
                            paragraph=int(row["paragraph"]) if row["paragraph"] else None,
                            char_start=int(row["char_start"]), char_end=int(row["char_end"])),
            cites=split(row["cites"]),
        )
        same = excerpts.setdefault(excerpt.id, excerpt) == excerpt
        assert same, f"{excerpt.id}: repeated rows differ"
        links += [EvidenceLink(excerpt=excerpt.id, target=target, relation=row["relation"],
                               reviewer=row["reviewer"] or None, rationale=row["rationale"] or None)
                  for target in split(row["bears_on"])]
    return Bundle(review=rf.review, theories=rf.theories, elements=rf.elements, cmocs=rf.cmocs,
                  sources=rf.sources, excerpts=list(excerpts.values()), links=links)


# --- the files and their formats ------------------------------------------------------------

def test_review_yaml_validates() -> None:
    rf = review_file()
    assert rf.review.id == "knight-2024"
    assert rf.review.doi == "10.1108/LHS-12-2023-0092"
    assert rf.review.year == 2024


def test_whole_bundle_validates_through_the_models() -> None:
    b = bundle()
    assert len(b.excerpts) == len({row["excerpt_id"] for row in rows()})


def test_extraction_sheet_columns() -> None:
    with (BUNDLE / "extraction.csv").open(encoding="utf-8-sig", newline="") as f:
        assert next(csv.reader(f)) == COLUMNS


def test_no_copy_of_the_article_in_the_bundle() -> None:
    assert not (BUNDLE / "article.txt").exists()


# --- every quote is verbatim, with a locator --------------------------------------------------

def test_every_excerpt_is_verbatim_at_its_offsets() -> None:
    text = article()
    for row in rows():
        start, end = int(row["char_start"]), int(row["char_end"])
        assert row["source"] == REVIEW_SOURCE, row["excerpt_id"]
        name = row["excerpt_id"]
        assert text[start:end] == row["text"], f"{name}: not verbatim at [{start}:{end}]"
        assert text.find(row["text"]) == start, f"{name}: str.find gives another offset"
        assert row["section"].strip(), row["excerpt_id"]
        assert int(row["paragraph"]) >= 1, row["excerpt_id"]


def test_statements_and_elements_are_the_articles_words() -> None:
    text, rf = article(), review_file()
    elements = {e.id: e for e in rf.elements}
    for theory in rf.theories:
        assert theory.statement and theory.statement in text, theory.id
    for cmoc in rf.cmocs:
        if cmoc.stage != "refined":
            continue
        assert cmoc.statement and cmoc.statement in text, cmoc.id
        assert cmoc.statement.startswith(f"{cmoc.label}: In the context of"), cmoc.id
        for attr, kind in [("context", "context"), ("resource", "resource"),
                           ("reasoning", "reasoning"), ("outcome", "outcome")]:
            element = elements[getattr(cmoc, attr)]
            assert element.kind == kind, (cmoc.id, attr)
            assert element.text in cmoc.statement, (cmoc.id, element.id)


# --- ids resolve ------------------------------------------------------------------------------

def test_ids_are_unique_across_kinds() -> None:
    rf = review_file()
    ids = [x.id for group in (rf.theories, rf.elements, rf.cmocs, rf.sources) for x in group]
    ids += sorted({row["excerpt_id"] for row in rows()})
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_cites_bears_on_and_lineage_evidence_resolve() -> None:
    rf = review_file()
    sources = {s.id for s in rf.sources}
    targets = {c.id for c in rf.cmocs} | {e.id for e in rf.elements}
    excerpt_ids = {row["excerpt_id"] for row in rows()}
    for row in rows():
        assert row["source"] in sources
        for cited in split(row["cites"]):
            assert cited in sources, (row["excerpt_id"], cited)
        for target in split(row["bears_on"]):
            assert target in targets, (row["excerpt_id"], target)
        if split(row["bears_on"]):
            assert row["relation"] in {"supports", "refines", "contests"}, row["excerpt_id"]
            assert row["reviewer"] == "cmograph curator (from the article's text)"
        else:
            assert not row["relation"], row["excerpt_id"]
    theories = {t.id for t in rf.theories}
    for cmoc in rf.cmocs:
        assert cmoc.theory is None or cmoc.theory in theories, cmoc.id
        for excerpt_id in cmoc.lineage.evidence:
            assert excerpt_id in excerpt_ids, (cmoc.id, excerpt_id)


def test_judgements_other_than_support_are_explained() -> None:
    for row in rows():
        if row["relation"] and row["relation"] != "supports":
            assert row["rationale"].startswith("Curator judgement:"), row["excerpt_id"]


# --- citations --------------------------------------------------------------------------------

def test_bibtex_parses_and_matches_the_sources() -> None:
    library = bib()
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    keys = [entry.key for entry in library.entries]
    assert len(keys) == len(set(keys))
    sources = {s.id for s in review_file().sources}
    assert set(keys) == sources - INTERVIEWS


def test_bibtex_fields_come_from_the_reference_list() -> None:
    text = article()
    lines = set(text.split("\n"))
    for entry in bibtexparser.parse_string(
        (BUNDLE / "references.bib").read_text(encoding="utf-8")
    ).entries:
        fields = {f.key: f.value for f in entry.fields}
        note = fields["note"].replace("\\&", "&")
        assert note in lines, f"{entry.key}: note is not a reference as the article prints it"
        if "doi" in fields:
            assert fields["doi"] in note, f"{entry.key}: DOI not the printed one"
        else:
            assert "doi" not in note.lower(), f"{entry.key}: printed DOI missing"
        assert fields.get("year") and fields["year"] in note, entry.key
        assert "title" in fields and "author" in fields, entry.key


# --- counts -----------------------------------------------------------------------------------

def test_counts() -> None:
    rf = review_file()
    assert [t.id for t in rf.theories] == [
        "pt-being", "pt-leading-visioning", "pt-relating-communicating", "pt-delivering"]
    assert all(t.stage == "refined" for t in rf.theories)
    refined = [c for c in rf.cmocs if c.stage == "refined"]
    initial = [c for c in rf.cmocs if c.stage == "initial"]
    assert [c.id for c in refined] == [f"cmoc-r{n}" for n in range(1, 7)]
    assert [c.label for c in refined] == [f"CMOC {n}" for n in range(1, 7)]
    assert [c.id for c in initial] == [f"cmoc-i{n}" for n in range(1, 10)]
    assert [c.theory for c in refined] == [
        "pt-being", "pt-leading-visioning", "pt-relating-communicating",
        "pt-delivering", "pt-delivering", "pt-delivering"]
    by_kind: dict[str, set[str]] = {}
    for s in rf.sources:
        by_kind.setdefault(s.kind, set()).add(s.id)
    assert by_kind["review"] == {REVIEW_SOURCE}
    assert by_kind["empirical_study"] == INCLUDED | set(EXCLUDED_AT)
    assert by_kind["policy_document"] == POLICY
    assert by_kind["key_informant_interview"] == INTERVIEWS
    assert "other" not in by_kind


def test_screening_of_studies() -> None:
    rf = review_file()
    sources = {s.id: s for s in rf.sources}
    assert {s.id for s in rf.sources if s.kind == "empirical_study" and s.included} == INCLUDED
    for sid in INCLUDED:
        decisions = {o.stage: o.decision for o in sources[sid].screening}
        assert decisions == {"relevance": "included", "richness": "included", "rigour": "included"}
    for sid, stage in EXCLUDED_AT.items():
        assert sources[sid].included is False
        decisions = {o.stage: o.decision for o in sources[sid].screening}
        expected = {"relevance": "excluded"} if stage == "relevance" else {
            "relevance": "included", "richness": "excluded"}
        assert decisions == expected, sid
    for sid in INTERVIEWS:
        assert sources[sid].anonymous is True
    counts = {c.stage: (c.screened, c.excluded) for c in rf.review.screening}
    assert counts == {"title_abstract": (5716, None), "full_text": (99, None),
                      "relevance": (22, 1), "richness": (21, 3), "rigour": (18, 0)}


def test_screening_is_traceable_to_the_search_results() -> None:
    by_id = {row["excerpt_id"]: row for row in rows()}
    assert set(split(by_id["ex-search-relevance"]["cites"])) == INCLUDED | set(EXCLUDED_AT)
    assert set(split(by_id["ex-search-richness-rigour"]["cites"])) == {
        s for s, stage in EXCLUDED_AT.items() if stage == "richness"}
    assert set(split(by_id["ex-phase1a-policy-documents"]["cites"])) == POLICY
    assert "5,716" in by_id["ex-search-title-abstract"]["text"]


# --- lineage ----------------------------------------------------------------------------------

def test_lineage_of_the_initial_cmocs() -> None:
    rf = review_file()
    fates = {c.id: c for c in rf.cmocs if c.stage == "initial"}
    expected = {1: "refined", 6: "refined", 7: "refined", 8: "refined", 3: "dropped",
                2: "merged", 9: "merged", 4: "merged", 5: "merged"}
    for n, fate in expected.items():
        cmoc = fates[f"cmoc-i{n}"]
        assert cmoc.label == f"Initial CMOC {n}"
        assert cmoc.lineage.fate == fate, cmoc.id
        assert cmoc.lineage.into == [] and cmoc.lineage.into_reported is False, cmoc.id
        assert cmoc.statement is None and cmoc.statement_reported is False and cmoc.theory is None
        assert cmoc.lineage.evidence == ["ex-phase1b-fates"], cmoc.id
        assert cmoc.lineage.note, cmoc.id
    for cmoc in rf.cmocs:
        if cmoc.stage == "refined":
            assert cmoc.lineage.fate == "current", cmoc.id
    fates_row = next(r for r in rows() if r["excerpt_id"] == "ex-phase1b-fates")
    assert fates_row["text"].startswith(
        "Four CMOCs (1, 6, 7 and 8) had empirical support with refinements")
    assert not fates_row["bears_on"]


# --- the evidence per refined CMOC ------------------------------------------------------------

def test_evidence_sets_per_refined_cmoc() -> None:
    assert evidence_sets() == EXPECTED_EVIDENCE


def test_cmoc3_evidence_is_the_articles_citations() -> None:
    got = evidence_sets()
    assert got[("cmoc-r3", "supports")] | got[("cmoc-r3", "refines")] == CMOC3_ALL
