"""Downloader middlewares: how archiver copes with a site that misbehaves on the wire.

Each module has one job, and each failure it finds reaches the request's errback as an exception whose class
``archiver.spiders.base`` maps to a counted drop reason:

- ``backoff``: retries that wait on the site's own downloader slot (``Retry-After`` honoured), and a scheduler
  queue that gives a waiting site no more of the crawl's capacity, so a site that answers 429 slows only itself;
- ``content_coding``: a compressed body that stops before its end marker is ``truncated``, never decoded
  leniently into half a page;
- ``redirects``: redirects and meta refreshes judged by the request's source (host and port), loops and long
  chains ending with a reason instead of vanishing in Scrapy's duplicate filter.
"""

from archiver.middlewares.backoff import (
    BackoffAwarePriorityQueue,
    BackoffRetryMiddleware,
    parse_retry_after,
    retry_after_seconds,
)
from archiver.middlewares.content_coding import (
    CompleteContentCodingMiddleware,
    CorruptContentCoding,
    DecompressedTooLarge,
    IncompleteContentCoding,
    check_codings,
    check_gzip_file,
)
from archiver.middlewares.redirects import (
    InvalidRedirect,
    OffsiteRedirect,
    RedirectLoop,
    SiteMetaRefreshMiddleware,
    SiteRedirectMiddleware,
    TooManyRedirects,
)

__all__ = [
    "BackoffAwarePriorityQueue",
    "BackoffRetryMiddleware",
    "CompleteContentCodingMiddleware",
    "CorruptContentCoding",
    "DecompressedTooLarge",
    "IncompleteContentCoding",
    "InvalidRedirect",
    "OffsiteRedirect",
    "RedirectLoop",
    "SiteMetaRefreshMiddleware",
    "SiteRedirectMiddleware",
    "TooManyRedirects",
    "check_codings",
    "check_gzip_file",
    "parse_retry_after",
    "retry_after_seconds",
]
