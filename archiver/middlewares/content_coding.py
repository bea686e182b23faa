"""A compressed body that stops before its end marker is a truncated page, not a shorter one.

A server (or a proxy between) can cut a gzip body and still send a ``Content-Length`` that matches what it cut,
so the transport sees a complete response. Scrapy's HttpCompressionMiddleware then decodes leniently, returning
whatever the partial stream held (by design: it keeps pages from servers with broken checksums), and the crawl
would archive the first half of a page as if it were the whole. This middleware sits just above it (a higher
priority number runs first on responses), reads the body as sent, and checks that every content coding Scrapy
is about to decode really ends: a gzip member with its trailer, a zlib or raw deflate stream with its final
block, a brotli stream marked finished, zstd frames complete. A body that does not is retried like a short read
(Scrapy retries ``ResponseDataLossError`` too) and then fails as ``IncompleteContentCoding``, which the spiders
count as ``truncated``, for articles and discovery documents alike.

A body that is itself a gzip file (a ``sitemap.xml.gz`` sent without a content coding) is checked the same way,
since the sitemap reader also gunzips leniently. Decoding here is bounded by ``DOWNLOAD_MAXSIZE`` just as
Scrapy's is, and a bomb that exceeds it fails as ``DecompressedTooLarge`` (counted ``too_large``).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from typing import Any

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Request, Response

try:
    import brotli
except ImportError:  # pragma: no cover - Scrapy needs one of the two
    try:
        import brotlicffi as brotli
    except ImportError:
        brotli = None
try:
    from compression import zstd  # type: ignore[import-not-found]  # Python 3.14+
except ImportError:
    try:
        from backports import zstd
    except ImportError:  # pragma: no cover
        zstd = None

_CHUNK = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b\x08"


class IncompleteContentCoding(Exception):
    """The compressed body ends before its stream does: part of the page was never sent."""


class CorruptContentCoding(Exception):
    """The compressed body is not a valid stream of its coding (bad data or checksum)."""


class DecompressedTooLarge(Exception):
    """The body decodes to more than DOWNLOAD_MAXSIZE bytes."""


class _Output:
    """Counts decoded bytes against the size limit; keeps them only when another layer needs them."""

    def __init__(self, max_size: int, keep: bool) -> None:
        self.max_size = max_size
        self.keep = keep
        self.size = 0
        self.parts: list[bytes] = []

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.max_size and self.size > self.max_size:
            raise DecompressedTooLarge(f"decodes to more than {self.max_size} bytes")
        if self.keep and chunk:
            self.parts.append(chunk)

    def value(self) -> bytes:
        return b"".join(self.parts)


def _zlib_stream(data: bytes, wbits: int, out: _Output) -> bytes:
    """Decode one zlib/gzip/raw-deflate stream; return the input after its end. Raises if it does not end."""
    decoder = zlib.decompressobj(wbits)
    chunk = decoder.decompress(data, _CHUNK)
    while True:
        out.add(chunk)
        if decoder.eof or (not chunk and not decoder.unconsumed_tail):
            break
        chunk = decoder.decompress(decoder.unconsumed_tail, _CHUNK)
    if not decoder.eof:
        raise IncompleteContentCoding("stream ends before its end marker")
    return decoder.unused_data


def _gzip(data: bytes, out: _Output) -> None:
    rest = data
    while True:  # a gzip body may hold several members; after the last, only padding may follow
        rest = _zlib_stream(rest, 16 + zlib.MAX_WBITS, out)
        if not rest.startswith(b"\x1f\x8b"):
            return


def _deflate(data: bytes, out: _Output) -> None:
    # HTTP "deflate" is a zlib stream, but some servers send raw deflate: try both, as Scrapy does.
    try:
        zlib.decompressobj().decompress(data[:_CHUNK], 1)
    except zlib.error:
        _zlib_stream(data, -zlib.MAX_WBITS, out)
    else:
        _zlib_stream(data, zlib.MAX_WBITS, out)


def _brotli(data: bytes, out: _Output) -> None:
    decoder = brotli.Decompressor()
    chunk = decoder.process(data, output_buffer_limit=_CHUNK)
    while True:
        out.add(chunk)
        if decoder.is_finished() or not chunk:
            break
        chunk = decoder.process(b"", output_buffer_limit=_CHUNK)
    if not decoder.is_finished():
        raise IncompleteContentCoding("stream ends before its end marker")


def _zstd(data: bytes, out: _Output) -> None:
    rest = data
    while rest:  # one or more frames
        decoder = zstd.ZstdDecompressor()
        chunk = decoder.decompress(rest, max_length=_CHUNK)
        while True:
            out.add(chunk)
            if decoder.eof or decoder.needs_input:
                break
            chunk = decoder.decompress(b"", max_length=_CHUNK)
        if not decoder.eof:
            raise IncompleteContentCoding("frame ends before its end marker")
        rest = decoder.unused_data


_DECODERS: dict[bytes, Callable[[bytes, _Output], None]] = {b"gzip": _gzip, b"x-gzip": _gzip, b"deflate": _deflate}
_ERRORS: list[type[BaseException]] = [zlib.error]
if brotli is not None:
    _DECODERS[b"br"] = _brotli
    _ERRORS.append(brotli.error)
if zstd is not None:
    _DECODERS[b"zstd"] = _zstd
    _ERRORS.append(zstd.ZstdError)


def codings_to_decode(header_values: Iterable[bytes]) -> list[bytes]:
    """The codings Scrapy's HttpCompressionMiddleware will undo, outermost first: from the last one named,
    as long as each is one it supports (it stops at the first it does not)."""
    named = [token.strip().lower() for value in header_values for token in value.split(b",")]
    decode: list[bytes] = []
    while named and named[-1] in _DECODERS:
        decode.append(named.pop())
    return decode


def check_codings(body: bytes, codings: list[bytes], *, max_size: int = 0) -> None:
    """Raise unless ``body`` decodes completely through ``codings`` (outermost first) within ``max_size``."""
    data = body
    for position, coding in enumerate(codings):
        out = _Output(max_size, keep=position < len(codings) - 1)
        name = coding.decode()
        try:
            _DECODERS[coding](data, out)
        except IncompleteContentCoding as exc:
            raise IncompleteContentCoding(f"{name} body of {len(data)} bytes is cut: {exc} "
                                          f"({out.size} bytes decoded)") from None
        except DecompressedTooLarge as exc:
            raise DecompressedTooLarge(f"{name} body of {len(data)} bytes {exc}") from None
        except tuple(_ERRORS) as exc:
            raise CorruptContentCoding(f"{name} body of {len(data)} bytes is not valid {name}: {exc}") from exc
        data = out.value()


def check_gzip_file(body: bytes, *, max_size: int = 0) -> None:
    """Raise ``IncompleteContentCoding`` when a body that is a gzip file is cut short. A corrupt or oversized
    file is left to its reader, which bounds and reports its own gunzip."""
    try:
        check_codings(body, [b"gzip"], max_size=max_size)
    except (CorruptContentCoding, DecompressedTooLarge):
        return


class CompleteContentCodingMiddleware:
    """Fail a 2xx response whose compressed body is cut (or corrupt, or a bomb) before Scrapy decodes it."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.max_size = settings.getint("DOWNLOAD_MAXSIZE")
        self.retry_enabled = settings.getbool("RETRY_ENABLED")

    @classmethod
    def from_crawler(cls, crawler: Any) -> CompleteContentCodingMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.method == "HEAD" or not 200 <= response.status < 300 or not response.body:
            return response
        max_size = request.meta.get("download_maxsize", self.max_size)
        codings = codings_to_decode(response.headers.getlist(b"Content-Encoding"))
        try:
            if codings:
                check_codings(response.body, codings, max_size=max_size)
            elif response.body.startswith(GZIP_MAGIC):
                check_gzip_file(response.body, max_size=max_size)
        except IncompleteContentCoding as exc:
            retry = self._retry(request, exc)
            if retry is not None:
                return retry
            raise
        return response

    def _retry(self, request: Request, exc: Exception) -> Request | None:
        if not self.retry_enabled or request.meta.get("dont_retry", False):
            return None
        return get_retry_request(request, spider=self.crawler.spider, reason=exc)
