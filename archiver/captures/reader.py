"""Reading one capture back by its offset: the response (or revisit) record a pointer or a CDXJ line names.

A capture file holds one gzip member per record, so a reader needs no scan: ``os.pread`` the member at its
offset, decompress it alone, and let warcio parse the WARC record. What warcio's HTTP parser would lose is read
here instead: it decodes each header line as UTF-8, else as ISO-8859-1, so a value like ``é`` could have been
either two bytes or one, and the exact bytes a site sent would be gone. The HTTP head is therefore parsed from
the record's block decoded as ISO-8859-1 (one character per byte) and every value encoded back the same way:
a header that was not UTF-8 comes back as the bytes that were sent.

Every read is checked: the member must be one whole gzip stream holding one record, its ``WARC-Block-Digest``
and ``WARC-Payload-Digest`` must match what it holds, and its URL must be the one asked for. A capture that
fails any of these is ``UnreadableCapture``: evidence is either intact or refused, never half-trusted.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeadersParser


class UnreadableCapture(Exception):
    """A capture that is listed but cannot be read back whole and intact (a missing or damaged file, a digest
    that does not match, a revisit whose original is gone)."""


@dataclass(frozen=True)
class CapturedRecord:
    """One response or revisit record, as the site sent it."""

    rec_type: str  # "response" or "revisit"
    url: str
    date: str  # WARC-Date
    protocol: str  # "HTTP/1.1"
    status: int
    headers: list[tuple[bytes, bytes]]  # in order, repeated headers repeated, values as sent
    payload: bytes  # the body as sent (still content-encoded); empty for a revisit
    payload_digest: str | None
    truncated: str | None  # WARC-Truncated
    ip_address: str | None
    refers_to_uri: str | None = None  # a revisit's original: its URL and date
    refers_to_date: str | None = None


def labelled_digest(data: bytes, label: str) -> str | None:
    """``data``'s digest in the form ``label`` has (``sha1:BASE32``, as warcio writes it, or hex), or None
    when its algorithm is not one hashlib knows."""
    algorithm, _, value = label.partition(":")
    try:
        digest = hashlib.new(algorithm.lower().replace("-", ""), data).digest()
    except ValueError:
        return None
    if len(value) == 2 * len(digest) and all(c in "0123456789abcdefABCDEF" for c in value):
        return f"{algorithm}:{digest.hex()}"
    return f"{algorithm}:{base64.b32encode(digest).decode('ascii')}"


def _check_digest(what: str, data: bytes, label: str | None) -> None:
    if not label:
        return
    found = labelled_digest(data, label)
    if found is not None and found.lower() != label.lower():
        raise UnreadableCapture(f"{what} digest {found} does not match the record's {label}")


def split_http(block: bytes) -> tuple[str, int, list[tuple[bytes, bytes]], bytes]:
    """The protocol, status, headers (bytes as sent) and payload of an HTTP response block."""
    end = block.find(b"\r\n\r\n")
    if end == -1:
        raise UnreadableCapture("the record's HTTP head has no end")
    head, payload = block[: end + 4], block[end + 4:]
    parsed = StatusAndHeadersParser(["HTTP/"], verify=False).parse(io.StringIO(head.decode("latin-1")))
    try:
        status = int(parsed.get_statuscode())
    except (TypeError, ValueError) as exc:
        raise UnreadableCapture(f"no HTTP status in {parsed.statusline!r}") from exc
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in parsed.headers]
    return parsed.protocol or "HTTP/1.1", status, headers, payload


def read_member(warc: Path, offset: int, length: int) -> bytes:
    """The compressed bytes of the record at ``offset`` (one gzip member of ``length`` bytes)."""
    try:
        fd = os.open(warc, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as exc:
        raise UnreadableCapture(f"{warc}: {exc.strerror or exc}") from exc
    try:
        member = os.pread(fd, length, offset)
    except OSError as exc:
        raise UnreadableCapture(f"{warc}: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    if len(member) != length:
        raise UnreadableCapture(f"{warc} ends before offset {offset} + {length}")
    return member


def parse_record(member: bytes, *, expect_url: str | None = None) -> CapturedRecord:
    """The response or revisit record one gzip member holds, digests checked."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(member) + inflater.flush()
    except zlib.error as exc:
        raise UnreadableCapture(f"not a gzip member: {exc}") from exc
    if not inflater.eof or inflater.unused_data:
        raise UnreadableCapture("not exactly one whole gzip member")
    records = ArchiveIterator(io.BytesIO(data), no_record_parse=True)
    try:
        record = next(iter(records))
        block = record.raw_stream.read()
    except StopIteration as exc:
        raise UnreadableCapture("the member holds no WARC record") from exc
    except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on a malformed record
        raise UnreadableCapture(f"not a WARC record: {exc}") from exc
    headers = record.rec_headers
    declared = int(headers.get_header("Content-Length") or -1)
    if declared != len(block):
        raise UnreadableCapture(f"the record holds {len(block)} bytes of the {declared} it declares")
    if record.rec_type not in ("response", "revisit"):
        raise UnreadableCapture(f"a {record.rec_type} record, not a response")
    url = headers.get_header("WARC-Target-URI") or ""
    if expect_url is not None and url != expect_url:
        raise UnreadableCapture(f"the record is of {url}, not {expect_url}")
    _check_digest("block", block, headers.get_header("WARC-Block-Digest"))
    protocol, status, http_headers, payload = split_http(block)
    payload_digest = headers.get_header("WARC-Payload-Digest")
    if record.rec_type == "response":
        _check_digest("payload", payload, payload_digest)
    return CapturedRecord(
        rec_type=record.rec_type,
        url=url,
        date=headers.get_header("WARC-Date") or "",
        protocol=protocol,
        status=status,
        headers=http_headers,
        payload=payload if record.rec_type == "response" else b"",
        payload_digest=payload_digest,
        truncated=headers.get_header("WARC-Truncated"),
        ip_address=headers.get_header("WARC-IP-Address"),
        refers_to_uri=headers.get_header("WARC-Refers-To-Target-URI"),
        refers_to_date=headers.get_header("WARC-Refers-To-Date"),
    )


def read_capture(root: Path, warc: str, offset: int, length: int, *, expect_url: str | None = None
                 ) -> CapturedRecord:
    """The record at ``offset`` of ``warc`` (a path relative to the captures root ``root``)."""
    path = root / warc
    try:
        return parse_record(read_member(path, offset, length), expect_url=expect_url)
    except UnreadableCapture as exc:
        raise UnreadableCapture(f"{warc} at {offset}: {exc}") from None
