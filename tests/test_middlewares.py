"""The pieces of the downloader middlewares that need no server: reading ``Retry-After`` and telling a complete
compressed stream from a cut or corrupt one. Compressed bodies are made by the real libraries (zlib, gzip,
brotli, zstd), then cut or damaged the way a hostile server or a broken proxy would."""

from __future__ import annotations

import gzip
import random
import zlib
from datetime import UTC, datetime

import brotli
import pytest
from scrapy.http import Response
from scrapy.settings import Settings

from archiver.middlewares import (
    BackoffRetryMiddleware,
    CorruptContentCoding,
    DecompressedTooLarge,
    IncompleteContentCoding,
    check_codings,
    check_gzip_file,
    parse_retry_after,
)
from archiver.middlewares.content_coding import codings_to_decode, zstd

NOON = datetime(2024, 6, 1, 12, 0, 0, tzinfo=UTC)  # a Saturday


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0),
    (b"7", 7.0),
    (" 0\t", 0.0),
    ("Sat, 01 Jun 2024 12:00:30 GMT", 30.0),  # IMF-fixdate
    ("Saturday, 01-Jun-24 12:01:00 GMT", 60.0),  # RFC 850
    ("Sat Jun  1 12:00:10 2024", 10.0),  # asctime(), which names no zone: GMT
    ("Fri, 31 May 2024 23:00:00 GMT", 0.0),  # already past: no wait
    ("9" * 5000, 1e9),  # more digits than int() accepts: a very long wait (capped later), not an exception
])
def test_retry_after_reads_delta_seconds_and_http_dates(value: str | bytes, seconds: float) -> None:
    assert parse_retry_after(value, now=NOON) == seconds


@pytest.mark.parametrize("value", [
    "²", b"\xb2", b"\xc2\xb2",  # superscript two: str.isdigit() is true for it
    "٣", "３",  # Arabic-Indic and full-width digits
    "1.5", "-1", "+3", "1e3", "0x10", "", "   ", "soon", None,
    "Sat, 99 Jun 2024 12:00:00 GMT", "Sat, 01 Jun 99999 12:00:00 GMT", "Sat, 01 Foo 2024 12:00:00 GMT",
    b"\xff\xfe", "Sat, 01 Jun 2024 12:00:00 GMT\u200b",
])
def test_anything_else_in_retry_after_is_ignored(value: str | bytes | None) -> None:
    assert parse_retry_after(value, now=NOON) is None


def test_backoff_takes_the_longer_of_exponential_and_retry_after_within_the_cap() -> None:
    settings = Settings({"RETRY_ENABLED": True, "ARCHIVER_RETRY_BACKOFF_BASE": 0.5, "ARCHIVER_RETRY_BACKOFF_MAX": 30})
    middleware = BackoffRetryMiddleware(settings)

    def busy(value: bytes) -> Response:
        return Response("https://la.usembassy.gov/", status=429, headers={"Retry-After": value})

    assert [middleware.backoff_for(n) for n in (1, 2, 3, 8)] == [0.5, 1.0, 2.0, 30.0]
    assert middleware.backoff_for(1, busy(b"12")) == 12.0
    assert middleware.backoff_for(3, busy(b"1")) == 2.0  # the server may not shorten our own backoff
    assert middleware.backoff_for(1, busy(b"3600")) == 30.0  # ARCHIVER_RETRY_BACKOFF_MAX caps the server's ask
    assert middleware.backoff_for(1, busy(b"\xb2")) == 0.5  # unreadable: the exponential backoff alone


# -- content codings -------------------------------------------------------------------------------------

def page_bytes(size: int = 200_000) -> bytes:
    """A page-sized body that does not compress to almost nothing (so a cut lands mid-stream)."""
    rng = random.Random(10)
    words = ["embassy", "vientiane", "ສະຖານທູດ", "grant", "province", "volunteer", "school", "water", "ລາວ"]
    text = " ".join(rng.choice(words) for _ in range(size // 7))
    return f"<!DOCTYPE html><html><body><p>{text}</p></body></html>".encode()


PAGE = page_bytes()


def cut(data: bytes, fraction: float = 0.6) -> bytes:
    return data[: int(len(data) * fraction)]


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


ENCODERS = {
    b"gzip": gzip.compress,
    b"x-gzip": gzip.compress,
    b"deflate": zlib.compress,
    b"br": brotli.compress,
    b"zstd": zstd.compress,
}


@pytest.mark.parametrize("coding", sorted(ENCODERS))
def test_a_whole_stream_passes_and_a_cut_one_is_incomplete(coding: bytes) -> None:
    body = ENCODERS[coding](PAGE)
    check_codings(body, [coding])
    for fraction in (0.6, 0.99):
        with pytest.raises(IncompleteContentCoding):
            check_codings(cut(body, fraction), [coding])


def test_raw_deflate_is_accepted_and_checked_too() -> None:
    body = raw_deflate(PAGE)
    check_codings(body, [b"deflate"])
    with pytest.raises(IncompleteContentCoding):
        check_codings(cut(body), [b"deflate"])


def test_gzip_cut_inside_its_trailer_is_incomplete() -> None:
    body = gzip.compress(PAGE)
    with pytest.raises(IncompleteContentCoding):
        check_codings(body[:-4], [b"gzip"])  # the deflate data is whole; the length field is missing


def test_gzip_members_padding_and_checksums() -> None:
    first, second = gzip.compress(PAGE[:90_000]), gzip.compress(PAGE[90_000:])
    check_codings(first + second, [b"gzip"])
    check_codings(first + b"\0" * 16, [b"gzip"])  # zero padding after the last member, as tape tools write
    with pytest.raises(IncompleteContentCoding):
        check_codings(first + cut(second), [b"gzip"])
    damaged = bytearray(first)
    damaged[-6] ^= 0xFF  # inside the CRC32 of the trailer
    with pytest.raises(CorruptContentCoding):
        check_codings(bytes(damaged), [b"gzip"])


def test_zstd_frames_are_checked_one_by_one() -> None:
    first, second = zstd.compress(PAGE[:90_000]), zstd.compress(PAGE[90_000:])
    check_codings(first + second, [b"zstd"])
    with pytest.raises(IncompleteContentCoding):
        check_codings(first + cut(second), [b"zstd"])


def test_not_a_stream_of_its_coding_is_corrupt() -> None:
    for coding in (b"gzip", b"br", b"zstd"):
        with pytest.raises(CorruptContentCoding):
            check_codings(b"<!DOCTYPE html><html><body>plain text, mislabelled</body></html>", [coding])


def test_layered_codings_are_checked_through_every_layer() -> None:
    assert codings_to_decode([b"gzip, br"]) == [b"br", b"gzip"]
    assert codings_to_decode([b"gzip", b"BR "]) == [b"br", b"gzip"]
    check_codings(brotli.compress(gzip.compress(PAGE)), [b"br", b"gzip"])
    with pytest.raises(IncompleteContentCoding):  # the outer brotli stream is whole; the gzip inside is cut
        check_codings(brotli.compress(cut(gzip.compress(PAGE))), [b"br", b"gzip"])


def test_only_the_codings_scrapy_will_decode_are_checked() -> None:
    assert codings_to_decode([b"gzip, snappy"]) == []  # Scrapy stops at the unknown outer coding
    assert codings_to_decode([b"snappy, gzip"]) == [b"gzip"]
    assert codings_to_decode([b"identity"]) == []


def test_a_bomb_stops_at_the_size_limit() -> None:
    bomb = gzip.compress(b"\0" * 8_000_000)
    assert len(bomb) < 20_000
    with pytest.raises(DecompressedTooLarge):
        check_codings(bomb, [b"gzip"], max_size=1_000_000)
    check_codings(bomb, [b"gzip"], max_size=8_000_000)


def test_a_gzip_file_body_is_checked_for_its_end_only() -> None:
    sitemap = gzip.compress(PAGE)
    check_gzip_file(sitemap)
    with pytest.raises(IncompleteContentCoding):
        check_gzip_file(cut(sitemap))
    check_gzip_file(b"\x1f\x8b\x08" + b"not really gzip at all" * 10)  # corrupt: left to its reader
