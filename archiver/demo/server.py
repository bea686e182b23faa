"""A static server for the bundled demo site (Twisted, so it keeps up with a concurrent crawl).

The demo files are written with the real site's absolute URLs (``https://la.usembassy.gov/...``), as saved
pages are. At serve time every occurrence of that origin is rewritten to the local server's address, so the
sitemaps, feed and links lead the crawler back here. A directory path serves its ``index.html`` (or
``index.xml``); a missing file is a real 404. An optional delay per response lets tests interrupt a crawl
mid-way.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from twisted.web import resource, server

REAL_ORIGINS = {"la.usembassy.gov": "https://la.usembassy.gov"}
_TYPES = {".xml": "application/xml; charset=utf-8", ".html": "text/html; charset=UTF-8",
          ".txt": "text/plain; charset=utf-8", ".gz": "application/x-gzip"}


class DemoSite(resource.Resource):
    """Serves one site folder (``data/demo/<host>/``) with origin rewriting."""

    isLeaf = True

    def __init__(self, root: Path, origin: str, delay: float = 0.0) -> None:
        super().__init__()
        self.root = root.resolve()
        self.origin = origin.encode()
        self.base = b""
        self.delay = delay

    def locate(self, path: str) -> Path | None:
        target = (self.root / path.lstrip("/")).resolve()
        if not target.is_relative_to(self.root):
            return None
        if target.is_dir():
            for index in ("index.html", "index.xml"):
                if (target / index).is_file():
                    return target / index
            return None
        return target if target.is_file() else None

    def render_GET(self, request: Any) -> bytes | int:
        path = request.path.decode("utf-8", "replace")
        target = self.locate(path)
        if target is None:
            request.setResponseCode(404)
            request.setHeader(b"Content-Type", b"text/html; charset=utf-8")
            body = b"<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>404</h1></body></html>"
        else:
            body = target.read_bytes()
            kind = _TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            request.setHeader(b"Content-Type", kind.encode())
            if target.suffix != ".gz":
                body = body.replace(self.origin, self.base)
        if self.delay <= 0:
            return body
        from twisted.internet import reactor

        def finish() -> None:
            if not request.finished and not request._disconnected:
                request.write(body)
                request.finish()

        reactor.callLater(self.delay, finish)  # type: ignore[attr-defined]
        return server.NOT_DONE_YET


def demo_root(data_dir: Path, host: str = "la.usembassy.gov") -> Path:
    return data_dir / "demo" / host


def listen(root: Path, *, host: str = "la.usembassy.gov", port: int = 0, delay: float = 0.0) -> tuple[Any, str]:
    """Start serving on 127.0.0.1 in the running reactor; returns the listening port and the base URL."""
    from twisted.internet import reactor

    site_resource = DemoSite(root, REAL_ORIGINS.get(host, f"https://{host}"), delay=delay)
    listening = reactor.listenTCP(port, server.Site(site_resource), interface="127.0.0.1")  # type: ignore[attr-defined]
    base = f"http://127.0.0.1:{listening.getHost().port}"
    site_resource.base = base.encode()
    return listening, base
