"""Local WordPress sites whose REST API works, pages, repeats itself or is closed (run: python -m tests.sites.hostile_rest).

Each case is a US-mission site on a port of its own, with a Yoast sitemap of its posts beside the API (what
discovery falls back to). Prints the first case's address, then one JSON line mapping each case to its address.

- ``paged``: ``POSTS`` posts, paged by ``per_page`` with WordPress's headers (discovery asks 10 a page in the tests).
- ``repeat``: a broken cache answers every page with the first page, and claims 5 pages.
- ``closed401``/``closed403``: the API refuses visitors (``rest_login_required``, ``rest_forbidden``).
- ``noroute``: the API is gone (404 ``rest_no_route``).
- ``html``: the theme answers ``/wp-json/...`` with an HTML page (200), as with broken permalinks.
- ``errorjson``: the API answers 200 with a WordPress error object.
- ``empty``: the API answers every request with ``[]`` (a broken plugin); ``staging``: it lists the posts at a
  staging address (another host), as a site whose ``siteurl`` was never changed.
- ``page2fails``: page 2 answers 500 ``PAGE2_FAILURES`` times (one run's request and retries), then works.
"""

from __future__ import annotations

import json
import math
import sys

from twisted.internet import reactor
from twisted.web import resource, server

from tests.sites.markup import embassy_post

POSTS = 35
FALLBACK = 2  # the posts the sitemap lists when the API is closed: the first two
TEXT = ("The embassy's cultural office opened registration for its summer reading programme, number {n} in the "
        "series, with books in Lao and English for readers between ten and sixteen years old.")
CASES = ("paged", "repeat", "closed401", "closed403", "noroute", "html", "errorjson", "empty", "staging",
         "page2fails")
PAGE2_FAILURES = 4  # "page2fails": page 2 answers 500 this many times (one run's request and its 3 retries)


def post_path(n: int) -> str:
    return f"/reading-programme-{n}/"


class HostileRest(resource.Resource):
    isLeaf = True

    def __init__(self, case: str) -> None:
        super().__init__()
        self.case = case
        self.base = ""
        self.page2_failures = 0

    def send(self, request, body: str | bytes, ctype: str = "text/html; charset=utf-8", code: int = 200) -> bytes:
        request.setResponseCode(code)
        request.setHeader(b"Content-Type", ctype.encode())
        return body if isinstance(body, bytes) else body.encode()

    def render_GET(self, request):  # noqa: C901 - one route table reads best as one function
        path = request.path.decode()
        query = {k.decode(): v[-1].decode() for k, v in request.args.items()}
        if path == "/robots.txt":
            return self.send(request, "User-agent: *\nAllow: /\n", "text/plain")
        if path.startswith("/wp-json/"):
            return self.api(request, query)
        if path == "/sitemap_index.xml":
            return self.send(request, '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
                             f'sitemap/0.9"><sitemap><loc>{self.base}/post-sitemap.xml</loc></sitemap></sitemapindex>',
                             "application/xml")
        if path == "/post-sitemap.xml":
            rows = "".join(f"<url><loc>{self.base}{post_path(n)}</loc></url>" for n in range(1, FALLBACK + 1))
            return self.send(request, '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/'
                             f'0.9">{rows}</urlset>', "application/xml")
        for n in range(1, POSTS + 1):
            if path == post_path(n):
                title = f"Summer Reading Programme Opens Registration, Part {n}"
                paragraphs = [f"{title}. " + TEXT.format(n=n), TEXT.format(n=n + 100), TEXT.format(n=n + 200)]
                return self.send(request, embassy_post(self.base, post_path(n).strip("/"), title, paragraphs,
                                                       f"2024-03-{n % 28 + 1:02d}T03:04:05+00:00"))
        return self.send(request, "<!DOCTYPE html><html><body><h1>Not found</h1></body></html>", code=404)

    def api(self, request, query: dict[str, str]) -> bytes:
        json_type = "application/json; charset=UTF-8"

        def error(code: int, name: str) -> bytes:
            return self.send(request, json.dumps({"code": name, "message": name, "data": {"status": code}}),
                             json_type, code)

        if self.case == "closed401":
            return error(401, "rest_login_required")
        if self.case == "closed403":
            return error(403, "rest_forbidden")
        if self.case == "noroute":
            return error(404, "rest_no_route")
        if self.case == "errorjson":
            return self.send(request, json.dumps({"code": "rest_disabled", "message": "disabled"}), json_type)
        if self.case == "empty":
            request.setHeader(b"X-WP-Total", b"0")
            request.setHeader(b"X-WP-TotalPages", b"0")
            return self.send(request, "[]", json_type)
        if self.case == "html":
            return self.send(request, "<!DOCTYPE html><html><head><title>Home</title></head><body><h1>Welcome</h1>"
                             "</body></html>")
        per_page = int(query.get("per_page", "10"))
        page = 1 if self.case == "repeat" else int(query.get("page", "1"))
        newest_first = list(range(POSTS, 0, -1))
        pages = 5 if self.case == "repeat" else math.ceil(POSTS / per_page)
        if page > pages:
            return error(400, "rest_post_invalid_page_number")
        if self.case == "page2fails" and page == 2 and self.page2_failures < PAGE2_FAILURES:
            self.page2_failures += 1
            return error(500, "internal_server_error")
        chosen = newest_first[(page - 1) * per_page:page * per_page]
        host = "http://staging.invalid" if self.case == "staging" else self.base
        body = [{"id": 500 + n, "link": f"{host}{post_path(n)}", "date": f"2024-03-{n % 28 + 1:02d}T10:04:05",
                 "date_gmt": f"2024-03-{n % 28 + 1:02d}T03:04:05", "modified_gmt": "2024-04-01T00:00:00"}
                for n in chosen]
        request.setHeader(b"X-WP-Total", str(POSTS).encode())
        request.setHeader(b"X-WP-TotalPages", str(pages).encode())
        return self.send(request, json.dumps(body).replace("/", "\\/"), json_type)


def main() -> None:
    addresses = {}
    for case in CASES:
        site = HostileRest(case)
        site.base = f"http://127.0.0.1:{reactor.listenTCP(0, server.Site(site), interface='127.0.0.1').getHost().port}"
        addresses[case] = site.base
    print(addresses[CASES[0]], flush=True)
    print(json.dumps(addresses), flush=True)
    reactor.run()


if __name__ == "__main__":
    sys.exit(main())
