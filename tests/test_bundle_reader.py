"""Reading review bundles: valid ones become a Bundle, broken ones list every problem, located."""

from __future__ import annotations

import codecs
import json
import os
import re
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from cmograph.graph.models import (
    CMOC,
    Bundle,
    Element,
    EvidenceLink,
    Excerpt,
    Lineage,
    Locator,
    ProgrammeTheory,
    Review,
    Slug,
    Source,
)
from cmograph.ingest.bundle_reader import read_bundle
from cmograph.ingest.columns import COLUMNS, EXCERPT_ID, MODEL_TO_COLUMN, REQUIRED, SOURCE, TEXT
from cmograph.ingest.problems import BundleInvalid, Problem, is_slug, shown

REVIEW_YAML = """\
review:
  id: knight-2024
  title: Integrated care system leadership
theories:
  - {id: pt-being, title: Being}
elements:
  - {id: ctx-ics, kind: context, text: ICS formation and development}
  - {id: res-vision, kind: resource, text: A clear vision}
cmocs:
  - id: cmoc-i1
    label: Initial CMOC 1
    stage: initial
    lineage: {fate: refined, into: [cmoc-r1], evidence: [ex-2]}
  - id: cmoc-r1
    label: CMOC 1
    stage: refined
    theory: pt-being
    context: ctx-ics
    resource: res-vision
sources:
  - id: smith-2020
    kind: empirical_study
    title: The title review.yaml gives
    included: true
  - id: ki-1
    kind: key_informant_interview
    anonymous: true
"""

REFERENCES_BIB = r"""
@article{smith-2020,
  author = {Smith, Jane and {World Health Organization}},
  title = {A title the review.yaml overrides},
  journal = {Health \& Care},
  year = {2020},
  volume = {12},
  number = {3},
  pages = {1--9},
}

@book{jones-2019,
  author = {M{\"u}ller, K.},
  title = {Leading {ICS}s},
  publisher = {Policy Press},
  year = 2019,
}
"""

CITATIONS_RIS = """\
TY  - RPRT
ID  - nhs-2022
AU  - NHS England
TI  - Building strong integrated care systems
PY  - 2022///
UR  - https://example.org/ics
ER  -
"""

EXTRACTION_CSV = """\
excerpt_id,source,text,page,paragraph,cites,bears_on,relation,reviewer
ex-1,smith-2020,"Leaders ""set the vision"".",4,2,,cmoc-r1; res-vision,Supports,LK
ex-1,smith-2020,"Leaders ""set the vision"".",4,2,,ctx-ics,refines,LK
ex-2,nhs-2022,"A review sentence
citing two studies.",,,jones-2019; smith-2020,,,
"""

EXPECTED = Bundle(
    review=Review(id="knight-2024", title="Integrated care system leadership"),
    theories=[ProgrammeTheory(id="pt-being", title="Being")],
    elements=[
        Element(id="ctx-ics", kind="context", text="ICS formation and development"),
        Element(id="res-vision", kind="resource", text="A clear vision"),
    ],
    cmocs=[
        CMOC(
            id="cmoc-i1",
            label="Initial CMOC 1",
            stage="initial",
            lineage=Lineage(fate="refined", into=["cmoc-r1"], evidence=["ex-2"]),
        ),
        CMOC(
            id="cmoc-r1",
            label="CMOC 1",
            stage="refined",
            theory="pt-being",
            context="ctx-ics",
            resource="res-vision",
        ),
    ],
    sources=[
        Source(
            id="smith-2020",
            kind="empirical_study",
            title="The title review.yaml gives",
            included=True,
            authors=["Smith, Jane", "World Health Organization"],
            year=2020,
            container="Health & Care",
            volume="12",
            issue="3",
            pages="1–9",
        ),
        Source(id="ki-1", kind="key_informant_interview", anonymous=True),
        # Citation-file entries not named in review.yaml: kind `other`, in file order.
        Source(
            id="nhs-2022",
            kind="other",
            authors=["NHS England"],
            title="Building strong integrated care systems",
            year=2022,
            url="https://example.org/ics",
        ),
        Source(
            id="jones-2019",
            kind="other",
            authors=["Müller, K."],
            title="Leading ICSs",
            container="Policy Press",
            year=2019,
        ),
    ],
    excerpts=[
        Excerpt(
            id="ex-1",
            source="smith-2020",
            text='Leaders "set the vision".',
            locator=Locator(page="4", paragraph=2),
        ),
        Excerpt(
            id="ex-2",
            source="nhs-2022",
            text="A review sentence\nciting two studies.",
            cites=["jones-2019", "smith-2020"],
        ),
    ],
    links=[
        EvidenceLink(excerpt="ex-1", target="cmoc-r1", relation="supports", reviewer="LK"),
        EvidenceLink(excerpt="ex-1", target="res-vision", relation="supports", reviewer="LK"),
        EvidenceLink(excerpt="ex-1", target="ctx-ics", relation="refines", reviewer="LK"),
    ],
)


def write_bundle(folder: Path, **files: str | bytes) -> Path:
    """Write files named like `review_yaml=...` (underscore for the dot) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, content in files.items():
        name = re.sub(r"_(\w+)$", r".\1", key)
        data = content.encode() if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(BundleInvalid) as caught:
        read_bundle(path)
    problems = caught.value.problems
    assert str(caught.value).startswith(f"The bundle is not valid: {len(problems)} problem")
    return problems


def find(problems: list[Problem], file: str, where: str | None, field: str | None) -> Problem:
    matches = [p for p in problems if (p.file, p.where, p.field) == (file, where, field)]
    listing = "\n".join(str(p) for p in problems)
    assert len(matches) == 1, f"no single problem at {file}, {where}, {field} in:\n{listing}"
    return matches[0]


def valid_files() -> dict[str, str | bytes]:
    return {
        "review_yaml": REVIEW_YAML,
        "references_bib": REFERENCES_BIB,
        "citations_ris": CITATIONS_RIS,
        # A BOM, as Excel's "CSV UTF-8" writes one.
        "extraction_csv": codecs.BOM_UTF8 + EXTRACTION_CSV.encode(),
    }


# --- valid bundles --------------------------------------------------------------------------


def test_valid_bundle_reads_into_the_expected_bundle(tmp_path: Path) -> None:
    assert read_bundle(write_bundle(tmp_path, **valid_files())) == EXPECTED


def test_a_whole_bundle_as_json_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "knight-2024.json"
    path.write_text(EXPECTED.model_dump_json(indent=2))
    assert read_bundle(path) == EXPECTED


def test_a_nul_in_a_json_bundle_is_a_located_problem(tmp_path: Path) -> None:
    # Text files holding NUL bytes are refused whole (read_text); JSON can still spell one as \u0000.
    data = EXPECTED.model_dump(mode="json")
    data["excerpts"][0]["text"] = "before\x00after"
    data["sources"][0]["authors"] = ["Knight, A.", "\x00"]
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(data))
    problems = problems_of(path)
    assert [(p.where, p.field, p.expected) for p in problems] == [
        (None, "sources[0].authors[1]", "text without NUL (\\x00) characters"),
        (None, "excerpts[0].text", "text without NUL (\\x00) characters"),
    ], "\n".join(map(str, problems))


def test_a_lone_review_file_reads_without_an_extraction_sheet(tmp_path: Path) -> None:
    review = REVIEW_YAML.replace(", evidence: [ex-2]", "")
    path = write_bundle(tmp_path, review_yaml=review) / "review.yaml"
    bundle = read_bundle(path)
    assert [c.id for c in bundle.cmocs] == ["cmoc-i1", "cmoc-r1"]
    assert bundle.excerpts == [] and bundle.links == []


def test_xlsx_numbers_become_text_and_empty_rows_are_skipped(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "extraction"
    sheet.append(["excerpt_id", "source", "text", "page", "paragraph", "bears_on", "relation"])
    sheet.append(["ex-1", "smith-2020", 2024, 12, 3.0, "cmoc-r1", "supports"])
    sheet.append([])
    sheet.append(["ex-2", "smith-2020", "Second quote", None, None, None, None])
    book.save(tmp_path / "extraction.xlsx")
    write_bundle(tmp_path, review_yaml=REVIEW_YAML.replace(", evidence: [ex-2]", ""))

    bundle = read_bundle(tmp_path)

    assert bundle.excerpts == [
        Excerpt(
            id="ex-1", source="smith-2020", text="2024", locator=Locator(page="12", paragraph=3)
        ),
        Excerpt(id="ex-2", source="smith-2020", text="Second quote"),
    ]


# --- broken bundles -------------------------------------------------------------------------


def test_broken_bundle_reports_every_problem_located(tmp_path: Path) -> None:
    broken_bib = REFERENCES_BIB.replace(
        "@book{jones-2019,",
        "@article{broken-2021,\n  title = {A title missing its brace,\n\n@book{jones-2019,",
    )
    # Saved from Excel on Windows: latin-1, not UTF-8. The `text` column is misspelt.
    csv_bytes = (
        "excerpt_id,source,txt,bears_on,relation\n"
        "ex-1,smtih-2020,Café leadership,cmoc-r1,supprots\n"
        "ex-2,smith-2020,Fine,cmoc-r1,supports\n"
    ).encode("latin-1")
    write_bundle(
        tmp_path, review_yaml=REVIEW_YAML, references_bib=broken_bib, extraction_csv=csv_bytes
    )

    problems = problems_of(tmp_path)

    encoding = find(problems, "extraction.csv", "line 2, byte 59", None)
    assert encoding.value == r"b'\xe9'"
    assert "expected UTF-8 text (save the sheet as 'CSV UTF-8')" in str(encoding)

    unknown_column = find(problems, "extraction.csv", "row 1, column C", None)
    assert str(unknown_column).endswith("did you mean 'text'?")

    missing = find(problems, "extraction.csv", "row 1", "text")
    assert str(missing) == (
        "extraction.csv, row 1, field 'text': expected a column named 'text' "
        "(columns found: excerpt_id, source, txt, bears_on, relation)"
    )

    relation = find(problems, "extraction.csv", "row 2", "relation")
    assert str(relation) == (
        "extraction.csv, row 2, field 'relation': got 'supprots'; "
        "expected one of supports, refines, contests"
    )

    source = find(problems, "extraction.csv", "row 2", "source")
    assert str(source) == (
        "extraction.csv, row 2, field 'source': got 'smtih-2020'; "
        "expected a known source id (nearest: smith-2020)"
    )

    bibtex = find(problems, "references.bib", "line 12", None)
    assert bibtex.value == "'@article{broken-2021,'"
    assert bibtex.expected.startswith("a complete entry such as @article{key, title = {...}}")

    # Nothing else: the missing column is reported once, not once per row.
    assert len(problems) == 6, "\n".join(map(str, problems))


def test_yaml_syntax_error_is_located(tmp_path: Path) -> None:
    review = REVIEW_YAML.replace("  title: Integrated care system leadership", "  title: [unclosed")
    problems = problems_of(write_bundle(tmp_path, review_yaml=review))
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.file, problem.field) == ("review.yaml", None)
    assert problem.where is not None and re.fullmatch(r"line \d+, column \d+", problem.where)
    assert str(problem).startswith(f"review.yaml, {problem.where}: expected valid YAML (")


def test_yaml_validation_errors_name_path_value_and_allowed_words(tmp_path: Path) -> None:
    review = (
        REVIEW_YAML.replace("lineage: {fate: refined,", "lineage: {fate: gone,")
        .replace(", evidence: [ex-2]", "")
        .replace("kind: key_informant_interview", "kind: interview")
        .replace("id: knight-2024", "id: Knight 2024")
        .replace("    label: CMOC 1\n", "    lable: CMOC 1\n")
    )
    problems = problems_of(write_bundle(tmp_path, review_yaml=review))

    fate = find(problems, "review.yaml", "line 13", "cmocs[0].lineage.fate")
    assert str(fate) == (
        "review.yaml, line 13, field 'cmocs[0].lineage.fate': got 'gone'; "
        "expected one of current, refined, merged, dropped"
    )
    kind = find(problems, "review.yaml", "line 26", "sources[1].kind")
    assert "expected one of empirical_study, policy_document" in str(kind)
    slug = find(problems, "review.yaml", "line 2", "review.id")
    assert slug.expected.startswith("a slug: lower-case letters, digits and hyphens")
    assert "(e.g. 'knight-2024')" in slug.expected
    typo = find(problems, "review.yaml", "line 15", "cmocs[1].lable")
    assert typo.expected.endswith("did you mean 'label'?")
    missing = find(problems, "review.yaml", "line 14", "cmocs[1].label")
    assert missing.expected == "a value (this field is required)"
    assert len(problems) == 5, "\n".join(map(str, problems))


def test_xlsx_merged_cells_and_formulas_without_results_are_problems(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "extraction"
    sheet.append(["excerpt_id", "source", "text"])
    sheet.append(["ex-1", "smith-2020", "A quote"])
    # openpyxl saves no result for a formula, like a sheet never opened in Excel.
    sheet.append(["ex-3", "smith-2020", '=CONCATENATE("a", "b")'])
    sheet.append(["ex-4", None, "Its id cell is merged across the source column"])
    sheet.merge_cells("A4:B4")
    book.save(tmp_path / "extraction.xlsx")
    write_bundle(tmp_path, review_yaml=REVIEW_YAML.replace(", evidence: [ex-2]", ""))

    problems = problems_of(tmp_path)

    formula = find(problems, "extraction.xlsx", "row 3", "text")
    assert formula.value == """'=CONCATENATE("a", "b")'"""
    assert formula.expected.startswith("a value, not a formula without a saved result")
    merged = find(problems, "extraction.xlsx", "row 4", "excerpt_id")
    assert str(merged) == (
        "extraction.xlsx, row 4, field 'excerpt_id': "
        "expected no merged cells (unmerge A4:B4 and fill each cell)"
    )
    assert len(problems) == 2, "\n".join(map(str, problems))


def test_duplicate_ids_across_kinds_files_and_rows(tmp_path: Path) -> None:
    review = REVIEW_YAML.replace("  - {id: res-vision,", "  - {id: pt-being,").replace(
        "resource: res-vision", "resource: pt-being"
    )
    ris = CITATIONS_RIS.replace("ID  - nhs-2022", "ID  - jones-2019")
    csv_text = (
        "excerpt_id,source,text\n"
        "ex-1,smith-2020,The first wording\n"
        "ex-1,smith-2020,A second wording\n"
        "ex-2,smith-2020,Another\n"
    )
    write_bundle(
        tmp_path,
        review_yaml=review,
        references_bib=REFERENCES_BIB,
        citations_ris=ris,
        extraction_csv=csv_text,
    )

    problems = problems_of(tmp_path)

    element = find(problems, "review.yaml", "line 8", "elements[1].id")
    assert str(element) == (
        "review.yaml, line 8, field 'elements[1].id': got 'pt-being'; expected an id used once "
        "in the bundle (already the id of the programme theory at line 5)"
    )
    cited_twice = find(problems, "references.bib", "entry 'jones-2019' at line 12", "key")
    assert (
        "each source id in one citation entry only (also at citations.ris, record at line 1)"
        in (cited_twice.expected)
    )
    rows = find(problems, "extraction.csv", "row 3", "text")
    assert str(rows) == (
        "extraction.csv, row 3, field 'text': got 'A second wording'; expected the same text as "
        "row 2, where excerpt 'ex-1' first appears (repeated rows of one excerpt must agree)"
    )
    assert len(problems) == 3, "\n".join(map(str, problems))


def test_lineage_cycles_and_inconsistent_fates(tmp_path: Path) -> None:
    more_cmocs = (
        "  - id: cmoc-a\n    label: A\n    stage: initial\n"
        "    lineage: {fate: refined, into: [cmoc-b]}\n"
        "  - id: cmoc-b\n    label: B\n    stage: initial\n"
        "    lineage: {fate: merged, into: [cmoc-a]}\n"
        "  - id: cmoc-c\n    label: C\n    stage: initial\n"
        "    lineage: {fate: current, into: [cmoc-r1]}\n"
    )
    review = REVIEW_YAML.replace(", evidence: [ex-2]", "").replace(
        "sources:\n", more_cmocs + "sources:\n"
    )
    problems = problems_of(write_bundle(tmp_path, review_yaml=review))

    cycle = find(problems, "review.yaml", "line 27", "cmocs[3].lineage.into[0]")
    assert cycle.value == "'cmoc-a'"
    assert cycle.expected == "lineage that does not loop back (cmoc-a → cmoc-b → cmoc-a)"
    fate = find(problems, "review.yaml", "line 31", "cmocs[4].lineage.into")
    assert (
        fate.expected == "no 'into' for a CMOC whose fate is current (use fate refined or merged)"
    )
    assert len(problems) == 2, "\n".join(map(str, problems))


def test_references_are_checked_against_the_right_kind(tmp_path: Path) -> None:
    review = REVIEW_YAML.replace("context: ctx-ics", "context: res-vision").replace(
        "theory: pt-being", "theory: pt-bein"
    )
    csv_text = (
        "excerpt_id,source,text,cites,bears_on,relation\nex-2,smith-2020,Q,jnes-2019,cmoc-r2,\n"
    )
    write_bundle(
        tmp_path, review_yaml=review, references_bib=REFERENCES_BIB, extraction_csv=csv_text
    )

    problems = problems_of(tmp_path)

    assert find(problems, "review.yaml", "line 18", "cmocs[1].context").expected == (
        "a context element id ('res-vision' is a resource element)"
    )
    assert find(problems, "review.yaml", "line 17", "cmocs[1].theory").expected == (
        "a known programme theory id (nearest: pt-being)"
    )
    assert find(problems, "extraction.csv", "row 2", "cites").expected == (
        "a known source id (nearest: jones-2019)"
    )
    assert (
        "relation for the bears_on ids"
        in find(problems, "extraction.csv", "row 2", "relation").expected
    )
    target = find(problems, "extraction.csv", "row 2", "bears_on")
    assert target.expected == "a known CMOC or element id (nearest: cmoc-r1, cmoc-i1)"
    assert len(problems) == 5, "\n".join(map(str, problems))


def test_sheet_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path: Path) -> None:
    csv_text = (
        'excerpt_id,source,text,paragraph\n"ex-1",smith-2020,"two\nlines",1\n\n'
        "ex-2,smith-2020,Q,2.5\nex-3,smith-2020,Q,0\n"
    )
    review = REVIEW_YAML.replace(", evidence: [ex-2]", "")
    problems = problems_of(write_bundle(tmp_path, review_yaml=review, extraction_csv=csv_text))

    # Row 2 spans two lines and row 3 is empty, as a spreadsheet shows them.
    assert str(find(problems, "extraction.csv", "row 4", "paragraph")) == (
        "extraction.csv, row 4, field 'paragraph': got '2.5'; expected a whole number"
    )
    assert find(problems, "extraction.csv", "row 5", "paragraph").expected == (
        "a number no less than 1"
    )
    assert len(problems) == 2


def test_repeated_unnamed_and_semicolon_separated_columns(tmp_path: Path) -> None:
    # Excel in some locales saves CSV with semicolons; that is read like commas.
    csv_text = "Excerpt ID;source;text;text;\nex-1;smith-2020;Q;Q;stray\n"
    review = REVIEW_YAML.replace(", evidence: [ex-2]", "")
    problems = problems_of(write_bundle(tmp_path, review_yaml=review, extraction_csv=csv_text))

    assert find(problems, "extraction.csv", "row 1", "text").expected == (
        "each column once (also column C)"
    )
    assert find(problems, "extraction.csv", "row 1", "column E").expected == (
        "a column name above values"
    )
    assert len(problems) == 2, "\n".join(map(str, problems))


def test_broken_csv_quoting_is_located(tmp_path: Path) -> None:
    csv_text = 'excerpt_id,source,text\nex-1,smith-2020,fine\nex-2,smith-2020,"bad"quote\n'
    review = REVIEW_YAML.replace(", evidence: [ex-2]", "")
    problems = problems_of(write_bundle(tmp_path, review_yaml=review, extraction_csv=csv_text))
    problem = find(problems, "extraction.csv", "line 3 (row 3)", None)
    assert problem.expected.startswith("well-formed CSV")
    assert len(problems) == 1


def test_bib_keys_ris_ids_and_years_are_checked(tmp_path: Path) -> None:
    bib = "@article{Smith2020,\n  title = {T},\n}\n@article{ok-1,\n  year = {circa 1990},\n}\n"
    ris = "TY  - JOUR\nTI  - No id\nER  - \n\nstray text\nTY  - JOUR\nID  - fine-1\n"
    write_bundle(tmp_path, review_yaml=REVIEW_YAML.replace(", evidence: [ex-2]", ""))
    write_bundle(tmp_path, refs_bib=bib, refs_ris=ris)

    problems = problems_of(tmp_path)

    key = find(problems, "refs.bib", "entry 'Smith2020' at line 1", "key")
    assert "(e.g. 'smith2020')" in str(key)
    year = find(problems, "refs.bib", "entry 'ok-1' at line 4", "year")
    assert year.expected == "a year as a whole number, e.g. 2020"
    assert find(problems, "refs.ris", "record at line 1", "ID").expected.startswith("an 'ID  - '")
    assert find(problems, "refs.ris", "line 5", None).value == "'stray text'"
    assert (
        "end with an 'ER  - ' line" in find(problems, "refs.ris", "record at line 6", None).expected
    )
    assert len(problems) == 5, "\n".join(map(str, problems))


def test_files_that_cannot_stand_alone_or_clash(tmp_path: Path) -> None:
    lone = write_bundle(tmp_path / "lone", references_bib=REFERENCES_BIB) / "references.bib"
    [problem] = problems_of(lone)
    assert problem.file == "references.bib" and "bundle folder next to a review.yaml" in str(
        problem
    )

    both = write_bundle(
        tmp_path / "both",
        review_yaml=REVIEW_YAML,
        extraction_csv="excerpt_id,source,text\n",
        extraction_xlsx=b"",
    )
    assert "one extraction sheet" in find(problems_of(both), "extraction.xlsx", None, None).expected

    [missing] = problems_of(write_bundle(tmp_path / "empty"))
    assert missing.file == "review.yaml" and "in the bundle folder 'empty'" in missing.expected


def test_a_huge_field_is_refused_not_a_crash(tmp_path: Path) -> None:
    huge = "x" * 1_000_001
    csv_text = f"excerpt_id,source,text\nex-1,smith-2020,{huge}\n"
    review = REVIEW_YAML.replace(", evidence: [ex-2]", "")
    problems = problems_of(write_bundle(tmp_path, review_yaml=review, extraction_csv=csv_text))
    problem = find(problems, "extraction.csv", "row 2", "text")
    assert "at most 1,000,000 characters in one field (this one has 1,000,001)" in str(problem)
    assert problem.value is not None and len(problem.value) <= 80


# --- found by tests/test_fuzz_bundles.py ---------------------------------------------------

LONE_REVIEW = REVIEW_YAML.replace(", evidence: [ex-2]", "")
FIELD_CAP = "at most 1,000,000 characters in one field"


def rejection_of(path: Path) -> BundleInvalid:
    """The error itself, checked to list each problem on a line of its own."""
    with pytest.raises(BundleInvalid) as caught:
        read_bundle(path)
    lines = str(caught.value).split("\n")
    assert len(lines) == len(caught.value.problems) + 1, str(caught.value)[:2000]
    return caught.value


def test_a_csv_cell_over_the_csv_modules_own_cap_is_located_by_row_and_column(
    tmp_path: Path,
) -> None:
    # Over csv's field limit as it was raised before (1,000,002): csv.Error gave a line, no column.
    quote, rationale = "q" * 1_005_000, "r" * 2_000_000
    csv_text = (
        "excerpt_id,source,text,bears_on,relation,rationale\r\n"
        f'ex-1,smith-2020,"{quote}",cmoc-r1,supports,\r\n'
        f"ex-2,smith-2020,Fine,cmoc-r1,refines,{rationale}\r\n"
    )
    error = rejection_of(write_bundle(tmp_path, review_yaml=LONE_REVIEW, extraction_csv=csv_text))
    assert [(p.file, p.where, p.field, p.expected) for p in error.problems] == [
        ("extraction.csv", "row 2", "text", f"{FIELD_CAP} (this one has 1,005,000)"),
        ("extraction.csv", "row 3", "rationale", f"{FIELD_CAP} (this one has 2,000,000)"),
    ]
    assert all(p.value is not None and len(p.value) <= 80 for p in error.problems)


def test_a_header_with_a_line_break_stays_on_one_line(tmp_path: Path) -> None:
    csv_text = 'excerpt_id,source,"te\nxt","' + "h" * 5_000 + '"\nex-1,smith-2020,A quote,x\n'
    error = rejection_of(write_bundle(tmp_path, review_yaml=LONE_REVIEW, extraction_csv=csv_text))
    [column_c, column_d, missing] = error.problems
    assert (column_c.file, column_c.where, column_c.field) == (
        "extraction.csv",
        "row 1, column C",
        None,
    )
    assert column_c.value == r"'te\nxt'"
    long_header = shown("h" * 5_000)
    assert len(long_header) <= 80 and (column_d.where, column_d.value) == (
        "row 1, column D",
        long_header,
    )
    assert (missing.file, missing.where, missing.field) == ("extraction.csv", "row 1", "text")
    assert missing.expected == (
        f"a column named 'text' (columns found: excerpt_id, source, 'te\\nxt', {long_header})"
    )


def test_a_line_break_in_any_problem_is_escaped() -> None:
    problem = Problem("extraction.csv", "row 1", "a\nb", "'x'", "one line\r\nor two\u2028or three")
    assert str(problem) == (
        "extraction.csv, row 1, field 'a\\nb': got 'x'; expected one line\\r\\nor two\\u2028or three"
    )


def test_yaml_keys_that_yaml_reads_as_other_things_are_named_and_located_as_written(
    tmp_path: Path,
) -> None:
    review = LONE_REVIEW.replace(
        "  title: Integrated care system leadership\n",
        "  title: Integrated care system leadership\n  2024-01-01:\n    - a note\n",
    )
    review = review.replace(
        "    label: Initial CMOC 1\n", "    label: Initial CMOC 1\n    123: x\n"
    )
    review += "yes: 1\n~: nothing\n"
    lines = review.splitlines()
    error = rejection_of(write_bundle(tmp_path, review_yaml=review))
    found = [(p.where, p.field, p.value) for p in error.problems]
    assert found == [
        (f"line {lines.index('  2024-01-01:') + 1}", "review.2024-01-01", "['a note']"),
        (f"line {lines.index('    123: x') + 1}", "cmocs[0].123", "'x'"),
        (f"line {lines.index('yes: 1') + 1}", "yes", "1"),
        (f"line {lines.index('~: nothing') + 1}", "~", "'nothing'"),
    ]
    assert all(
        p.file == "review.yaml" and p.expected.startswith("a known field name")
        for p in error.problems
    )


def test_a_mistyped_ris_tag_line_is_a_problem_not_part_of_the_field_above(tmp_path: Path) -> None:
    ris = (
        "TY  - JOUR\nID  - doe-2019\nTI - Earlier work\nAB  - An abstract\n"
        "that wraps, AI-driven and UK-wide.\nUK – based teams,  TI - indented text.\nau  - Doe, J.\nPY  -2019\nER  - \n"
    )
    error = rejection_of(write_bundle(tmp_path, review_yaml=LONE_REVIEW, refs_ris=ris))
    expected = (
        "a RIS tag line: a two-character tag, two spaces, a hyphen and a space, then the value "
        "(e.g. 'TI  - A title')"
    )
    assert error.problems == [
        Problem("refs.ris", "line 3", "TI", "'TI - Earlier work'", expected),
        Problem("refs.ris", "line 7", "AU", "'au  - Doe, J.'", expected),
        Problem("refs.ris", "line 8", "PY", "'PY  -2019'", expected),
    ]
    # A line with no tag at all still continues the field above it.
    write_bundle(
        tmp_path,
        refs_ris="\n".join(
            line
            for line in ris.splitlines()
            if "Doe" not in line and "Earlier" not in line and "PY" not in line
        )
        + "\n",
    )
    [source] = [s for s in read_bundle(tmp_path).sources if s.id == "doe-2019"]
    assert source.title is None and source.year is None


def test_sheet_cells_are_trimmed_around_not_inside(tmp_path: Path) -> None:
    csv_text = 'excerpt_id,source,text\n ex-1 ,\tsmith-2020,"  A quote\n  kept inside \n"\n'
    bundle = read_bundle(write_bundle(tmp_path, review_yaml=LONE_REVIEW, extraction_csv=csv_text))
    assert bundle.excerpts == [
        Excerpt(id="ex-1", source="smith-2020", text="A quote\n  kept inside")
    ]


def test_every_excerpt_and_link_field_has_a_column() -> None:
    fields = [*Excerpt.model_fields, *EvidenceLink.model_fields, *Locator.model_fields]
    assert {MODEL_TO_COLUMN.get(f, f) for f in fields if f != "locator"} == set(COLUMNS)
    assert set(REQUIRED) == {EXCERPT_ID, SOURCE, TEXT}


# --- fuzzing --------------------------------------------------------------------------------

_TOKENS = st.sampled_from(
    [*COLUMNS, "ex-1", "smith-2020", "cmoc-r1", "Supports", "supprots", "3", "2.5", "-1"]
    + ['"', '""', ",", ";", "\n", "\r\n", "\r", "\x00", "\ufeff", "é", " ", "\t", "=A1"]
)
_GARBLED = st.lists(st.one_of(_TOKENS, st.text(max_size=12)), max_size=80).map("".join)
_PAYLOADS = st.one_of(
    st.binary(max_size=2000),
    _GARBLED.map(lambda text: text.encode("utf-8")),
    _GARBLED.map(lambda text: text.encode("latin-1", errors="replace")),
    _GARBLED.map(lambda text: (",".join(COLUMNS) + "\n" + text).encode("utf-8")),
)


@pytest.fixture(scope="module")
def fuzz_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    review = REVIEW_YAML.replace(", evidence: [ex-2]", "")
    return write_bundle(
        tmp_path_factory.mktemp("fuzz"), review_yaml=review, references_bib=REFERENCES_BIB
    )


@settings(
    max_examples=int(os.environ.get("CMOGRAPH_FUZZ_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=_PAYLOADS, name=st.sampled_from(["extraction.csv", "extraction.xlsx"]))
def test_garbled_extraction_sheets_only_ever_raise_bundle_invalid(
    fuzz_folder: Path, data: bytes, name: str
) -> None:
    for old in fuzz_folder.glob("extraction.*"):
        old.unlink()
    (fuzz_folder / name).write_bytes(data)
    try:
        read_bundle(fuzz_folder)
    except BundleInvalid as exc:
        assert exc.problems and all(p.file in {name, "references.bib"} for p in exc.problems)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=130), st.from_regex(r"[a-z0-9][a-z0-9-]{0,125}\n?", fullmatch=True)))
def test_is_slug_accepts_exactly_what_the_slug_type_accepts(value: str) -> None:
    assert is_slug(value) == _accepted(TypeAdapter(Slug), value)


def _accepted(adapter: TypeAdapter[str], value: str) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


def test_the_collector_comes_back_on_and_still_frees_cycles_built_while_paused() -> None:
    """In CLI mode, which tests/conftest.py sets for every test."""
    import gc
    import weakref

    from cmograph.ingest.gc_pause import gc_paused

    class Node:
        pass

    assert gc.isenabled()
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # nested: back on only when the outer pause ends
        node = Node()
        node.loop = node  # type: ignore[attr-defined]
        ref = weakref.ref(node)
        del node
    assert gc.isenabled()
    gc.collect()
    assert ref() is None


def test_a_frozen_server_heap_stays_frozen_and_cycles_built_while_paused_are_still_freed() -> None:
    """In server mode, left when the test ends (tests/conftest.py)."""
    import gc
    import weakref

    from cmograph.ingest.gc_pause import freeze_heap, gc_paused

    class Node:
        pass

    freeze_heap()
    frozen = gc.get_freeze_count()
    with gc_paused():
        node = Node()
        node.loop = node  # type: ignore[attr-defined]
        ref = weakref.ref(node)
        del node
    assert gc.isenabled() and gc.get_freeze_count() > 0.9 * frozen  # some frozen objects die meanwhile
    assert ref() is None  # the pause ended with a full collection before freezing again
