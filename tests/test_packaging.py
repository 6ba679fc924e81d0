"""A regular (non-editable) install carries every package, query file, template and the example."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHECK = """
import cmograph.cypher, cmograph.examples, cmograph.graph.models, cmograph.api.app, cmograph.viz
assert cmograph.cypher.__file__.startswith(TARGET), cmograph.cypher.__file__
names = cmograph.cypher.all_files()
assert "read/count_nodes" in names and "stores/falkordb/schema" in names, names
assert cmograph.cypher.query("read/count_nodes").startswith("MATCH")
assert (cmograph.examples.path() / "review.yaml").is_file()
print(len(names))
"""


def source_tree(target: Path) -> Path:
    """The working tree's files as git sees them (no ignored `build/`, whose stale copies a wheel would pick up)."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=REPO,
                            check=True, capture_output=True, text=True).stdout.split("\0")
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)
    return target


def test_wheel_installs_and_finds_its_data(tmp_path: Path) -> None:
    source = source_tree(tmp_path / "src")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(source)],
                   check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("cmograph-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "cmograph/cypher/read/count_nodes.cypher" in names
    assert "cmograph/examples/knight-2024/review.yaml" in names
    assert not any(n.startswith(("api/", "graph/", "tests/", "cmograph/tests/")) for n in names)
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    # PYTHONPATH's path finder runs before the editable install's finder, so this imports the wheel's copy.
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", f"TARGET = {str(target)!r}\n{CHECK}"], env=env, cwd=tmp_path,
                         check=True, capture_output=True, text=True)
    assert int(out.stdout) == len([p for p in (REPO / "cypher").rglob("*.cypher")])
