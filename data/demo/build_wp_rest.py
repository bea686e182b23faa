"""Writes each demo site's WordPress REST data: ``<site>/wp-json/wp/v2/posts.json`` (stdlib only).

WordPress 6 answers ``/wp-json/wp/v2/posts`` with the site's posts (id, link, date, date_gmt, modified,
modified_gmt, ...), paged by ``per_page``/``page`` with ``X-WP-Total`` and ``X-WP-TotalPages`` headers and
filtered server-side by ``after``/``before``/``modified_after``. The demo server (``archiver/demo/server.py``)
emulates that route from this file. The posts are those of the site's own post sitemaps, so the API and the
sitemaps agree, as on a real site; each post's publication time is the one its page states
(``article:published_time``), its modification time the sitemap's ``lastmod``; a post listed whose page is gone
(the demo's removed announcement) keeps its sitemap date for both.

Sites listed in ``DISABLED`` get ``wp-json/disabled.json`` instead: the answer of a site whose REST API is
closed to visitors (HTTP 401, ``rest_login_required``), which discovery must fall back from.

Run: ``python data/demo/build_wp_rest.py`` (rewrites the files; the output is deterministic).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

DEMO = Path(__file__).resolve().parent
SITES = ("la.usembassy.gov", "laotiantimes.com")
DISABLED = ("mekongobserver.example",)
_LOC = re.compile(r"<loc>([^<]+)</loc>\s*(?:<lastmod>([^<]+)</lastmod>)?")
_PUBLISHED = re.compile(r'property="article:published_time" content="([^"]+)"')


def gmt(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)


def local_file(site: Path, url: str) -> Path:
    path = url.split("://", 1)[1].split("/", 1)[1]
    return site / path / "index.html"


def posts_of(site: Path) -> list[dict]:
    posts = []
    for sitemap in sorted(site.glob("post-sitemap*.xml")):
        for url, lastmod in _LOC.findall(sitemap.read_text("utf-8")):
            page = local_file(site, url)
            found = _PUBLISHED.search(page.read_text("utf-8")) if page.is_file() else None
            published = gmt(found.group(1)) if found else gmt(lastmod)
            modified = gmt(lastmod) if lastmod else published
            posts.append({"link": url, "date_gmt": published, "modified_gmt": max(modified, published)})
    posts.sort(key=lambda p: (p["date_gmt"], p["link"]))
    out = []
    for number, post in enumerate(posts, start=1):
        out.append({
            "id": 1000 + number,
            "date": post["date_gmt"].strftime("%Y-%m-%dT%H:%M:%S"),  # the demo sites' clocks are UTC here
            "date_gmt": post["date_gmt"].strftime("%Y-%m-%dT%H:%M:%S"),
            "modified": post["modified_gmt"].strftime("%Y-%m-%dT%H:%M:%S"),
            "modified_gmt": post["modified_gmt"].strftime("%Y-%m-%dT%H:%M:%S"),
            "slug": post["link"].rstrip("/").rsplit("/", 1)[-1],
            "status": "publish",
            "type": "post",
            "link": post["link"],
        })
    return out


def main() -> None:
    for host in SITES:
        target = DEMO / host / "wp-json" / "wp" / "v2" / "posts.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(posts_of(DEMO / host), indent=1, ensure_ascii=False) + "\n", "utf-8")
    for host in DISABLED:
        target = DEMO / host / "wp-json" / "disabled.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps({"code": "rest_login_required", "message": "REST API restricted to "
                                      "authenticated users.", "data": {"status": 401}}) + "\n", "utf-8")


if __name__ == "__main__":
    main()
