"""`cmograph ingest`, `template` and `schema`: bring review bundles into the store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cmograph import examples
from cmograph.cli.output import console, print_json, table
from cmograph.cli.state import CliState
from cmograph.graph.errors import CmographError
from cmograph.graph.models import Bundle, ReviewFile
from cmograph.ingest.report import IngestReport

PROGRESS_FROM = 20_000  # rows; smaller ingests finish before a bar is worth drawing


def resolve_bundle_path(target: str) -> Path:
    """`example` or `example:NAME` names a built-in review; anything else is a path."""
    if target == "example" or target.startswith("example:"):
        name = target.partition(":")[2] or examples.DEFAULT
        if name not in examples.names():
            raise CmographError(f"No built-in example {name!r}; there is: {', '.join(examples.names())}.")
        return examples.path(name)
    path = Path(target).expanduser()
    if not path.exists():
        raise CmographError(f"{path} does not exist; give a bundle folder, a review.yaml, or 'example'.")
    return path


def _print_report(report: IngestReport) -> None:
    if not report.changed:
        console.print(f"Review {report.review}: no changes "
                      f"({report.nodes} nodes, {report.relationships} relationships).")
        return
    kinds = sorted(set(report.created) | set(report.updated) | set(report.removed))
    console.print(table(f"Review {report.review}: ingested", ["kind", "created", "updated", "removed"],
                        [(k, report.created[k], report.updated[k], report.removed[k]) for k in kinds]))


def ingest(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="A bundle folder, a review.yaml/bundle.json, or 'example'.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Validate a review bundle, then write it to the store whole or not at all."""
    # The readers pull in openpyxl, bibtexparser and yaml: only commands that read bundles pay for them.
    from cmograph.ingest.bundle_reader import read_bundle
    from cmograph.ingest.load import ingest_bundle

    state: CliState = ctx.obj
    bundle = read_bundle(resolve_bundle_path(target))
    store = state.store()
    rows = len(bundle.excerpts) * 3 + len(bundle.links) + len(bundle.sources)
    if as_json or rows < PROGRESS_FROM:
        report = ingest_bundle(store, bundle)
    else:
        with Progress(TextColumn("writing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task("rows", total=None)
            report = ingest_bundle(store, bundle, lambda done, total: bar.update(task, completed=done, total=total))
    if as_json:
        print_json(report.as_dict())
    else:
        _print_report(report)


def template(folder: Annotated[Path, typer.Argument(help="Folder to write the empty bundle into.")]) -> None:
    """Write an empty bundle: review.yaml, references.bib and an XLSX extraction sheet."""
    from cmograph.ingest.template import write_template

    for path in write_template(folder):
        console.print(f"wrote {path}")


SCHEMAS = {"bundle": Bundle, "review": ReviewFile}


def bundle_schema(part: str) -> str:
    """The JSON Schema text of a whole bundle.json or of review.yaml, as committed under docs/."""
    return json.dumps(SCHEMAS[part].model_json_schema(), indent=2, ensure_ascii=False) + "\n"


def schema(
    part: Annotated[str, typer.Argument(help="'bundle' (a whole bundle.json) or 'review' (review.yaml).")] = "bundle",
) -> None:
    """Print the JSON Schema of the bundle format, generated from the domain models."""
    if part not in SCHEMAS:
        raise CmographError(f"No schema {part!r}; choose one of: {', '.join(SCHEMAS)}.")
    print(bundle_schema(part), end="")


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(template)
    app.command()(schema)
