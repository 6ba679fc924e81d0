"""Synthetic review bundles in the example review's shape, written as the files reviewers keep."""

from __future__ import annotations

import csv
import itertools
import random
from pathlib import Path

import yaml

from cmograph.ingest.columns import COLUMNS

# Words follow Zipf's law (a word's share of the text falls as 1/rank), as in natural text, so a
# claim's words are spread over the corpus as they would be in a real one. The most common words
# are English function words, then the example review's themes, then made-up words. The first
# corpus drew every word evenly from the 28 theme words alone, so each one was in about 60% of all
# excerpts: no real corpus is like that, and full-text search, which has no top-k in FalkorDB, paid
# for it (see bench/README.md). Excerpts of 24 to 76 words keep that corpus's text volume, about
# 260 characters an excerpt; their many more distinct words cost FalkorDB more to index.
STOP_WORDS = [
    "the", "of", "and", "a", "to", "in", "is", "it", "that", "for", "as", "with", "was", "on", "be", "by", "at",
    "this", "are", "or", "but", "not", "from", "an", "which", "their", "they", "these", "such", "there", "then",
    "if", "into", "will", "no"
]
THEME_WORDS = [
    "leadership", "trust", "partnership", "vision", "accountability", "governance", "data", "sharing", "population",
    "health", "integration", "culture", "learning", "innovation", "community", "engagement", "relationships",
    "meetings", "priorities", "outcomes", "resources", "decisions", "collaboration", "tensions", "funding",
    "histories", "dashboards", "targeting"
]
VOCABULARY_SIZE = 30_000
THEMES = ("Being", "Leading and visioning", "Relating and communicating", "Delivering")
KINDS = ("context", "resource", "reasoning", "outcome")
_ONSETS = ("b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "br", "cl", "pr", "st", "tr")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "io")


def _made_up(rank: int) -> str:
    """A pronounceable made-up word, different for every rank: its syllables spell the rank."""
    syllables = []
    n = rank
    while True:
        n, s = divmod(n, len(_ONSETS) * len(_VOWELS))
        syllables.append(_ONSETS[s // len(_VOWELS)] + _VOWELS[s % len(_VOWELS)])
        if n == 0:
            break
    return "".join(syllables) + ("n" if len(syllables) == 1 else "")


WORDS = list(dict.fromkeys([*STOP_WORDS, *THEME_WORDS, *map(_made_up, range(VOCABULARY_SIZE))]))[:VOCABULARY_SIZE]
_CUMULATIVE = list(itertools.accumulate(1 / rank for rank in range(1, len(WORDS) + 1)))


def _sentence(rng: random.Random, n: int = 14) -> str:
    return " ".join(rng.choices(WORDS, cum_weights=_CUMULATIVE, k=n)).capitalize() + "."


def write_bundle(folder: Path, review: str = "synthetic", excerpts: int = 10_000, sources: int | None = None,
                 seed: int = 7) -> Path:
    """Write review.yaml, references.bib and extraction.csv for one synthetic review.

    Per review, like the example: 4 theories, 6 refined and 9 initial CMOCs,
    4 elements per refined CMOC (some shared), and excerpts that cite 0-3
    sources and bear on a CMOC or an element, mostly in support.
    """
    rng = random.Random(seed)
    sources = sources or max(40, excerpts // 50)
    folder.mkdir(parents=True, exist_ok=True)
    theories = [{"id": f"pt-{i}", "title": t, "theme": t, "statement": _sentence(rng)} for i, t in enumerate(THEMES)]
    elements = [{"id": f"{k[:3]}-{i}", "kind": k, "text": _sentence(rng, 6)} for i in range(6) for k in KINDS]
    elements[4]["id"], elements[4]["kind"] = "con-shared", "context"  # one context shared by CMOCs 1 and 2
    cmocs: list[dict[str, object]] = []
    for i in range(6):
        cmoc: dict[str, object] = {"id": f"cmoc-r{i + 1}", "label": f"CMOC {i + 1}", "stage": "refined",
                                   "statement": _sentence(rng, 30), "theory": f"pt-{min(i, 3)}"}
        for kind in KINDS:
            cmoc[kind] = "con-shared" if kind == "context" and i < 2 else f"{kind[:3]}-{i}"
        cmocs.append(cmoc)
    for i in range(9):
        fate = ("refined", "merged", "dropped")[i % 3]
        cmocs.append({"id": f"cmoc-i{i + 1}", "label": f"Initial CMOC {i + 1}", "stage": "initial",
                      "statement_reported": False,
                      "lineage": {"fate": fate, "into": [f"cmoc-r{i % 6 + 1}"] if fate != "dropped" else [],
                                  "note": "synthetic"}})
    source_ids = [f"src-{i}" for i in range(sources)]
    review_file = {
        "review": {"id": review, "title": f"Synthetic review {review}", "year": 2025},
        "theories": theories, "elements": elements, "cmocs": cmocs,
        "sources": [{"id": s, "kind": "empirical_study", "included": True} for s in source_ids]
        + [{"id": "the-review", "kind": "review"}],
    }
    (folder / "review.yaml").write_text(yaml.safe_dump(review_file, sort_keys=False), encoding="utf-8")
    with (folder / "references.bib").open("w", encoding="utf-8") as bib:
        for s in source_ids:
            bib.write(f"@article{{{s},\n  author = {{Author, A. and Other, B.}},\n  title = {{{_sentence(rng, 8)}}},\n"
                      f"  journal = {{Journal of Synthetic Studies}},\n  year = {{{rng.randint(2015, 2024)}}},\n"
                      f"  doi = {{10.5555/{s}}}\n}}\n\n")
    targets = [c["id"] for c in cmocs[:6]] * 4 + [e["id"] for e in elements]
    with (folder / "extraction.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        writer.writeheader()
        for i in range(excerpts):
            cited = rng.sample(source_ids, rng.choice((0, 1, 1, 2, 3)))
            relation = rng.choices(("supports", "refines", "contests"), (80, 15, 5))[0]
            writer.writerow({
                "excerpt_id": f"ex-{i}", "source": "the-review" if cited else rng.choice(source_ids),
                "text": _sentence(rng, rng.randint(24, 76)), "page": str(rng.randint(1, 30)),
                "section": "Findings", "paragraph": str(rng.randint(1, 12)), "cites": ";".join(cited),
                "bears_on": rng.choice(targets), "relation": relation, "reviewer": "bench",
                "rationale": "synthetic" if relation != "supports" else "",
            })
    return folder
