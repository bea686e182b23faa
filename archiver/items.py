"""The two values that travel through a crawl.

``Page`` is what a spider hands on: a fetched response that discovery believes is an article, with the
response's bytes and Content-Type (decoded where it is extracted, off the reactor thread) and the hints
discovery gathered (listing date, how it was found); a page already decoded may carry ``html`` instead.
``Article`` is the archived record; its fields mirror ``archiver/schema/article.schema.json`` one to one, so an
item that leaves the pipelines can be validated and written as it is.
"""

from __future__ import annotations

import scrapy

# 2: records gain ``capture`` (where the response they were made from is kept) and ``extractor`` (the archiver
# version that made them). Version 1 records, without either, stay valid.
SCHEMA_VERSION = 2


class Page(scrapy.Item):
    """A fetched page on its way to extraction (never archived itself)."""

    url = scrapy.Field()
    body = scrapy.Field()  # the response's bytes, as received
    content_type = scrapy.Field()  # the response's Content-Type header (lower case), for decoding the bytes
    html = scrapy.Field()  # or the page as text, for a page already decoded
    http_status = scrapy.Field()
    fetched_at = scrapy.Field()
    source = scrapy.Field()
    encoding = scrapy.Field()
    discovered_via = scrapy.Field()
    hints = scrapy.Field()
    capture = scrapy.Field()  # the response's capture pointer (``archiver.captures``), when captures are on


class Article(scrapy.Item):
    """One archived article record (see the JSON Schema for each field's meaning)."""

    schema_version = scrapy.Field()
    id = scrapy.Field()
    url = scrapy.Field()
    canonical_url = scrapy.Field()
    source = scrapy.Field()
    source_kind = scrapy.Field()
    country = scrapy.Field()
    site_name = scrapy.Field()
    title = scrapy.Field()
    description = scrapy.Field()
    authors = scrapy.Field()
    published_at = scrapy.Field()
    modified_at = scrapy.Field()
    section = scrapy.Field()
    tags = scrapy.Field()
    language = scrapy.Field()
    body = scrapy.Field()
    word_count = scrapy.Field()
    images = scrapy.Field()
    content_sha256 = scrapy.Field()
    revision = scrapy.Field()
    previous_sha256 = scrapy.Field()
    sitemap_lastmod = scrapy.Field()
    fetched_at = scrapy.Field()
    http_status = scrapy.Field()
    run_id = scrapy.Field()
    provenance = scrapy.Field()
    capture = scrapy.Field()
    extractor = scrapy.Field()
