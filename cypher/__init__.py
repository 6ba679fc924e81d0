"""Cypher query files, loaded as package data so they ship with the wheel."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

_NAME = re.compile(r"^//\s*name:\s*(\S+)\s*$", re.MULTILINE)


@cache
def query(name: str) -> str:
    """The text of `cypher/<name>.cypher`, e.g. `query("read/support")`."""
    return files(__name__).joinpath(f"{name}.cypher").read_text(encoding="utf-8")


@cache
def statements(name: str) -> dict[str, str]:
    """Named statements of a multi-statement file (`// name: x` headers, `;` ends each)."""
    text = query(name)
    parts = _NAME.split(text)[1:]
    return {key: _statement(body) for key, body in zip(parts[::2], parts[1::2], strict=True)}


def _statement(body: str) -> str:
    # Comment lines between statements belong to no statement; FalkorDB rejects a trailing `;`.
    lines = [line for line in body.splitlines() if not line.lstrip().startswith("//")]
    return "\n".join(lines).strip().rstrip(";").strip()


def all_files() -> list[str]:
    """Every query file's name, for the conformance test and the linter."""
    root = files(__name__)
    found: list[str] = []

    def walk(node, prefix: str) -> None:  # type: ignore[no-untyped-def]
        for child in node.iterdir():
            if child.is_dir():
                walk(child, f"{prefix}{child.name}/")
            elif child.name.endswith(".cypher"):
                found.append(prefix + child.name.removesuffix(".cypher"))

    walk(root, "")
    return sorted(found)
