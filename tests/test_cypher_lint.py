"""Every .cypher file passes Neo4j's Cypher linter (tools/cypher-lint/lint.mjs)."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "cypher-lint"
SUMMARY = re.compile(r"^cypher-lint: (\d+) files, (\d+) diagnostics$", re.M)


@pytest.fixture(scope="module")
def lint():
    if not (TOOL / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=TOOL, check=True)

    def run(folder: Path | str) -> tuple[int, str, int, int]:
        proc = subprocess.run(
            ["node", str(TOOL / "lint.mjs"), str(folder)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        match = SUMMARY.search(proc.stdout)
        assert match, proc.stdout + proc.stderr
        return proc.returncode, proc.stdout, int(match[1]), int(match[2])

    return run


def test_cypher_files_lint_clean(lint):
    code, out, files, diagnostics = lint("cypher")
    assert (code, diagnostics) == (0, 0), out
    assert files == len(list((ROOT / "cypher").rglob("*.cypher")))


def test_linter_flags_syntax_errors_and_unknown_procedures(lint, tmp_path):
    (tmp_path / "syntax.cypher").write_text("MATCH (n RETURN n\n")
    (tmp_path / "procedure.cypher").write_text(
        "CALL db.idx.fulltext.queryNodes('Excerpt', $query) YIELD node RETURN node\n"
    )
    code, out, files, diagnostics = lint(tmp_path)
    assert (code, files, diagnostics) == (1, 2, 2), out
    assert "syntax.cypher:1:" in out and "procedure.cypher:1:" in out, out
