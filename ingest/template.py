"""Write an empty review bundle: a commented review.yaml, references.bib and extraction.xlsx."""

from __future__ import annotations

import io
from enum import StrEnum
from pathlib import Path

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cmograph.graph.errors import CmographError
from cmograph.graph.models import (
    ElementKind,
    Fate,
    Relation,
    ScreeningDecision,
    ScreeningStage,
    SourceKind,
    Stage,
)
from cmograph.ingest.columns import BEARS_ON, COLUMNS, EXCERPT_ID, RELATION, SOURCE, TEXT
from cmograph.ingest.read_sheet import SHEET_NAME

REVIEW_FILE = "review.yaml"
BIB_FILE = "references.bib"
SHEET_FILE = "extraction.xlsx"
VOCABULARY_SHEET = "vocabularies"

# The ids the example review.yaml defines and the example sheet row uses.
_SOURCE, _CMOC, _EXCERPT = "example-2020", "cmoc-example", "ex-example"

VOCABULARIES: dict[str, type[StrEnum]] = {
    "relation": Relation,
    "source kind": SourceKind,
    "screening stage": ScreeningStage,
    "screening decision": ScreeningDecision,
    "fate": Fate,
    "element kind": ElementKind,
    "stage": Stage,
}


def _words(vocabulary: type[StrEnum]) -> str:
    return " | ".join(member.value for member in vocabulary)


REVIEW_YAML = f"""\
# review.yaml: the review, its programme theories, CMOC elements, CMOCs and sources.
# Everything marked EXAMPLE shows the shape of an entry: replace it with your review's own.
# Ids are slugs (lower-case letters, digits and hyphens), unique across the whole bundle.
# The format is described in docs/bundle-format.md.

review:
  id: my-review  # EXAMPLE: prefixes every id in the store
  title: "EXAMPLE: the title of the review"
  authors: ["Surname, A."]
  year: 2024
  question: "EXAMPLE: what works, for whom, in what circumstances?"
  # Records screened at each stage, as the review reports them.
  # stage: {_words(ScreeningStage)}
  screening:
    - {{stage: {ScreeningStage.TITLE_ABSTRACT.value}, screened: 0}}
  notes: []  # what the review does not report, and other caveats

theories:
  # EXAMPLE programme theory. stage: {_words(Stage)}
  - id: pt-example
    title: "EXAMPLE theory"
    stage: {Stage.REFINED.value}
    statement: "EXAMPLE: what the theory says."

elements:
  # EXAMPLE elements, shared between CMOCs. kind: {_words(ElementKind)}
  - {{id: ctx-example, kind: {ElementKind.CONTEXT.value}, text: "EXAMPLE context"}}
  - {{id: res-example, kind: {ElementKind.RESOURCE.value}, text: "EXAMPLE mechanism resource"}}
  - {{id: rea-example, kind: {ElementKind.REASONING.value}, text: "EXAMPLE mechanism reasoning"}}
  - {{id: out-example, kind: {ElementKind.OUTCOME.value}, text: "EXAMPLE outcome"}}

cmocs:
  # EXAMPLE CMOC. stage: {_words(Stage)}; context, resource, reasoning and outcome are
  # element ids of the matching kind.
  - id: {_CMOC}
    label: "EXAMPLE CMOC 1"
    stage: {Stage.REFINED.value}
    statement: "EXAMPLE: in context C, resource M(res) triggers reasoning M(rea), giving O."
    theory: pt-example
    context: ctx-example
    resource: res-example
    reasoning: rea-example
    outcome: out-example
    # fate: {_words(Fate)}; into: the CMOCs it was refined or merged into.
    lineage:
      fate: {Fate.CURRENT.value}
      into: []

sources:
  # EXAMPLE source: its id is the BibTeX key or RIS ID of the same source, if cited there.
  # kind: {_words(SourceKind)}
  # screening stage: {_words(ScreeningStage)}; decision: {_words(ScreeningDecision)}
  - id: {_SOURCE}
    kind: {SourceKind.EMPIRICAL_STUDY.value}
    title: "EXAMPLE study"
    included: true
    screening:
      - {{stage: {ScreeningStage.RIGOUR.value}, decision: {ScreeningDecision.INCLUDED.value}}}
"""

REFERENCES_BIB = f"""\
% references.bib: citations as Zotero, EndNote or Mendeley export them (BibTeX).
% The entry key is the source id: use the same slug in review.yaml and in the sheet.
% Any other .bib or .ris file in this folder is read too.
%
% EXAMPLE entry, switched off: BibTeX reads only entries that start with "@", and a
% "%" does not hide one. To use it, remove the "% " at the start of each line and put
% "@" before "article"; then replace it with your own.
%
% article{{{_SOURCE},
%   author  = {{Surname, A. and Other, B.}},
%   title   = {{EXAMPLE: the title of the study}},
%   journal = {{Journal of Examples}},
%   year    = {{2020}},
%   volume  = {{1}},
%   number  = {{2}},
%   pages   = {{3--4}},
%   doi     = {{10.0000/example}},
% }}
"""

# One row consistent with REVIEW_YAML; columns missing here are left empty.
EXAMPLE_ROW: dict[str, object] = {
    EXCERPT_ID: _EXCERPT,
    SOURCE: _SOURCE,
    TEXT: "EXAMPLE: the verbatim quote from the source. Replace this row with your own.",
    "page": "4",
    "section": "Findings",
    "paragraph": 2,
    BEARS_ON: _CMOC,
    RELATION: Relation.SUPPORTS.value,
    "reviewer": "AS",
}


def write_template(folder: Path) -> list[Path]:
    """Write an empty bundle into `folder` (created if missing); never overwrite a file."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise CmographError(f"{folder} is a file; give a folder for the new bundle.")
    contents = {
        folder / REVIEW_FILE: REVIEW_YAML.encode(),
        folder / BIB_FILE: REFERENCES_BIB.encode(),
        folder / SHEET_FILE: _extraction_workbook(),
    }
    existing = [path.name for path in contents if path.exists()]
    if existing:
        raise CmographError(
            f"Not overwriting {', '.join(existing)} in {folder}: choose an empty folder, "
            "or move these files away first."
        )
    folder.mkdir(parents=True, exist_ok=True)
    for path, data in contents.items():
        with path.open("xb") as out:  # "x": a file appearing meanwhile is not overwritten
            out.write(data)
    return list(contents)


def _extraction_workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = SHEET_NAME
    sheet.append(list(COLUMNS))
    sheet.append([EXAMPLE_ROW.get(name) for name in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 60 if name == TEXT else 16

    # Relation is the sheet's only fixed vocabulary: offer it as a dropdown.
    words = [relation.value for relation in Relation]
    dropdown = DataValidation(
        type="list",
        formula1='"' + ",".join(words) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Unknown relation",
        error=f"Choose {', '.join(words)}.",
    )
    column = get_column_letter(COLUMNS.index(RELATION) + 1)
    dropdown.add(f"{column}2:{column}1048576")
    sheet.add_data_validation(dropdown)

    vocabularies = book.create_sheet(VOCABULARY_SHEET)
    vocabularies.append(list(VOCABULARIES))
    for cell in vocabularies[1]:
        cell.font = Font(bold=True)
    for index, vocabulary in enumerate(VOCABULARIES.values(), start=1):
        for row, member in enumerate(vocabulary, start=2):
            vocabularies.cell(row=row, column=index, value=member.value)

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
