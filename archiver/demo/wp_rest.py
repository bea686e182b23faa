"""The demo sites' WordPress REST API: ``/wp-json/wp/v2/posts`` as WordPress 6 answers it.

Served from ``<site>/wp-json/wp/v2/posts.json`` (written by ``data/demo/build_wp_rest.py``): newest first,
``per_page`` (1-100, default 10) and ``page``, the ``after``/``before``/``modified_after``/``modified_before``
filters (ISO 8601, exclusive; in the site's clock, or in GMT with ``dates_are_gmt=true``), ``_fields``, and the
``X-WP-Total``/``X-WP-TotalPages`` headers. Errors are WordPress's own: ``rest_post_invalid_page_number`` (400)
past the last page, ``rest_invalid_param`` (400) for a malformed value, ``rest_no_route`` (404) for any other
route. A site whose folder holds ``wp-json/disabled.json`` instead answers every API request with it (a site
that closed its API to visitors).
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs

Answer = tuple[int, dict[str, str], bytes]
_JSON = {"Content-Type": "application/json; charset=UTF-8"}


def _error(status: int, code: str, message: str) -> Answer:
    body = {"code": code, "message": message, "data": {"status": status}}
    return status, dict(_JSON), json.dumps(body).encode()


def _moment(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None


def answer(root: Path, path: str, query: str) -> Answer | None:
    """The API's answer for ``path``/``query``, or None when ``path`` is not under ``/wp-json/``."""
    if not (path == "/wp-json" or path.startswith("/wp-json/")):
        return None
    disabled = root / "wp-json" / "disabled.json"
    if disabled.is_file():
        document = json.loads(disabled.read_text("utf-8"))
        return int(document.get("data", {}).get("status", 401)), dict(_JSON), disabled.read_bytes()
    data = root / "wp-json" / "wp" / "v2" / "posts.json"
    if path.rstrip("/") != "/wp-json/wp/v2/posts" or not data.is_file():
        return _error(404, "rest_no_route", "No route was found matching the URL and request method.")
    params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    try:
        per_page = int(params.get("per_page", "10"))
        page = int(params.get("page", "1"))
    except ValueError:
        return _error(400, "rest_invalid_param", "Invalid parameter(s): per_page, page")
    if not 1 <= per_page <= 100 or page < 1:
        return _error(400, "rest_invalid_param", "Invalid parameter(s): per_page, page")
    posts = json.loads(data.read_text("utf-8"))
    gmt = params.get("dates_are_gmt", "").lower() in ("1", "true")
    for name, field, keep in (("after", "date", lambda a, b: a > b), ("before", "date", lambda a, b: a < b),
                              ("modified_after", "modified", lambda a, b: a > b),
                              ("modified_before", "modified", lambda a, b: a < b)):
        if name not in params:
            continue
        limit = _moment(params[name])
        if limit is None:
            return _error(400, "rest_invalid_param", f"Invalid parameter(s): {name}")
        column = f"{field}_gmt" if gmt else field
        posts = [p for p in posts if keep(datetime.fromisoformat(p[column]), limit)]
    posts.sort(key=lambda p: (p["date"], p["id"]), reverse=True)
    total = len(posts)
    pages = max(1, math.ceil(total / per_page)) if total else 0
    if total and page > pages or not total and page > 1:
        return _error(400, "rest_post_invalid_page_number",
                      "The page number requested is larger than the number of pages available.")
    chosen = posts[(page - 1) * per_page:page * per_page]
    fields = [f for f in params.get("_fields", "").split(",") if f]
    if fields:
        chosen = [{k: v for k, v in p.items() if k in fields} for p in chosen]
    headers = {**_JSON, "X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
    # WordPress escapes every "/" in its JSON ("https:\/\/la.usembassy.gov\/..."); so does the demo
    return 200, headers, json.dumps(chosen).replace("/", "\\/").encode()
