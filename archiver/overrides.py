"""``-s NAME=VALUE`` settings given on the command line, read without importing Scrapy.

Every command that runs a crawl takes them, and ``archiver crawl`` reads one of them
(``ARCHIVER_EXTRACT_PROCESSES``) before Scrapy is even imported, to start its extraction workers early.
"""

from __future__ import annotations


def setting_pair(pair: str) -> tuple[str, str]:
    """``-s NAME=VALUE`` as (name, value); a ValueError naming the argument otherwise."""
    name, sep, value = pair.partition("=")
    if not sep or not name:
        raise ValueError(f"-s {pair!r}: give NAME=VALUE")
    return name, value


def setting_overrides(pairs: list[str] | None) -> dict[str, str]:
    """The ``-s`` arguments as a dict, a later one for the same name winning; a ValueError for a bad one."""
    return dict(setting_pair(pair) for pair in pairs or [])
