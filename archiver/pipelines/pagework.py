"""What an extraction worker does with one page, in a module that imports no Scrapy.

The worker processes are forked from a forkserver that preloads this module (``forkserver_preload``), so they
start with the extractor loaded and import nothing on their first page: the function a task names is looked up
in a module they already have (Scrapy alone takes a fifth of a second of CPU to import, in every worker).
"""

from __future__ import annotations

from typing import Any

from archiver.decoding import decode_html
from archiver.extract import extract
from archiver.normalise import body_facts

# fields a registry selector may not set: the body is the extractor's, provenance is the record's own account
NOT_SELECTABLE = frozenset({"body", "provenance"})


def extract_page(page: bytes | str, url: str, content_type: str | None, hints: dict[str, Any] | None,
                 selectors: dict[str, str]) -> dict[str, Any]:
    """Everything the crawl needs from one page, in plain values:

    - ``fields``: the extractor's record fields (``archiver.extract.extract``);
    - ``decoding``: ``(encoding, mismatch, undecodable)`` when ``page`` came as the response's bytes (decoded
      here by ``archiver.decoding.decode_html`` with the response's ``content_type``), else ``None``;
    - ``overrides``: the values of the source's registry ``selectors`` (see ``selector_values``);
    - ``body_facts``: what normalising the body will make of it (``archiver.normalise.body_facts``, computed
      here so that the crawl process need not), with ``body`` left out when it is the body as extracted.
    """
    decoding = None
    if isinstance(page, bytes):
        decoded = decode_html(page, content_type)
        page, decoding = decoded.text, (decoded.encoding, decoded.mismatch, decoded.undecodable)
    fields = extract(page, url, hints=hints)
    facts = None
    if isinstance(fields.get("body"), str):
        found = body_facts(fields["body"])
        facts = (None if found.body == fields["body"] else found.body, found.controls, found.word_count,
                 found.sha256)
    return {"fields": fields, "decoding": decoding, "body_facts": facts,
            "overrides": selector_values(page, selectors) if selectors else {}}


def selector_values(html: str, selectors: dict[str, str]) -> dict[str, list[str]]:
    """Per field of a registry entry's ``[source.selectors]`` (parsel CSS), the whitespace-collapsed texts it
    selects; fields it does not match, and ``NOT_SELECTABLE`` ones, are left out."""
    from parsel import Selector

    page = Selector(text=html)
    found: dict[str, list[str]] = {}
    for field, css in selectors.items():
        if field in NOT_SELECTABLE:
            continue
        values = [" ".join(v.split()) for v in page.css(css).getall() if v.strip()]
        if values:
            found[field] = values
    return found
