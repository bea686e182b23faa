"""Pure HTML -> article-fields extraction (no Scrapy import anywhere in this package).

``extract(html, url, hints=...)`` returns a plain dict of the fields the page states, each with its
provenance; unknown fields are absent. It is used by the crawl pipelines and, because it needs
nothing but the saved HTML, for re-extraction from stored captures and for fixture tests.
"""

from __future__ import annotations

import logging
from typing import Any

from .assemble import build_record

__all__ = ["extract"]

log = logging.getLogger(__name__)


def extract(html: str | bytes, url: str, *, hints: dict[str, Any] | None = None) -> dict[str, Any]:
    """Article fields of one page.

    Keys (each present only when known): ``title``, ``description``, ``authors``, ``published_at``,
    ``modified_at``, ``section``, ``tags``, ``language``, ``body``, ``images``, ``canonical_url``,
    ``site_name``, ``page_type``, ``family``, ``provenance``. Malformed or empty input never
    raises: the result is ``{}`` or a partial dict.
    """
    try:
        return build_record(html, url, hints)
    except Exception:  # extraction of one bad page must never stop a crawl
        log.warning("extraction failed for %s", url, exc_info=True)
        return {}
