"""A site that sends exactly the bytes we choose, to check that captures keep them (run: python -m
tests.sites.capture_site).

Prints its base URL, then serves until terminated. It is a raw HTTP/1.1 server on asyncio streams (keep-alive,
one request at a time per connection), so nothing is added to or changed in what it sends: no ``Date`` or
``Server`` header, responses identical from one run to the next. Every exchange is logged as the request bytes
it received and the response bytes it sent; ``/_log`` returns the log as JSON (base64), and is itself not
logged.

The pages are a mission's notices in the usembassy.gov markup, with our own text, each sent a different way:

- ``/notices/plain/``: an ordinary page;
- ``/notices/cookies/``: two ``Set-Cookie`` headers and a header value that is not UTF-8 (ISO-8859-1 bytes);
- ``/notice?id=7&lang=en``: an article addressed by its query string;
- ``/notices/gzipped/``: ``Content-Encoding: gzip`` (the capture must keep the body compressed);
- ``/notices/moved/``: a 301 to ``/notices/landing/``;
- ``/notices/removed/``: a 404 page;
- ``/notices/chunked/``: ``Transfer-Encoding: chunked`` in four chunks;
- ``/notices/cut/``: ``Content-Length`` larger than the body, then the connection closes;
- ``/notices/gzip-cut/``: a gzip body cut at 60%, its ``Content-Length`` matching what is sent.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import sys

from tests.sites.markup import embassy_post

NOTICES = {
    "plain": "Embassy Marks World Water Day With Well Repairs in Bokeo",
    "cookies": "Consular Section Announces New Appointment Desk Hours",
    "query": "Fulbright Alumni Gather for Teaching Workshop in Luang Prabang",
    "gzipped": "Community Grants Help Restore a Village School Library",
    "landing": "Embassy Welcomes New Exchange Programme Coordinator",
    "chunked": "Health Partners Train Midwives in Savannakhet Province",
    "cut": "Small Business Forum Brings Entrepreneurs Together",
    "gzip-cut": "Ambassador Visits Flood-Affected Farms in Khammouane",
}
ARTICLE_PATHS = ["/notices/plain/", "/notices/cookies/", "/notice?id=7&lang=en", "/notices/gzipped/",
                 "/notices/moved/", "/notices/removed/", "/notices/chunked/", "/notices/cut/", "/notices/gzip-cut/"]
NOT_UTF8 = b"Caf\xe9 du Mekong \xab l\xe0-bas \xbb"  # ISO-8859-1 bytes, not valid UTF-8
PARAGRAPHS = [
    "{title}. Staff of the embassy joined provincial officials and residents this week for the occasion, and "
    "thanked the volunteers whose patient work over the past year made the programme possible.",
    "The programme started with a handful of villages three years ago and now reaches families in four "
    "provinces; its organisers expect more participants when the next round opens after the rainy season.",
    "Residents who wish to take part may contact the provincial office, where staff explain the application "
    "steps, the support on offer and the timetable for the months ahead. Reference {slug}.",
]


def page(base: str, slug: str, path: str) -> bytes:
    title = NOTICES[slug]
    paragraphs = [p.format(title=title, slug=slug) for p in PARAGRAPHS]
    html = embassy_post(base, path.strip("/"), title, paragraphs, "2024-03-22T09:30:00+07:00")
    return html.encode("utf-8")


def head(status: str, headers: list[tuple[bytes, bytes]]) -> bytes:
    lines = [b"HTTP/1.1 " + status.encode() + b"\r\n"]
    lines += [name + b": " + value + b"\r\n" for name, value in headers]
    return b"".join(lines) + b"\r\n"


HTML = (b"Content-Type", b"text/html; charset=UTF-8")


def respond(base: str, target: str) -> tuple[bytes, bool]:
    """The exact bytes to send for a request target, and whether to close the connection after them."""
    if target == "/robots.txt":
        body = f"User-agent: *\nAllow: /\n\nSitemap: {base}/sitemap.xml\n".encode()
        return head("200 OK", [(b"Content-Type", b"text/plain"), (b"Content-Length", str(len(body)).encode())]) + body, False
    if target == "/sitemap.xml":  # no lastmod: every run fetches every page
        rows = "".join(f"<url><loc>{base}{path.replace('&', '&amp;')}</loc></url>" for path in ARTICLE_PATHS)
        body = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{rows}</urlset>").encode()
        return head("200 OK", [(b"Content-Type", b"application/xml; charset=UTF-8"),
                               (b"Content-Length", str(len(body)).encode())]) + body, False
    if target == "/notices/plain/":
        body = page(base, "plain", target)
        return head("200 OK", [HTML, (b"Content-Length", str(len(body)).encode()), (b"Cache-Control", b"max-age=60")]) + body, False
    if target == "/notices/cookies/":
        body = page(base, "cookies", target)
        return head("200 OK", [HTML, (b"Set-Cookie", b"visitor=a1b2c3; Path=/; HttpOnly"),
                               (b"Set-Cookie", b"lang=en; Path=/; Max-Age=3600"),
                               (b"X-Notice-Caption", NOT_UTF8),
                               (b"Content-Length", str(len(body)).encode())]) + body, False
    if target == "/notice?id=7&lang=en":
        body = page(base, "query", target)
        return head("200 OK", [HTML, (b"Content-Length", str(len(body)).encode())]) + body, False
    if target == "/notices/gzipped/":
        body = gzip.compress(page(base, "gzipped", target), mtime=0)
        return head("200 OK", [HTML, (b"Content-Encoding", b"gzip"), (b"Vary", b"Accept-Encoding"),
                               (b"Content-Length", str(len(body)).encode())]) + body, False
    if target == "/notices/moved/":
        return head("301 Moved Permanently", [(b"Location", f"{base}/notices/landing/".encode()),
                                              (b"Content-Length", b"0")]), False
    if target == "/notices/landing/":
        body = page(base, "landing", target)
        return head("200 OK", [HTML, (b"Content-Length", str(len(body)).encode())]) + body, False
    if target == "/notices/chunked/":
        body = page(base, "chunked", target)
        quarter = len(body) // 4 + 1
        chunks = [body[i:i + quarter] for i in range(0, len(body), quarter)]
        framed = b"".join(f"{len(c):x}\r\n".encode() + c + b"\r\n" for c in chunks) + b"0\r\n\r\n"
        return head("200 OK", [HTML, (b"Transfer-Encoding", b"chunked")]) + framed, False
    if target == "/notices/cut/":
        body = page(base, "cut", target)
        return head("200 OK", [HTML, (b"Content-Length", str(len(body)).encode())]) + body[: len(body) // 2], True
    if target == "/notices/gzip-cut/":
        whole = gzip.compress(page(base, "gzip-cut", target), mtime=0)
        body = whole[: int(len(whole) * 0.6)]
        return head("200 OK", [HTML, (b"Content-Encoding", b"gzip"), (b"Content-Length", str(len(body)).encode())]) + body, False
    body = b"<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>Page not found</h1></body></html>"
    return head("404 Not Found", [HTML, (b"Content-Length", str(len(body)).encode())]) + body, False


class CaptureSite:
    def __init__(self) -> None:
        self.log: list[dict[str, str]] = []
        self.base = ""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    request = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                target = request.split(b" ", 2)[1].decode("ascii")
                if target == "/_log":
                    body = json.dumps(self.log).encode()
                    writer.write(head("200 OK", [(b"Content-Type", b"application/json"),
                                                 (b"Content-Length", str(len(body)).encode())]) + body)
                    await writer.drain()
                    continue
                response, close = respond(self.base, target)
                self.log.append({"target": target, "request": base64.b64encode(request).decode(),
                                 "response": base64.b64encode(response).decode()})
                writer.write(response)
                await writer.drain()
                if close:
                    return
        finally:
            writer.close()


async def serve() -> None:
    site = CaptureSite()
    server = await asyncio.start_server(site.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    site.base = f"http://127.0.0.1:{port}"
    print(site.base, flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    asyncio.run(serve())


if __name__ == "__main__":
    sys.exit(main())
