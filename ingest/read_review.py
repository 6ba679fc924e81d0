"""Read review.yaml / review.json (or a whole bundle as JSON) into validated, located items."""

from __future__ import annotations

import json
from collections.abc import Callable

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from cmograph.graph.models import Bundle, ReviewFile
from cmograph.ingest.problems import Loc, Origin, Problem, render_path, shown
from cmograph.ingest.read_models import Reading, validate_sections
from cmograph.ingest.read_text import decode_utf8, within_limit

# libyaml's parser where PyYAML was built with it: about six times faster on a review file listing
# thousands of sources, with the same nodes, marks and errors.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Top-level keys that make a JSON file a whole bundle rather than a review file.
_BUNDLE_ONLY_KEYS = set(Bundle.model_fields) - set(ReviewFile.model_fields)

LineFinder = Callable[[Loc], int | None]
_STR_TAG, _MERGE_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"


def read_review(
    file: str, data: bytes, problems: list[Problem], allow_bundle: bool = False
) -> Reading:
    """Validate a review file; with `allow_bundle`, a JSON file holding excerpts or links is
    read as a whole Bundle."""
    lost = Reading(incomplete=set(Bundle.model_fields))
    text = decode_utf8(file, data, problems)
    if text is None:
        return lost
    load = _load_json if file.lower().endswith(".json") else _load_yaml
    loaded = load(file, text, problems)
    if loaded is None:
        return lost
    content, lines = loaded
    origin = Origin(file, lines=lines)
    _check_lengths(content, origin, problems)
    is_bundle = (
        allow_bundle and isinstance(content, dict) and bool(_BUNDLE_ONLY_KEYS & content.keys())
    )
    return validate_sections(Bundle if is_bundle else ReviewFile, content, origin, problems)


def _load_json(
    file: str, text: str, problems: list[Problem]
) -> tuple[object, LineFinder | None] | None:
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        where, reason = f"line {exc.lineno}, column {exc.colno}", exc.msg
    except (ValueError, RecursionError) as exc:  # e.g. a number with 5,000 digits, deep nesting
        where, reason = None, str(exc).split(";")[0] or type(exc).__name__
    problems.append(Problem(file, where, expected=f"valid JSON ({reason})"))
    return None


def _load_yaml(
    file: str, text: str, problems: list[Problem]
) -> tuple[object, LineFinder | None] | None:
    """Parse once into nodes (which know their lines), then build the data from the nodes."""
    where: str | None = None
    value: str | None = None
    loader: yaml.SafeLoader | None = None
    try:
        loader = _Loader(text)
        root = loader.get_single_node()
        if root is None:
            return None, None
        _check_duplicate_keys(file, root, problems)
        _keys_as_written(root)
        return loader.construct_document(root), _line_finder(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if mark is not None:
            where = f"line {mark.line + 1}, column {mark.column + 1}"
        reason = exc.problem or exc.context or "unreadable YAML"
    except ReaderError as exc:
        where = f"line {text.count(chr(10), 0, exc.position) + 1}"
        character = chr(exc.character) if isinstance(exc.character, int) else exc.character
        value, reason = shown(character), exc.reason
    except (yaml.YAMLError, ValueError, RecursionError) as exc:  # bad dates, huge ints, nesting
        # The first clause only: Python's advice on int_max_str_digits is not for reviewers.
        reason = str(exc).split(";")[0].splitlines()[0] if str(exc) else type(exc).__name__
    finally:
        if loader is not None:
            loader.dispose()
    problems.append(Problem(file, where, value=value, expected=f"valid YAML ({reason})"))
    return None


def _keys_as_written(root: Node) -> None:
    """Read every plain mapping key as the text written, so `yes:` or `2024-01-01:` stays a
    key named as in the file (not True or a date) and problems name and locate it as such.

    No field of a review file is keyed by anything but a name; merge keys (`<<`) are kept.
    """
    seen: set[int] = set()  # aliases share nodes: visit each once
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode) and key_node.tag not in {_STR_TAG, _MERGE_TAG}:
                    key_node.tag = _STR_TAG
                stack.extend((key_node, value_node))
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)


def _line_finder(root: Node) -> LineFinder:
    """Map a path such as ("cmocs", 3, "lineage", "fate") to a line: that of the last key
    found in it (the field a problem names), or of the list item the path ends in."""

    def line_of(loc: Loc) -> int | None:
        node, line = root, root.start_mark.line + 1
        for part in loc:
            if isinstance(node, MappingNode):
                pair = next(((k, v) for k, v in node.value if _key(k) == part), None)
                if pair is None:
                    break
                line, node = pair[0].start_mark.line + 1, pair[1]
            elif (
                isinstance(node, SequenceNode)
                and isinstance(part, int)
                and 0 <= part < len(node.value)
            ):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        return line

    return line_of


def _key(node: Node) -> str | None:
    return node.value if isinstance(node, ScalarNode) else None


def _check_duplicate_keys(file: str, root: Node, problems: list[Problem]) -> None:
    """YAML silently keeps the last of two equal keys; a second `cmocs:` would lose the first."""
    seen: set[int] = set()  # aliases share nodes: visit each once
    stack: list[tuple[Loc, Node]] = [((), root)]
    while stack:
        loc, node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            first: dict[str, Node] = {}
            for key_node, value_node in node.value:
                key = _key(key_node)
                if key is not None and key != "<<":  # "<<" is the merge key, repeatable
                    if key in first:
                        problems.append(
                            Problem(
                                file,
                                f"line {key_node.start_mark.line + 1}",
                                render_path((*loc, key)),
                                expected=(
                                    "each key once in a mapping (first at line "
                                    f"{first[key].start_mark.line + 1}; YAML keeps only the last)"
                                ),
                            )
                        )
                    first.setdefault(key, key_node)
                stack.append(((*loc, key if key is not None else "?"), value_node))
        elif isinstance(node, SequenceNode):
            stack.extend(((*loc, index), child) for index, child in enumerate(node.value))


def _check_lengths(content: object, origin: Origin, problems: list[Problem]) -> None:
    seen: set[int] = set()
    stack: list[tuple[Loc, object]] = [((), content)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, str):
            within_limit(value, origin, loc, problems)
        elif isinstance(value, dict | list) and id(value) not in seen:
            seen.add(id(value))
            pairs = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend(
                ((*loc, key if isinstance(key, int | str) else str(key)), item)
                for key, item in pairs
            )
