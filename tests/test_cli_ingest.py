"""`cmograph ingest` as a user runs it: the example, a second run, and broken bundles that change nothing."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from cmograph import examples
from tests.conftest import cli


def review_summary(store: Path) -> dict[str, object]:
    info = json.loads(cli("info", "--json", store=store, check=True).stdout)
    return {"reviews": info["reviews"], "nodes": info["nodes"], "relationships": info["relationships"]}


@pytest.fixture(scope="module")
def example_on_disk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("cli-ingest") / "cmograph.db"
    first = cli("ingest", "example", "--json", store=store, check=True)
    report = json.loads(first.stdout)
    assert report["changed"] and report["created"]["Excerpt"] == 41
    return store


def test_example_ingest_then_info(example_on_disk: Path) -> None:
    info = json.loads(cli("info", "--json", store=example_on_disk, check=True).stdout)
    [review] = info["reviews"]
    assert review["id"] == "knight-2024"
    assert (review["theories"], review["refined_cmocs"], review["initial_cmocs"]) == (4, 6, 9)
    kinds = {k["kind"]: k["count"] for k in review["sources_by_kind"]}
    assert kinds == {"empirical_study": 22, "policy_document": 11, "key_informant_interview": 5, "review": 1,
                     "other": 0}
    assert review["sources"] == 39


def test_second_ingest_reports_no_changes(example_on_disk: Path) -> None:
    before = review_summary(example_on_disk)
    again = cli("ingest", "example", store=example_on_disk, check=True)
    assert "no changes" in again.stdout
    assert review_summary(example_on_disk) == before


def broken_copy(tmp_path: Path) -> Path:
    bundle = tmp_path / "broken"
    shutil.copytree(examples.path(), bundle)
    return bundle


def rewrite_sheet(bundle: Path, edit) -> None:  # type: ignore[no-untyped-def]
    path = bundle / "extraction.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    fields, rows = edit(list(rows[0].keys()), rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def assert_rejected_unchanged(store: Path, bundle: Path, *expected: str) -> str:
    before = review_summary(store)
    proc = cli("ingest", str(bundle), store=store)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    message = " ".join(proc.stderr.split())
    for phrase in expected:
        assert phrase in message, f"{phrase!r} not in:\n{proc.stderr}"
    assert review_summary(store) == before
    return message


def test_broken_bundle_reports_every_problem_and_writes_nothing(example_on_disk: Path, tmp_path: Path) -> None:
    bundle = broken_copy(tmp_path)

    def break_rows(fields: list[str], rows: list[dict[str, str]]):  # type: ignore[no-untyped-def]
        linked = [r for r in rows if r["bears_on"]]
        linked[0]["relation"] = "supprots"
        citing = next(r for r in rows if "harlock-2020" in r["cites"] and r is not linked[0])
        citing["cites"] = citing["cites"].replace("harlock-2020", "harlok-2020")
        return fields, rows

    rewrite_sheet(bundle, break_rows)
    with (bundle / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write("\n@article{broken-entry,\n  title = {Never closed\n")
    # A sheet saved by an old Excel: a cp1252 curly quote (byte 0x93) where UTF-8 was expected.
    sheet = bundle / "extraction.csv"
    sheet.write_bytes(sheet.read_bytes().replace(b"Empirical studies emphasise", b"Empirical studies \x93emphasise", 1))
    message = assert_rejected_unchanged(
        example_on_disk, bundle,
        "field 'relation': got 'supprots'; expected one of supports, refines, contests",
        "field 'cites': got 'harlok-2020'; expected a known source id (nearest: harlock-2020",
        "references.bib, line",
        "expected UTF-8 text",
    )
    assert message.count("extraction.csv, row") >= 2


def test_missing_required_column(example_on_disk: Path, tmp_path: Path) -> None:
    bundle = broken_copy(tmp_path)
    rewrite_sheet(bundle, lambda fields, rows: ([f for f in fields if f != "text"], rows))
    assert_rejected_unchanged(example_on_disk, bundle, "extraction.csv, row 1", "text")


def test_lone_bib_file_is_refused(example_on_disk: Path) -> None:
    assert_rejected_unchanged(example_on_disk, examples.path() / "references.bib", "review.yaml")


@pytest.mark.parametrize("part", ["bundle", "review"])
def test_committed_json_schema_matches_the_models(part: str) -> None:
    from cmograph.cli.ingest_cmds import bundle_schema

    committed = Path(__file__).resolve().parents[1] / "docs" / f"{part}.schema.json"
    assert committed.read_text(encoding="utf-8") == bundle_schema(part), (
        f"docs/{part}.schema.json is stale: run `cmograph schema {part} > docs/{part}.schema.json`")
