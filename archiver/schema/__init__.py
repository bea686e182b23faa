"""The Article JSON Schema and a cached validator for it."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator


@cache
def article_schema() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("article.schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def article_validator() -> Draft202012Validator:
    return Draft202012Validator(article_schema())


def schema_errors(record: dict[str, Any]) -> list[str]:
    """Every way ``record`` breaks the schema, as short readable lines (empty when valid)."""
    validator = article_validator()
    if validator.is_valid(record):  # the common case, cheaper than collecting errors
        return []
    errors = sorted(validator.iter_errors(record), key=lambda e: list(e.path))
    return [f"{'/'.join(map(str, e.path)) or '<record>'}: {e.message}" for e in errors]
