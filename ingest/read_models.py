"""Validate raw records against the domain models, turning pydantic errors into located problems."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from cmograph.graph.models import NO_NUL_EXPECTED, NO_NUL_PATTERN, SLUG_PATTERN
from cmograph.ingest.problems import Found, Loc, Origin, Problem, nearest, one_of, slug_expected

# What pydantic's error types mean, in words a reviewer editing a YAML file or sheet knows.
_EXPECTED = {
    "missing": "a value (this field is required)",
    "string_type": "text",
    "string_too_short": "non-empty text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "float_parsing": "a number",
}


@dataclass
class Reading:
    """What readers got out of a bundle's files.

    `items` holds the valid items of each section ("cmocs", "excerpts", "citations", ...).
    `broken` holds the raw data of items that failed validation, so the references they
    make can still be checked, and `broken_ids` their ids, so references to them are not
    reported a second time as unknown. `incomplete` names sections a whole file was lost
    from: references into those are not checked at all.
    """

    items: defaultdict[str, list[Found[Any]]] = field(default_factory=lambda: defaultdict(list))
    broken: defaultdict[str, list[Found[dict]]] = field(default_factory=lambda: defaultdict(list))
    broken_ids: set[str] = field(default_factory=set)
    incomplete: set[str] = field(default_factory=set)

    def update(self, other: Reading) -> None:
        for name, found in other.items.items():
            self.items[name].extend(found)
        for name, raw in other.broken.items():
            self.broken[name].extend(raw)
        self.broken_ids |= other.broken_ids
        self.incomplete |= other.incomplete

    def add_broken(self, section: str, raw: dict, origin: Origin) -> None:
        self.broken[section].append(Found(raw, origin))
        if isinstance(raw.get("id"), str):
            self.broken_ids.add(raw["id"])


def validate_item[M: BaseModel](
    model: type[M], data: object, origin: Origin, problems: list[Problem]
) -> M | None:
    """The model, or None with every validation error added to `problems`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(_problem(model, error, origin) for error in exc.errors(include_url=False))
        return None


def validate_sections(
    model: type[BaseModel], data: object, origin: Origin, problems: list[Problem]
) -> Reading:
    """Validate a whole file (ReviewFile, Bundle) item by item, keeping every valid item.

    Item by item, so one bad CMOC neither hides the problems of the others nor makes
    every reference to the good ones look unknown.
    """
    reading = Reading()
    if not isinstance(data, dict):
        expected = _expected_mapping(model, ())
        # An empty file loads as None: say what belongs in it rather than "got None".
        problems.append(
            origin.problem((), expected) if data is None else origin.problem((), expected, data)
        )
        reading.incomplete |= set(model.model_fields)
        return reading
    for key in data:
        if key not in model.model_fields:
            problems.append(origin.problem((key,), _unknown_field(model, (key,)), value=data[key]))
    for name, info in model.model_fields.items():
        item_model = _model_in(info.annotation)
        many = get_origin(info.annotation) is list
        if name not in data:
            if info.is_required():
                problems.append(origin.problem((name,), _EXPECTED["missing"]))
            continue
        raw = data[name]
        if many and raw is None:
            continue  # `cmocs:` with nothing under it is an empty section
        if item_model is None:
            continue  # not a section of models (ReviewFile and Bundle have none such)
        if not many:
            _collect(reading, name, item_model, raw, origin.at(name), problems)
        elif not isinstance(raw, list):
            problems.append(origin.problem((name,), _EXPECTED["list_type"], value=raw))
            reading.incomplete.add(name)
        else:
            for index, raw_item in enumerate(raw):
                _collect(reading, name, item_model, raw_item, origin.at(name, index), problems)
    return reading


def _collect(
    reading: Reading,
    name: str,
    model: type[BaseModel],
    raw: object,
    origin: Origin,
    problems: list[Problem],
) -> None:
    item = validate_item(model, raw, origin, problems)
    if item is not None:
        reading.items[name].append(Found(item, origin))
    elif isinstance(raw, dict):
        reading.add_broken(name, raw, origin)


def _problem(model: type[BaseModel], error: ErrorDetails, origin: Origin) -> Problem:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return origin.problem(loc, _EXPECTED["missing"])
    if kind == "enum":
        expected = one_of(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
    elif kind == "string_pattern_mismatch" and ctx.get("pattern") == SLUG_PATTERN:
        expected = slug_expected(error["input"])
    elif kind == "string_pattern_mismatch" and ctx.get("pattern") == NO_NUL_PATTERN:
        expected = NO_NUL_EXPECTED
    elif kind == "string_too_long":
        expected = f"at most {ctx.get('max_length')} characters"
    elif kind == "greater_than_equal":
        expected = f"a number no less than {ctx.get('ge')}"
    elif kind == "extra_forbidden":
        expected = _unknown_field(model, loc)
    elif kind in {"model_type", "model_attributes_type", "dict_type"}:
        expected = _expected_mapping(model, loc)
    elif kind == "value_error":  # our own validators word their message as what is expected
        expected = str(ctx.get("error", error["msg"]))
    else:
        msg = error["msg"]
        expected = _EXPECTED.get(kind, msg[:1].lower() + msg[1:])
    return origin.problem(loc, expected, value=error["input"])


def _expected_mapping(model: type[BaseModel], loc: Loc) -> str:
    return f"a mapping of fields ({', '.join(_fields_at(model, loc))})"


def _unknown_field(model: type[BaseModel], loc: Loc) -> str:
    known = _fields_at(model, loc[:-1])
    close = nearest(str(loc[-1]), known, 1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"a known field name: {one_of(known)}{hint}"


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names of the (nested) model that `loc` points into."""
    current = model
    for part in loc:
        if isinstance(part, int):
            continue  # a list index: the item's model is the list's model
        info = current.model_fields.get(part)
        inner = _model_in(info.annotation) if info else None
        if inner is None:
            break
        current = inner
    return list(current.model_fields)


def _model_in(annotation: object) -> type[BaseModel] | None:
    """The model inside an annotation such as `Lineage`, `list[CMOC]` or `Source | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
