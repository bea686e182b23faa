"""Errors of the PostgreSQL state backend that callers may need without importing psycopg."""

from __future__ import annotations


class StateUnavailable(RuntimeError):
    """The state database could not be reached (or reached again) in time; the operation did not happen."""
