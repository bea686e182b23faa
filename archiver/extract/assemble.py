"""Combine the tiers of evidence into one record of raw article fields.

Per field, candidates are taken in order of trust: structured metadata first (or the family's
selectors, for the fields a family declares more reliable), then the family's selectors, then the
general fallbacks (headline elements, trafilatura, the URL, discovery hints). The first usable
candidate wins and its source is recorded in ``provenance``. Unknown fields are left out rather
than filled with empty values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from lxml import etree
from w3lib.html import replace_entities

from .byline import find_byline
from .dates import date_from_url, month_from_url, normalize_iso, parse_offset
from .dom import PageNames, page_source, parse_source, select
from .evidence import Candidate, Evidence
from .fallback import general_body
from .headline import agreement, find_headline
from .language import DeferredLanguages, detect_language, page_language
from .metadata import AUTHOR_ORGANISATION, PAGE_NODE_DATE, clean_values, read_metadata
from .pagedates import (
    choose_published,
    date_anchor,
    markup_date,
    meta_published,
    month_first,
    original_date,
    visible_dates,
)
from .sites import GENERAL, SiteResult, SiteRules, apply_rules, find_family
from .streamed import place_streamed_segments
from .text import normalize_text
from .titles import (
    fold_fullwidth,
    host_label,
    repair_mojibake,
    strip_site_name,
    strip_trailing_label,
)

SCALAR_FIELDS = ("description", "section", "canonical_url", "site_name", "language")
_URLISH = re.compile(r"^\s*(?:https?://|www\.|/)")
ARTICLE_ONLY = ("published_at", "modified_at", "authors", "section", "tags", "body")


def _short(value: str) -> str:
    """Metadata text: entities that survived parsing (double-encoded ones) decoded, whitespace
    collapsed."""
    return normalize_text(replace_entities(value))


def _ordered(name: str, meta: Evidence, site: SiteResult, rules: SiteRules) -> list[Candidate]:
    if name in rules.prefer_rules_for or name == "page_type":
        return site.evidence.get(name) + meta.get(name)
    return meta.get(name) + site.evidence.get(name)


def _instant(value: object) -> tuple[datetime, bool] | None:
    """The moment a normalised timestamp names and whether it is written in UTC; ``None`` for a
    bare day."""
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.utcoffset() is None:
        return None
    return moment, moment.utcoffset() == timedelta(0)


def _local_form(chosen: Candidate, cands: list[Candidate]) -> Candidate:
    """``chosen`` or, when it is written in UTC, another candidate naming the same moment in a
    local offset: SEO plugins convert times to UTC while the page's own date keeps the
    newsroom's clock, and the local form is the one that carries the day readers saw."""
    found = _instant(chosen.value)
    if found is None or not found[1]:
        return chosen
    for cand in cands:
        other = _instant(cand.value)
        if other is not None and not other[1] and other[0] == found[0]:
            return cand
    return chosen


def _is_institution(name: str, rules: SiteRules, site_names: list[str], url: str) -> bool:
    """Bylines naming the publisher (``VnExpress``, ``U.S. Embassy Vientiane``), not a person."""
    if rules.rejects_author(name):
        return True
    squashed = "".join(ch for ch in name.casefold() if ch.isalnum())
    label = host_label(url) or ""
    names = {"".join(ch for ch in n.casefold() if ch.isalnum()) for n in site_names}
    return squashed in names or (bool(label) and squashed == label.replace("-", ""))


def _without_title(body: str | None, title: str | None) -> str | None:
    """``body`` without a first paragraph that only repeats the headline (already in ``title``)."""
    if not body or not title:
        return body
    first, _, rest = body.partition("\n\n")
    if rest and _fold_quotes(first.strip().casefold()) == _fold_quotes(title.casefold()):
        return rest
    return body


_QUOTE_STYLE = str.maketrans("\u2018\u2019\u201b\u2032\u201c\u201d\u201e\u2033", "''''" + '""""')


def _fold_quotes(text: str) -> str:
    """``text`` with curly quotes straightened: the printed headline in the body and the chosen title
    (which may come from the metadata) can differ in quote style alone."""
    return text.translate(_QUOTE_STYLE)


def _valid_timezone(hints: dict[str, Any]) -> str | None:
    tz = hints.get("timezone")
    return tz if isinstance(tz, str) and parse_offset(tz) is not None else None


def _fallback_titles(root: etree._Element) -> list[Candidate]:
    """The first ``<h1>`` and the first ``<title>`` of the page, as title candidates (each walk stops
    at the first one)."""
    found: list[Candidate] = []
    for tag, source in (("h1", "html:h1"), ("title", "html:title")):
        el = next(root.iter(tag), None)
        if el is not None:
            found.append(Candidate(" ".join(el.itertext()), source))
    return found


def _headline(root: etree._Element, url: str, meta: Evidence, rules: SiteRules,
              site_names: list[str], fallback: list[Candidate]) -> tuple[str | None, etree._Element | None]:
    """The printed headline and its element (see ``headline.find_headline``), checked against the
    titles the page declares. ``fallback``: the page's ``_fallback_titles``."""
    patterns = rules.suffix_regexes()
    declared = [_short(c.value) for c in meta.get("title") + [c for c in fallback if c.source == "html:title"]
                if isinstance(c.value, str)]
    # the declared titles without their site-name part, so that a logo heading does not match
    declared += [strip_site_name(t, site_names=site_names, url=url, patterns=patterns)
                 for t in declared]
    return find_headline(root, declared, site_names)


def _choose_title(
    root: etree._Element, url: str, meta: Evidence, site: SiteResult, rules: SiteRules,
    site_names: list[str],
) -> tuple[str | None, str | None, etree._Element | None]:
    """``(title, source, headline element)``: the first declared or family title without its
    site name, replaced on pages no family describes by the printed headline that the declared
    titles confirm. The element anchors the date and body searches even when no title comes
    from it. A family's page takes its title from the family's selectors or the metadata, and its
    headline is looked for only when the family finds no body (see ``_headline``)."""
    patterns = rules.suffix_regexes()
    fallback = _fallback_titles(root)
    headline, anchor = (_headline(root, url, meta, rules, site_names, fallback) if rules is GENERAL
                        else (None, None))
    title: str | None = None
    source: str | None = None
    for cand in _ordered("title", meta, site, rules) + fallback:
        if isinstance(cand.value, str):
            value = strip_site_name(_short(cand.value), site_names=site_names, url=url,
                                    patterns=patterns)
            if rules is GENERAL and not cand.source.startswith("html:h"):
                value = strip_trailing_label(value)
            if value:
                title, source = value, cand.source
                break
    if headline and headline.isupper() and title and agreement(headline, [title]) >= 0.5:
        # an all-capitals heading has lost its words' case (a banner's or stylesheet's style);
        # the declared title it agrees with keeps the case and is the title readers search for
        headline = title
    if rules is GENERAL and headline:
        # some themes print the site name after the headline too ("Headline – Site")
        headline = strip_site_name(headline, site_names=site_names, url=url, patterns=patterns)
    if rules is GENERAL and headline and " | " in headline:
        # a pipe does not occur in headlines, only before the section or site a template
        # appends to the printed one too
        head = headline.split(" | ")[0].strip()
        headline = head if len(head.split()) >= 2 else headline
    if rules is GENERAL and headline and headline != title:
        # the printed headline, confirmed by the declared titles, beats an SEO title
        title, source = headline, "html:h1"
    return (fold_fullwidth(repair_mojibake(title)) if title else title), source, anchor


def _images(meta: Evidence, site: SiteResult) -> tuple[list[dict[str, str]], str | None]:
    """Lead image first (og:image, else twitter/JSON-LD), then body images; one entry per URL."""
    candidates = meta.get("images")
    og = [c for c in candidates if c.source.startswith("meta:og:")]
    lead = og or candidates
    ordered = [(c.value, c.source) for c in lead] + [(img, "body") for img in site.images]
    images: dict[str, dict[str, str]] = {}
    first_source: str | None = None
    for value, source in ordered:
        url = value.get("url") if isinstance(value, dict) else None
        if not url:
            continue
        if url in images:
            if "caption" in value and "caption" not in images[url]:
                images[url]["caption"] = value["caption"]
            continue
        images[url] = dict(value)
        first_source = first_source or source
    return list(images.values()), first_source


def _settle_language(record: dict[str, Any], provenance: dict[str, str]) -> None:
    """Let the script of the text overrule a declared language that contradicts it.

    Themes leave ``lang="en-US"`` on pages written in Lao; a Lao edition may declare nothing. The
    body is the best sample of the text; title and description stand in when there is no body.
    A declaration that agrees with the text keeps its own provenance.
    """
    sample = record.get("body") or " ".join(
        record[k] for k in ("title", "description") if isinstance(record.get(k), str)
    )
    declared = record.get("language")
    # the script of a few thousand characters is as telling as the whole text, at a fraction of
    # the cost on long pages
    code, source = detect_language(sample[:3000], declared)
    if code and source.startswith("text:") and code != declared:
        record["language"] = code
        provenance["language"] = source


def _date_languages(root: etree._Element, url: str, meta: Evidence, rules: SiteRules,
                    hints: dict[str, Any]) -> tuple[str, ...]:
    """The page's language, in which its visible dates are read (see ``language.page_language``):
    from its title and description, else its declarations, the family's URL rule and the
    registry's language passed as a hint."""
    declared: list[Any] = [c.value for c in meta.get("language")]
    declared += [code for pattern, code in rules.url_languages
                 if re.search(pattern, url or "", re.IGNORECASE)]
    listed = hints.get("languages")
    declared += [hints.get("language")] + (list(listed) if isinstance(listed, (list, tuple)) else [])
    titles = [c.value for c in meta.get("title")[:1] + meta.get("description")[:1]
              if isinstance(c.value, str)]
    if not titles:
        titles = [" ".join(el.itertext()) for el in select(root, "//title")[:1]]
    code = page_language([d for d in declared if isinstance(d, str)], " ".join(titles)[:1000])
    return (code,) if code else ()


def _general_published(root: etree._Element, anchor: etree._Element | None, meta: Evidence,
                       put: Any, html: str | bytes, url: str, languages: Sequence[str]) -> None:
    """Publication date of a page no family describes: the day the page shows near its headline,
    with the precision of a structured date on that day (see ``pagedates``). Leaves the field
    unset when the page neither shows nor declares a date, so the URL and hints can still apply.
    """
    published = [c for c in meta.get("published_at") if isinstance(c.value, str)]
    modified = [c for c in meta.get("modified_at") if isinstance(c.value, str)]
    mdy = month_first(root, meta.meta_elements)
    extra = meta_published(root, languages, mdy, meta.meta_elements)
    titles = [c.value for c in meta.get("title") if isinstance(c.value, str)]
    shown = visible_dates(root, date_anchor(root, anchor, titles), languages, mdy)
    if not shown:
        # with nothing shown, only a date that describes the article counts, not the page's
        published = [c for c in published if c.source != PAGE_NODE_DATE]
    stamps = [c.value for c in published if c.source.startswith("meta:")] + extra
    value, kind = choose_published(
        [c.value for c in published] + extra, [c.value for c in modified], shown, stamps,
        date_from_url(url),
    )
    saved = {c.value for c in modified if c.source.startswith("meta:")}
    if kind == "structured-modified" and value in saved:
        # the page presents as its date the day the CMS last saved it (the OpenGraph stamp moves
        # on every save, template updates included); the first publication is often still written
        # somewhere in the page (a "Published" line, script data) and is the one to keep
        original = original_date(html, url)
        if original and original < value[:10]:
            value, kind = original, "original"
    if not value:
        return
    sources = {c.value: "json-ld" if c.source == PAGE_NODE_DATE else c.source
               for c in reversed(published + modified)}
    if kind == "original":
        put("published_at", value, "html:original-date")
        return
    put("published_at", value, sources.get(value, "meta" if value in extra else "html:visible-date")
        if kind != "visible" else "html:visible-date")


def build_record(
    html: str | bytes, url: str, hints: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The record for one page (see ``archiver.extract.extract``)."""
    hints = hints if isinstance(hints, dict) else {}
    source = page_source(html)  # parsed once; its bytes are also what the markers and resiliparse read
    root = parse_source(source)
    if root is None or source is None:
        return {}
    if place_streamed_segments(root, source):  # a streamed React page read as it is displayed
        # the bytes resiliparse and the family markers read say the same (HTML serialisation:
        # ``<div/>`` would open a div for an HTML parser)
        source = etree.tostring(root, encoding="utf-8", method="html")
    tz = _valid_timezone(hints)
    meta = read_metadata(root, url, tz)
    names = PageNames(root)  # lets selectors the page cannot match be skipped
    rules, how = find_family(root, url, source, names)
    languages = DeferredLanguages(lambda: _date_languages(root, url, meta, rules, hints))
    page_type_site = apply_rules(rules, root, url, tz=tz, names=names, languages=languages)
    page_type_cands = _ordered("page_type", meta, page_type_site, rules)
    if rules is GENERAL and page_type_cands and page_type_cands[0].value == "listing":
        # themes put the ``blog`` body class on single posts too: a page that declares itself an
        # article is one, whatever the general body-class hint says
        page_type_cands = [c for c in page_type_cands if c.value == "article"] + page_type_cands
    page_type = page_type_cands[0].value if page_type_cands else "unknown"
    site = page_type_site
    if page_type != (page_type_site.page_type or "unknown"):
        site = apply_rules(rules, root, url, tz=tz, page_type=page_type, names=names,
                           languages=languages)

    record: dict[str, Any] = {}
    provenance: dict[str, str] = {}

    def put(name: str, value: Any, source: str) -> None:
        if value in (None, "", [], {}):
            return
        record[name] = value
        provenance[name] = source

    site_names = [_short(c.value) for c in meta.get("site_name") if isinstance(c.value, str)]
    title, title_source, anchor = _choose_title(root, url, meta, site, rules, site_names)
    if title and title_source:
        put("title", title, title_source)

    for name in SCALAR_FIELDS:
        # a URL is taken as the parser gave it: decoding entities again would turn "&amp;lang=" (already
        # "&lang=") into "〈="
        clean = str.strip if name == "canonical_url" else _short
        for cand in _ordered(name, meta, site, rules):
            if isinstance(cand.value, str) and clean(cand.value):
                put(name, clean(cand.value), cand.source)
                break

    for name in ("authors", "tags"):
        cands = _ordered(name, meta, site, rules)
        if name == "authors" and rules is GENERAL:
            # a printed byline beats a publisher that JSON-LD names as the author
            cands = ([c for c in cands if c.source != AUTHOR_ORGANISATION]
                     + [Candidate(find_byline(root, anchor), "html:byline")]
                     + [c for c in cands if c.source == AUTHOR_ORGANISATION])
        for cand in cands:
            values = cand.value if isinstance(cand.value, list) else [cand.value]
            values = clean_values([_short(v) for v in values
                                   if isinstance(v, str) and not _URLISH.match(v)])
            if name == "authors" and rules is not GENERAL:
                # a family knows its publisher; on other pages the publisher named as the
                # author is the byline the page shows
                values = [v for v in values if not _is_institution(v, rules, site_names, url)]
            if values:
                put(name, values, cand.source)
                break

    if rules is GENERAL:
        _general_published(root, anchor, meta, put, html, url, languages)
    date_cands = {
        "published_at": [c for c in _ordered("published_at", meta, site, rules)
                         if rules is not GENERAL or c.source != PAGE_NODE_DATE]
        + [Candidate(normalize_iso(hints.get("published_at"), tz), "hint:wp_rest"),
           Candidate(date_from_url(url), "url"),
           Candidate(normalize_iso(hints.get("listing_date"), tz), "hint:listing_date")],
        "modified_at": _ordered("modified_at", meta, site, rules),
    }
    for name, cands in date_cands.items():
        for cand in cands:
            if name in record:
                break
            if isinstance(cand.value, str) and cand.value:
                best = _local_form(cand, cands) if name in rules.prefer_local_offset else cand
                # provenance names the vocabulary; which JSON-LD node gave it is internal
                put(name, best.value, "json-ld" if best.source == PAGE_NODE_DATE else best.source)
                break

    if rules is GENERAL and "published_at" not in record and page_type != "listing":
        period = month_from_url(url)
        if period:
            put("published_at", markup_date(root, url, period), "html:markup-date")

    if "language" not in record and isinstance(hints.get("language"), str):
        lang = hints["language"].strip().lower()[:2]
        if len(lang) == 2 and lang.isalpha():
            put("language", lang, "hint:language")

    if site.body:
        put("body", _without_title(site.body, record.get("title")), rules.provenance)
    elif page_type != "listing":
        if rules is not GENERAL:  # a family's page whose body its selectors did not find
            anchor = _headline(root, url, meta, rules, site_names, _fallback_titles(root))[1]
        body, body_source = general_body(source, url, root, anchor)
        put("body", _without_title(body, record.get("title")), body_source)

    _settle_language(record, provenance)

    images, image_source = _images(meta, site)
    if images and image_source:
        put("images", images, rules.provenance if image_source == "body" else image_source)


    if page_type == "listing":
        for name in ARTICLE_ONLY:
            record.pop(name, None)
            provenance.pop(name, None)

    put("page_type", page_type, page_type_cands[0].source if page_type_cands else "default")
    put("family", rules.name, how)
    record["provenance"] = provenance
    return record
