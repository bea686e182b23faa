"""Until when a source's archive is known to be complete, so the next run may ask only for what changed since.

WordPress's REST API filters posts by modification time (``modified_after``): an incremental run that asks for
posts modified since the last run reads one page instead of the whole site. That is safe only if the last run
saw every post: a post that failed with a 500, timed out, was over ``--limit`` or was cut short by a signal, and
has not been edited since, would never be listed again. So the watermark moves only after a run that covered
the whole source (no ``--since``, ``--until`` or ``--limit``) through the API itself, whose every API page and
discovery document was read (none failed, none cut by ``max_pages``), and whose every discovered URL ended in a
lasting outcome: archived, unchanged, or dropped or not fetched for a reason that fetching again cannot change (a
404, a page that is not an article, an off-site URL). Otherwise it stays where it was, and the next run asks from
there; a run in which the API did not work (so discovery fell back to the sitemaps) drops it, since an API that
lists nothing must not later pass for one that has nothing new.
"""

from __future__ import annotations

from typing import Any

from archiver.accounting import account

# Outcomes that fetching the same page again would not change.
LASTING_DROPS = frozenset({
    "not_article", "no_title", "no_body", "markup_body", "too_short", "schema_invalid", "duplicate_url",
    "duplicate_content", "not_html", "empty_body", "http_404", "http_410", "offsite_redirect", "redirect_loop",
    "too_many_redirects", "bad_redirect", "robots_disallowed", "published_before_since", "published_after_until",
})
LASTING_NOT_FETCHED = frozenset({"offsite", "not_article_url", "url_too_long", "bad_url", "duplicate"})


def saw_everything(stats: dict[str, Any], source: str, spider: Any) -> bool:
    """True when this run covered ``source`` whole and left nothing a later run could still get."""
    if stats.get("finish_reason") != "finished":
        return False
    if getattr(spider, "since", None) or getattr(spider, "until", None) or getattr(spider, "limit", None):
        return False
    if not getattr(spider, "covers_sources_whole", True):  # a fetch of a few URLs is not a run of the site
        return False
    prefix = f"archiver/source/{source}/"
    if stats.get(prefix + "discovery/nothing_found") or stats.get(prefix + "storage_errors"):
        return False
    if not stats.get(prefix + "discovery/method/wp_rest"):
        return False  # the API was not how this run saw the site
    if any(k.startswith((prefix + "discovery/incomplete/", prefix + "discovery/capped/")) for k in stats):
        return False
    if stats.get(prefix + "index/damaged_parts"):
        return False
    terms = account(stats, source)
    return (terms.balanced and not terms.not_stored
            and set(terms.dropped) <= LASTING_DROPS and set(terms.not_fetched) <= LASTING_NOT_FETCHED)


def api_failed(stats: dict[str, Any], source: str) -> bool:
    """True when this run asked the API and it did not work, so discovery fell back to other documents."""
    return bool(stats.get(f"archiver/source/{source}/discovery/failed/wp_rest"))
