"""One HTTP exchange as it went over the wire, rebuilt from what Scrapy kept.

Scrapy hands a downloader middleware a ``Request`` and a ``Response``, not the bytes on the wire. What it keeps
is enough to rebuild them faithfully, with a few known differences, each chosen so the WARC stays valid and
replayable:

- The response body is kept as sent (this runs before HttpCompressionMiddleware): a gzip body stays gzip, and
  it is the WARC payload. Its header values are the bytes the server sent (a value that is not UTF-8 stays
  those bytes), and a header sent twice (two ``Set-Cookie``) stays two lines. Scrapy title-cases header names
  and groups repeated headers under their first position; names are case-insensitive in HTTP, and the relative
  order of different headers is kept.
- Scrapy keeps no reason phrase: the status line gets the standard phrase of its code (RFC 9110, through
  ``http.HTTPStatus``), or none for a code that has no standard phrase (``HTTP/1.1 299 ``, which RFC 9112
  allows).
- Twisted consumes the connection's own headers (``Transfer-Encoding``, ``Connection``, ``Keep-Alive``, ``TE``,
  ``Trailers``, ``Upgrade``, ``Proxy-Connection``) and de-chunks the body: they are left out, and
  ``Content-Length`` is the stored payload's length, so the record says exactly what it holds. A response cut
  short therefore says how much arrived; its record is marked ``WARC-Truncated``.
- The request is rebuilt as Twisted writes it: ``METHOD <path?query> HTTP/1.1``, ``Content-Length`` for a body,
  Scrapy's headers under Twisted's canonical names, and ``Host`` last when Scrapy sets none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from typing import Any

from twisted.web.client import URI
from twisted.web.http_headers import Headers as TwistedHeaders

# Connection-level headers: Twisted's HTTPClientParser consumes them (see its CONNECTION_CONTROL_HEADERS), and
# they describe the connection, not the resource. Content-Length is rewritten to the stored payload's length.
HOP_BY_HOP = frozenset({b"connection", b"keep-alive", b"proxy-connection", b"te", b"trailer", b"trailers",
                        b"transfer-encoding", b"upgrade"})
_DEFAULT_PORTS = {b"http": 80, b"https": 443}

# WARC-Truncated reason tokens (WARC 1.1, section 5.13).
DISCONNECT = "disconnect"  # the connection closed before the body's declared length arrived
UNSPECIFIED = "unspecified"  # the body arrived whole, but its content coding (or gzip file) stops before its end


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


@dataclass(frozen=True)
class Exchange:
    """What one request and its response put on the wire, as WARC blocks want them."""

    url: str  # the target URI (fragment removed, as Twisted sends it)
    request_head: bytes  # request line and headers, ending with the blank line
    request_body: bytes
    response_head: bytes  # status line and headers, ending with the blank line
    payload: bytes  # the body as sent (still content-encoded)
    status: int
    content_codings: tuple[bytes, ...]  # Content-Encoding tokens, as sent
    ip_address: str | None
    started_at: datetime  # when the request went out (WARC-Date of both records)
    cut_short: bool  # the connection closed before the declared Content-Length arrived


def request_head(method: str, url: str, headers: Any, body: bytes) -> bytes:
    """The request line and headers as Twisted's HTTP/1.1 client writes them for ``url``."""
    uri = URI.fromBytes(url.encode("ascii"))
    lines = [method.encode("ascii") + b" " + uri.originForm + b" HTTP/1.1\r\n"]
    if body:
        lines.append(b"Content-Length: " + str(len(body)).encode() + b"\r\n")
    wire = TwistedHeaders(headers)
    if not wire.hasHeader(b"host"):
        host = uri.host
        if b":" in host:  # an IPv6 literal
            host = b"[" + host + b"]"
        if uri.port != _DEFAULT_PORTS.get(uri.scheme):
            host += b":" + str(uri.port).encode()
        wire.addRawHeader(b"Host", host)
    for name, values in wire.getAllRawHeaders():
        lines.extend(name + b": " + value + b"\r\n" for value in values)
    lines.append(b"\r\n")
    return b"".join(lines)


def response_head(protocol: str | None, status: int, headers: Any, payload_length: int) -> bytes:
    """The status line and headers, hop-by-hop headers left out and ``Content-Length`` set to the payload's
    length (where the server put it, else last)."""
    version = protocol if protocol and protocol.upper().startswith("HTTP/") else "HTTP/1.1"
    lines = [f"{version} {status} {reason_phrase(status)}".encode("ascii") + b"\r\n"]
    length_line = b"Content-Length: " + str(payload_length).encode() + b"\r\n"
    for name, values in headers.items():
        lowered = name.lower()
        if lowered in HOP_BY_HOP:
            continue
        if lowered == b"content-length":
            if length_line:
                lines.append(length_line)
                length_line = b""
            continue
        lines.extend(name + b": " + value + b"\r\n" for value in values)
    if length_line:
        lines.append(length_line)
    lines.append(b"\r\n")
    return b"".join(lines)


def content_codings(headers: Any) -> tuple[bytes, ...]:
    return tuple(token.strip().lower() for value in headers.getlist(b"Content-Encoding") for token in value.split(b",")
                 if token.strip())


def exchange_of(request: Any, response: Any, started_at: datetime, *, cut_short: bool = False) -> Exchange:
    """The exchange of a Scrapy request and the response the downloader returned for it."""
    url = request.url.split("#", 1)[0]
    body = response.body
    ip = getattr(response, "ip_address", None)
    return Exchange(
        url=url,
        request_head=request_head(request.method, url, request.headers, request.body),
        request_body=request.body,
        response_head=response_head(getattr(response, "protocol", None), response.status, response.headers,
                                    len(body)),
        payload=body,
        status=response.status,
        content_codings=content_codings(response.headers),
        ip_address=str(ip) if ip is not None else None,
        started_at=started_at,
        cut_short=cut_short,
    )
