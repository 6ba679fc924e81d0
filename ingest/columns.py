"""The extraction sheet's columns, defined once for the reader and the template."""

from __future__ import annotations

from typing import get_args

from cmograph.graph.models import EvidenceLink, Locator

EXCERPT_ID = "excerpt_id"
SOURCE = "source"
TEXT = "text"
CITES = "cites"
BEARS_ON = "bears_on"
RELATION = "relation"

# Where the quote stands: one column per Locator field.
LOCATOR_COLUMNS: tuple[str, ...] = tuple(Locator.model_fields)
# The reviewer's judgement beyond excerpt, target and relation (reviewer, rationale).
JUDGEMENT_COLUMNS: tuple[str, ...] = tuple(
    name for name in EvidenceLink.model_fields if name not in {"excerpt", "target", "relation"}
)

COLUMNS: tuple[str, ...] = (
    EXCERPT_ID,
    SOURCE,
    TEXT,
    *LOCATOR_COLUMNS,
    CITES,
    BEARS_ON,
    RELATION,
    *JUDGEMENT_COLUMNS,
)
# Excerpt field -> the column holding it; these columns are required.
EXCERPT_COLUMNS: dict[str, str] = {"id": EXCERPT_ID, "source": SOURCE, "text": TEXT}
REQUIRED: tuple[str, ...] = tuple(EXCERPT_COLUMNS.values())
# Locator fields typed as whole numbers (paragraph, char_start, char_end).
WHOLE_NUMBER_COLUMNS: frozenset[str] = frozenset(
    name for name, info in Locator.model_fields.items() if int in get_args(info.annotation)
)
# Model fields that the sheet names differently, so problems use the sheet's words.
MODEL_TO_COLUMN: dict[str, str] = {**EXCERPT_COLUMNS, "excerpt": EXCERPT_ID, "target": BEARS_ON}
# Ids in a list cell; ids never contain either, so both separators are safe to accept.
LIST_SEPARATORS = ";,"
