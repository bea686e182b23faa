"""A static server for the bundled demo sites (Twisted, so it keeps up with a concurrent crawl).

Each demo site is a folder ``data/demo/<host>/`` written with the real site's absolute URLs, as saved pages
are. Every site gets its own listener on 127.0.0.1; at serve time ``https://<host>`` and ``http://<host>`` are
rewritten to that listener's address, and the site's mirror hosts to ``localhost`` on the same port (another
host name for the same files, as real mirrors are). A URL's query is part of the file name
(``/En/detail.aspx?id=7`` is ``En/detail.aspx@id=7``) so ASP.NET- and PHP-style sites can be reproduced. A
directory serves its ``index.html``, ``index.xml`` or ``index.php``; a missing file is a real 404; ``/wp-json/``
is WordPress's REST API (``archiver.demo.wp_rest``); a page with a
``<file>.status-<code>`` marker beside it is served with that status (challenge pages). An optional delay per
response lets tests interrupt a crawl mid-way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from twisted.web import resource, server

from archiver.demo import wp_rest

_TYPES = {
    ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8", ".php": "text/html; charset=utf-8",
    ".aspx": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".gz": "application/x-gzip",
    ".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png",
}
_INDEXES = ("index.html", "index.xml", "index.php")
NOT_FOUND = b"<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>404</h1></body></html>"


@dataclass
class DemoSite(resource.Resource):
    """Serves one site folder with origin rewriting."""

    root: Path
    host: str
    mirrors: tuple[str, ...] = ()
    delay: float = 0.0
    rewrites: list[tuple[bytes, bytes]] = field(default_factory=list)
    isLeaf = True  # noqa: N815 - Twisted's attribute name

    def __post_init__(self) -> None:
        resource.Resource.__init__(self)
        self.root = self.root.resolve()

    def serve_at(self, base: str, mirror_base: str) -> None:
        """Rewrite the real origins to ``base`` (and mirror origins to ``mirror_base``) from now on."""
        self.rewrites = []
        for host, target in [(self.host, base), *((m, mirror_base) for m in self.mirrors)]:
            for scheme in ("https://", "http://"):
                self.rewrites.append(((scheme + host).encode(), target.encode()))

    def locate(self, path: str, query: str) -> Path | None:
        target = (self.root / path.lstrip("/")).resolve()
        if not target.is_relative_to(self.root):
            return None
        if query:
            with_query = target.parent / f"{target.name}@{query}"
            return with_query if with_query.is_file() else None
        if target.is_dir():
            return next((target / i for i in _INDEXES if (target / i).is_file()), None)
        return target if target.is_file() else None

    def render_GET(self, request: Any) -> bytes | int:  # noqa: N802 - Twisted's method name
        raw = request.uri.decode("utf-8", "replace")
        path, _, query = raw.partition("?")
        api = wp_rest.answer(self.root, path, query)
        target = self.locate(path, query) if api is None else None
        if api is not None:
            status, headers, body = api
            request.setResponseCode(status)
            for name, value in headers.items():
                request.setHeader(name.encode(), value.encode())
            for old, new in self.rewrites:
                body = body.replace(old.replace(b"/", b"\\/"), new.replace(b"/", b"\\/")).replace(old, new)
        elif target is None:
            request.setResponseCode(404)
            request.setHeader(b"Content-Type", b"text/html; charset=utf-8")
            body = NOT_FOUND
        else:
            status = next((int(m.name.rsplit("-", 1)[1]) for m in target.parent.glob(target.name + ".status-*")), 200)
            request.setResponseCode(status)
            suffix = Path(target.name.split("@", 1)[0]).suffix
            request.setHeader(b"Content-Type", _TYPES.get(suffix, "application/octet-stream").encode())
            body = target.read_bytes()
            if suffix != ".gz":
                for old, new in self.rewrites:
                    body = body.replace(old, new)
        if self.delay <= 0:
            return body
        from twisted.internet import reactor

        def finish() -> None:
            if not request.finished and not request._disconnected:
                request.write(body)
                request.finish()

        reactor.callLater(self.delay, finish)  # type: ignore[attr-defined]
        return server.NOT_DONE_YET


def listen(
    root: Path, *, host: str = "la.usembassy.gov", mirrors: tuple[str, ...] = (), port: int = 0, delay: float = 0.0,
    access_log: Path | None = None,
) -> tuple[Any, str]:
    """Start serving one site on 127.0.0.1 in the running reactor; returns the listening port and base URL.

    ``access_log``: Twisted's own access log (one combined-format line per request, written as each response
    ends), so a test can see which pages a run asked for and which it did not."""
    from twisted.internet import reactor

    site = DemoSite(root=root, host=host, mirrors=mirrors, delay=delay)
    factory = server.Site(site, logPath=str(access_log) if access_log else None)
    listening = reactor.listenTCP(port, factory, interface="127.0.0.1")  # type: ignore[attr-defined]
    number = listening.getHost().port
    base = f"http://127.0.0.1:{number}"
    site.serve_at(base, f"http://localhost:{number}")
    return listening, base
