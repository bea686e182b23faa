"""Candidate values with their provenance, kept in order of trust.

Each source of evidence (structured metadata, a site rule set, the general fallback, discovery
hints) adds candidates for the fields it knows; the assembler then takes the first usable one.
Keeping every candidate until the end, rather than overwriting, is what lets each field say where
it came from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Candidate:
    """One proposed value for a field and where it was found (e.g. ``"meta:og:title"``)."""

    value: Any
    source: str


@dataclass
class Evidence:
    """Candidates per field, in the order they were added."""

    fields: dict[str, list[Candidate]] = field(default_factory=dict)
    # the page's <meta> elements, in document order: read once here, and again by the date search
    # (locale, site-specific publication metas), where another walk of a large page cost 0.5 ms
    meta_elements: list[Any] = field(default_factory=list)

    def add(self, name: str, value: Any, source: str) -> None:
        """Add a candidate; empty values (``None``, ``""``, ``[]``) are ignored."""
        if value is None or (isinstance(value, (str, list, tuple, dict)) and not value):
            return
        if isinstance(value, str) and not value.strip():
            return
        self.fields.setdefault(name, []).append(Candidate(value, source))

    def get(self, name: str) -> list[Candidate]:
        """Candidates for ``name`` (possibly none)."""
        return self.fields.get(name, [])

    def first(self, name: str) -> Candidate | None:
        """The most trusted candidate for ``name``."""
        found = self.get(name)
        return found[0] if found else None

    def __iter__(self) -> Iterator[str]:
        return iter(self.fields)
