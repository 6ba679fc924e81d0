"""Built-in example reviews, shipped as package data and loadable by name."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

DEFAULT = "knight-2024"


def names() -> list[str]:
    return sorted(p.name for p in files(__name__).iterdir() if p.is_dir() and not p.name.startswith("_"))


def path(name: str = DEFAULT) -> Path:
    """The folder of a built-in example bundle."""
    with as_file(files(__name__).joinpath(name)) as folder:
        return Path(folder)
