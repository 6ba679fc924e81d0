"""The bundle template: it reads back as a valid bundle, and never overwrites a file."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from cmograph.graph.errors import CmographError
from cmograph.graph.models import ElementKind, Fate, Relation, ScreeningStage, SourceKind
from cmograph.ingest.bundle_reader import read_bundle
from cmograph.ingest.columns import COLUMNS, RELATION
from cmograph.ingest.template import write_template


def test_template_reads_back_as_a_valid_bundle(tmp_path: Path) -> None:
    written = write_template(tmp_path / "new-review")

    assert [p.name for p in written] == ["review.yaml", "references.bib", "extraction.xlsx"]
    bundle = read_bundle(tmp_path / "new-review")
    assert bundle.review.id == "my-review"
    assert [c.id for c in bundle.cmocs] == ["cmoc-example"]
    assert [s.id for s in bundle.sources] == ["example-2020"]  # the .bib example is switched off
    [excerpt] = bundle.excerpts
    [link] = bundle.links
    assert (excerpt.source, link.target, link.relation) == (
        "example-2020",
        "cmoc-example",
        "supports",
    )
    assert "EXAMPLE" in (tmp_path / "new-review" / "review.yaml").read_text()


def test_extraction_sheet_has_the_shared_header_and_a_relation_dropdown(tmp_path: Path) -> None:
    write_template(tmp_path)
    book = openpyxl.load_workbook(tmp_path / "extraction.xlsx")
    sheet = book["extraction"]

    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    [dropdown] = sheet.data_validations.dataValidation  # relation is the only fixed vocabulary
    assert dropdown.type == "list"
    assert dropdown.formula1 == '"' + ",".join(r.value for r in Relation) + '"'
    relation_column = get_column_letter(COLUMNS.index(RELATION) + 1)
    assert str(dropdown.sqref) == f"{relation_column}2:{relation_column}1048576"

    vocabularies = book["vocabularies"]
    columns = {
        column[0].value: [cell.value for cell in column[1:] if cell.value is not None]
        for column in vocabularies.iter_cols()
    }
    for name, vocabulary in [
        ("relation", Relation),
        ("source kind", SourceKind),
        ("screening stage", ScreeningStage),
        ("fate", Fate),
        ("element kind", ElementKind),
    ]:
        assert columns[name] == [member.value for member in vocabulary]


def test_template_refuses_to_overwrite_and_names_the_files(tmp_path: Path) -> None:
    (tmp_path / "review.yaml").write_text("mine")
    (tmp_path / "extraction.xlsx").write_bytes(b"mine too")

    with pytest.raises(CmographError, match=r"review\.yaml, extraction\.xlsx"):
        write_template(tmp_path)

    assert (tmp_path / "review.yaml").read_text() == "mine"
    assert not (tmp_path / "references.bib").exists()  # all or nothing


def test_template_refuses_a_file_as_the_folder(tmp_path: Path) -> None:
    (tmp_path / "bundle").write_text("")
    with pytest.raises(CmographError, match="is a file"):
        write_template(tmp_path / "bundle")
