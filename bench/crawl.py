"""Crawl bench: archiver end to end against a bare Scrapy spider (and Scrapy + trafilatura) on one local site.

Why: archiving hundreds of sites on a small machine is bound by our own CPU work per page, not by the network.
The figure we track is how close ``archiver crawl`` (discovery, extraction, pipelines, gzip archive, index)
stays to Scrapy's own floor on the same pages: ``archiver/bare`` pages per second, measured in one run so the
two contenders see the same machine, the same site and the same server.

What it does, in one run:

1. generates a site in a temp folder: ``--pages`` article pages (default 2,000) of 30-60 KB each, the article
   text varied per page (identical bodies would be dropped as duplicates) and wrapped in the boilerplate real
   pages carry (mega menus, sidebars, share bars, related posts, inline CSS and scripts, footers), in the
   markup families we support: a ``usembassy`` WordPress site (Yoast ``/sitemap_index.xml`` ->
   ``post-sitemap*.xml`` of at most 1,000 URLs, ``/feed/``, ``/news-events/page/N/``) and, for
   ``--tagdiv-share`` of the pages, a tagDiv "Newspaper" site (``/YYYY/MM/DD/<slug>/``, its own sitemaps, feed
   and ``/category/allnews/page/N/`` listings);
2. serves it from nginx started with its own config in the temp folder (a Twisted static server in a
   subprocess when nginx is not installed, which is said in the output): ``python -m http.server`` would be
   the bottleneck;
3. runs, alternating (``bare, archiver, [trafilatura], bare, archiver, ...``, ``--repeats`` rounds), each
   contender as its own process with politeness off and the same concurrency, and measures wall time, CPU
   time and peak RSS of that process (``os.wait4``): pages/s, CPU ms/page, peak RSS; and, sampled from
   ``/proc``, CPU and summed memory (PSS) of the process with its descendants (archiver's extraction workers);
4. prints every run, the medians, the index-lookup check (per-lookup cost of the incremental index at
   growing sizes, which must not grow with the archive), and as its last line
   ``archiver/bare pages-per-second ratio: <number>``.

Contenders:

- ``bare``: Scrapy's ``SitemapSpider`` on the same sitemaps, yielding ``{url, length}`` per article: the floor.
- ``archiver``: ``archiver crawl la laotiantimes --base-url ...`` with fresh archive, state and runs folders, and
  captures off (``ARCHIVER_CAPTURE=False``), so its figures compare with runs from before captures existed.
- ``archiver-captures``: the same with captures on (the default of a real run): every exchange written as WARC
  records, finalised with its CDXJ. Against ``archiver`` it gives what captures cost, in CPU per page, pages per
  second and bytes per page (archive and captures).
- ``trafilatura``: the same sitemap spider calling ``trafilatura.extract`` (metadata on, JSON out) and writing
  JSON lines: what a generic "Scrapy plus an extractor" costs (``--contenders`` includes it by default).

Usage: ``python bench/crawl.py [--pages N] [--repeats R] [--contenders bare,archiver,archiver-captures,trafilatura]
[--tagdiv-share F] [--server auto|nginx|twisted] [--keep] [--out FILE]``. ``--pages`` takes a comma list
(``2000,20000``) to run several sizes and compare peak RSS between them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT_DIR = REPO / "bench" / "results"
CONCURRENCY = 16
LAOS = timezone(timedelta(hours=7))  # the tagDiv site's newsroom clock, as on The Laotian Times

# ---------------------------------------------------------------------------------------------------------------
# Text: varied, plausible article prose. Bodies must differ page to page (the dedupe pipeline drops identical
# bodies) and look like news text to the extractor (sentences, paragraphs of normal length).
# ---------------------------------------------------------------------------------------------------------------

SUBJECTS = (
    "The U.S. Embassy", "USAID", "The Ministry of Health", "Provincial health officials", "Local volunteers",
    "Lao and American researchers", "The Ambassador", "A team of engineers", "District education officers",
    "The Ministry of Agriculture and Forestry", "Students from the National University of Laos",
    "Representatives of civil society groups", "The Lao Women's Union", "Customs officers", "Village leaders",
    "Alumni of U.S. exchange programs", "The Peace Corps", "Officials from both governments",
)
VERBS = (
    "launched", "completed", "expanded", "reviewed", "celebrated", "funded", "hosted", "announced", "opened",
    "evaluated", "introduced", "strengthened", "supported", "presented", "inaugurated", "discussed",
)
OBJECTS = (
    "a training program for district health workers", "a new water system for rural schools",
    "a survey of unexploded ordnance", "a workshop on wildlife trafficking", "an exchange for young leaders",
    "a grant for small and medium enterprises", "a vaccine storage upgrade", "a midwifery course",
    "a seminar on coffee exports", "a disaster preparedness exercise", "an English teaching resource center",
    "a scholarship for secondary school students", "a project to protect heritage sites",
    "a public health campaign", "a study of flood risks along the river", "a fellowship for journalists",
    "a pilot program for clean cookstoves", "a series of legal aid clinics", "a rice seed improvement trial",
    "a database of cultural artifacts", "a course on cybersecurity for officials", "a mobile library service",
)
PLACES = (
    "in Vientiane", "in Luang Prabang Province", "in Savannakhet", "in Champasak", "along the Mekong",
    "in Houaphan Province", "in Xieng Khouang", "in Oudomxay", "in Attapeu", "in Bokeo", "in Khammouane",
    "in Salavan", "in Phongsaly", "in Sekong", "in Luang Namtha", "in Xaignabouli", "in Bolikhamxay",
)
WHEN = (
    "on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "last week", "this spring",
    "earlier this month", "over the past two years", "at the end of the rainy season", "in recent months",
)
TAILS = (
    "with support from local partners", "in cooperation with provincial authorities",
    "as part of a five-year partnership", "to reach families in remote villages",
    "after months of joint planning", "with funding from the American people",
    "to build skills that last beyond the project", "alongside community health volunteers",
)
PEOPLE = (
    "the Ambassador", "the deputy director of the provincial health office", "a village chief",
    "a teacher from Pakse", "the project's lead engineer", "a program officer at the embassy",
    "a fourth-year medical student", "the head of the district education bureau", "a local business owner",
)
QUOTES = (
    "This partnership shows what our two countries can achieve together",
    "The skills our staff learned this week will save lives",
    "Every family deserves clean water and a safe place to learn",
    "We are proud to support the people of Laos",
    "Young people are the future of this region, and they are ready to lead",
    "Our farmers now have better tools and better information",
    "The work is slow and careful, but every cleared field is returned to the community",
)
SECTIONS = ("Press Releases", "News", "Speeches", "Grants", "Fact Sheets", "Alert", "Education & Culture")
TAGS = ("Health", "Education", "Environment", "Trade", "UXO", "Culture", "Exchanges", "Disaster Relief",
        "Water", "Youth", "Agriculture", "Governance", "Women", "Wildlife", "Science")
AUTHORS = ("Souphaphone Keomany", "Anousone Phommachanh", "Mary Thompson", "Kham Vongsa", "Daniel Reyes",
           "Noy Sisavath", "Latsamy Inthavong", "Peter Blake")


def sentence(rng: random.Random) -> str:
    """One news-like sentence; about 10^7 combinations before numbers, so bodies never repeat."""
    kind = rng.random()
    if kind < 0.18:
        return f"\u201c{rng.choice(QUOTES)},\u201d said {rng.choice(PEOPLE)}."
    if kind < 0.32:
        n = rng.randint(12, 4800)
        return (f"More than {n:,} people {rng.choice(('took part', 'benefited', 'were trained', 'registered'))} "
                f"{rng.choice(PLACES)} {rng.choice(WHEN)}, according to {rng.choice(PEOPLE)}.")
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(PLACES)}"
    if rng.random() < 0.6:
        text += f" {rng.choice(WHEN)}"
    if rng.random() < 0.5:
        text += f" {rng.choice(TAILS)}"
    return text + "."


def paragraphs(rng: random.Random, count: int) -> list[str]:
    return [" ".join(sentence(rng) for _ in range(rng.randint(2, 5))) for _ in range(count)]


def title_for(rng: random.Random, index: int) -> str:
    subject = rng.choice(SUBJECTS).removeprefix("The ")
    obj = rng.choice(OBJECTS).removeprefix("a ").removeprefix("an ")
    verb = rng.choice(("Launches", "Completes", "Expands", "Celebrates", "Funds", "Hosts", "Opens", "Supports"))
    small = {"a", "an", "and", "for", "of", "on", "in", "the", "to", "along"}
    words = f"{subject} {verb} {obj} {rng.choice(PLACES)}".split()
    cased = [w if (w in small and i) or not w[0].isalpha() else w[0].upper() + w[1:] for i, w in enumerate(words)]
    return " ".join(cased) + f" ({index})"


def slugify(text: str) -> str:
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    return "-".join(part for part in out.split("-") if part)


# ---------------------------------------------------------------------------------------------------------------
# The site: articles with their dates, rendered in each family's markup, with sitemaps, a feed and listings.
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Post:
    index: int
    family: str
    title: str
    slug: str
    path: str
    published: datetime
    modified: datetime
    section: str
    tags: list[str]
    author: str
    body: list[str]
    target_size: int


def _css_block(rng: random.Random, rules: int) -> str:
    """Inline theme CSS, as WordPress global styles and page builders print into every page."""
    props = ("margin", "padding", "color", "font-size", "line-height", "border-bottom", "letter-spacing")
    out = []
    for i in range(rules):
        sel = f".tdi_{rng.randint(1, 999)} .td-module-{i} .entry-title, .wp-block-{i}:where(.is-layout-flex)"
        body = ";".join(f"{rng.choice(props)}:{rng.randint(0, 40)}px" for _ in range(4))
        out.append(f"{sel}{{{body}}}")
    return "\n".join(out)


_EMOJI_SETTINGS = (
    'window._wpemojiSettings = {"baseUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/14.0.0\\/72x72\\/",'
    '"ext":".png","svgUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/14.0.0\\/svg\\/","svgExt":".svg",'
    '"source":{"concatemoji":"BASE\\/wp-includes\\/js\\/wp-emoji-release.min.js?ver=6.4.3"}};\n'
    "/*! This file is auto-generated */\n"
    "!function(i,n){var o,s,e;function c(e){try{var t={supportTests:e,timestamp:(new Date).valueOf()};"
    "sessionStorage.setItem(o,JSON.stringify(t))}catch(e){}}function p(e,t,n){e.clearRect(0,0,e.canvas.width,"
    "e.canvas.height),e.fillText(t,0,0);var t=new Uint32Array(e.getImageData(0,0,e.canvas.width,e.canvas.height)"
    ".data),r=(e.clearRect(0,0,e.canvas.width,e.canvas.height),e.fillText(n,0,0),new Uint32Array(e.getImageData"
    "(0,0,e.canvas.width,e.canvas.height).data));return t.every(function(e,t){return e===r[t]})}}(window,document);"
)


class SiteWriter:
    """Writes one family's site under ``root`` with absolute URLs on ``base`` (the server's own address)."""

    def __init__(self, root: Path, base: str, family: str, site_name: str) -> None:
        self.root = root
        self.base = base
        self.family = family
        self.site_name = site_name

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel.lstrip("/")
        if rel.endswith("/"):
            path = path / ("index.xml" if "/feed/" in rel else "index.html")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    # -- furniture shared by both families, sized to the page's target --------------------------------------

    def menu(self, rng: random.Random, items: int) -> str:
        lis = []
        for i in range(items):
            name = rng.choice(TAGS + SECTIONS)
            subs = "".join(
                f'<li class="menu-item menu-item-type-post_type menu-item-object-page menu-item-{i}{j}">'
                f'<a href="{self.base}/{slugify(name)}/{j}/">{escape(name)} {j}</a></li>'
                for j in range(rng.randint(0, 4))
            )
            lis.append(f'<li id="menu-item-{i}" class="menu-item menu-item-type-taxonomy menu-item-{i}">'
                       f'<a href="{self.base}/category/{slugify(name)}/">{escape(name)}</a>'
                       + (f'<ul class="sub-menu">{subs}</ul>' if subs else "") + "</li>")
        return "\n".join(lis)

    def filler_items(self, rng: random.Random, posts: list[Post], count: int) -> Iterator[str]:
        """Links to other posts with dates and excerpts: the related/latest/most-read boxes real pages carry."""
        for _ in range(count):
            other = posts[rng.randrange(len(posts))]
            yield (f'<li class="related-item"><a href="{self.base}{other.path}">{escape(other.title)}</a> '
                   f'<span class="related-date">{other.published:%B %-d, %Y}</span> '
                   f'<span class="related-excerpt">{escape(other.body[0][:140])}&hellip;</span></li>')

    def pad(self, head: str, tail: str, rng: random.Random, posts: list[Post], target: int, wrap: str) -> str:
        """Insert a "More news" box of links between ``head`` and ``tail`` until the page reaches ``target``."""
        size = len(head) + len(tail)
        items: list[str] = []
        for item in self.filler_items(rng, posts, 10_000):
            if size >= target:
                break
            items.append(item)
            size += len(item) + 1
        return head + wrap.format(items="\n".join(items)) + tail

    # -- usembassy ---------------------------------------------------------------------------------------

    def embassy_post(self, post: Post, posts: list[Post], rng: random.Random) -> str:
        b, t = self.base, escape(post.title)
        url = f"{b}{post.path}"
        suffix = f" | {self.site_name}"
        graph = {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebPage", "@id": url, "url": url, "name": post.title + suffix,
                 "datePublished": post.published.isoformat(), "dateModified": post.modified.isoformat(),
                 "inLanguage": "en-US", "breadcrumb": {"@id": url + "#breadcrumb"}},
                {"@type": "BreadcrumbList", "@id": url + "#breadcrumb", "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Home", "item": b + "/"},
                    {"@type": "ListItem", "position": 2, "name": "News & Events", "item": b + "/news-events/"},
                    {"@type": "ListItem", "position": 3, "name": post.title}]},
                {"@type": "WebSite", "@id": b + "/#website", "url": b + "/", "name": self.site_name},
                {"@type": "Organization", "@id": b + "/#organization", "name": self.site_name, "url": b + "/",
                 "sameAs": ["https://www.facebook.com/usembassyvientiane", "https://x.com/USEmbassyLaos"]},
            ],
        }
        cat = post.section
        previous = posts[post.index - 1]
        body_html = []
        for i, para in enumerate(post.body):
            if i == 3:
                body_html.append(f"<h2>{escape(rng.choice(OBJECTS)).capitalize()}</h2>")
            if i == 5:
                body_html.append("<ul>" + "".join(f"<li>{escape(sentence(rng))}</li>" for _ in range(3)) + "</ul>")
            body_html.append(f"<p>{escape(para)}</p>")
        share = "".join(
            f'<a class="a2a_button_{n}" href="https://www.addtoany.com/add_to/{n}?linkurl={url}&amp;linkname={t}" '
            f'title="{n.title()}" rel="nofollow noopener" target="_blank">{n.title()}</a>'
            for n in ("facebook", "twitter", "linkedin", "email", "whatsapp")
        )
        tags = ", ".join(f'<a href="{b}/tag/{slugify(tag)}/" rel="tag">{escape(tag)}</a>' for tag in post.tags)
        head = f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{t}{escape(suffix)}</title>
<meta name="description" content="{escape(post.body[0][:150])}" />
<link rel="canonical" href="{url}" />
<meta property="og:locale" content="en_US" />
<meta property="og:type" content="article" />
<meta property="og:title" content="{t}{escape(suffix)}" />
<meta property="og:url" content="{url}" />
<meta property="og:site_name" content="{escape(self.site_name)}" />
<meta property="article:published_time" content="{post.published.isoformat()}" />
<meta property="article:modified_time" content="{post.modified.isoformat()}" />
<meta name="twitter:card" content="summary_large_image" />
<meta name="twitter:label1" content="Written by" /><meta name="twitter:data1" content="U.S. Embassy Vientiane" />
<script type="application/ld+json" class="yoast-schema-graph">{json.dumps(graph)}</script>
<link rel='stylesheet' id='wp-block-library-css' href='{b}/wp-includes/css/dist/block-library/style.min.css' />
<link rel='stylesheet' id='addtoany-css' href='{b}/wp-content/plugins/add-to-any/addtoany.min.css?ver=1.16' />
<link rel='stylesheet' id='cms3-style-css' href='{b}/wp-content/themes/cms3/style.css?ver=3.8.2' />
<style id='global-styles-inline-css'>
{_css_block(rng, rng.randint(40, 80))}
</style>
<script>{_EMOJI_SETTINGS.replace("BASE", b)}</script>
<script type="text/javascript" src="{b}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1"></script>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-BENCH0001"></script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}gtag('js',new Date());
gtag('config','G-BENCH0001',{{'anonymize_ip':true}});</script>
</head>
<body class="post-template-default single single-post postid-{post.index} single-format-standard">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<div id="page" class="site">
<section class="usa-banner" aria-label="Official website of the United States government"><div class="usa-accordion">
<header class="usa-banner__header"><p class="usa-banner__header-text">An official website of the United States
government</p><p class="usa-banner__header-action">Here&#8217;s how you know</p></header></div></section>
<header id="masthead" class="site-header" role="banner">
<div class="site-branding"><a href="{b}/" rel="home" class="custom-logo-link"><img src="{b}/wp-content/uploads/logo.png"
 class="custom-logo" alt="{escape(self.site_name)}" /></a></div>
<nav id="site-navigation" class="main-navigation" role="navigation" aria-label="Primary Menu">
<div class="menu-primary-container"><ul id="primary-menu" class="menu">
{self.menu(rng, rng.randint(14, 24))}
</ul></div></nav></header>
<div id="content" class="site-content">
<div class="breadcrumbs"><a href="{b}/">Home</a> | <a href="{b}/news-events/">News &amp; Events</a> |
<span class="breadcrumb_last" aria-current="page">{t}</span></div>
<div id="primary" class="content-area"><main id="main" class="site-main" role="main">
<article id="post-{post.index}" class="post-{post.index} post type-post status-publish format-standard hentry">
<header class="entry-header"><h1 class="entry-title">{t}</h1>
<div class="entry-meta"><p class="mo-meta">By U.S. Embassy Vientiane | <span class="posted-on"><time
 class="entry-date published" datetime="{post.published.isoformat()}">{post.published:%-d %B, %Y}</time><time
 class="updated" datetime="{post.modified.isoformat()}" hidden>{post.modified:%-d %B, %Y}</time></span> | Topics:
 <a href="{b}/category/{slugify(cat)}/" rel="category tag">{escape(cat)}</a></p></div></header>
<div class="entry-content">
{chr(10).join(body_html)}
<div class="addtoany_share_save_container addtoany_content"><div class="addtoany_header">Share:</div>
<div class="a2a_kit a2a_kit_size_32 addtoany_list" data-a2a-url="{url}">{share}</div></div>
</div>
<footer class="entry-footer"><span class="tags-links">Tags: {tags}</span></footer>
</article>
<nav class="navigation post-navigation" aria-label="Posts"><div class="nav-links">
<div class="nav-previous"><a href="{b}{previous.path}" rel="prev">{escape(previous.title)}</a></div>
</div></nav>
<section class="related-posts"><h3>Related Articles</h3><ul>
{chr(10).join(self.filler_items(rng, posts, 4))}
</ul></section>
</main></div>
<aside id="secondary" class="widget-area" role="complementary">
<section class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>
{chr(10).join(self.filler_items(rng, posts, 6))}
</ul></section>
<section class="widget widget_custom_html"><h2 class="widget-title">Alerts</h2><div class="textwidget"><p>U.S.
citizens in Laos can receive security and health alerts by email. <a href="https://step.state.gov/">Enroll in
STEP</a>.</p></div></section>
"""
        tail = f"""
<section class="widget social-links"><h2 class="widget-title">Follow us:</h2><ul class="social-links-list">
<li><a class="social-facebook" href="https://www.facebook.com/usembassyvientiane">Facebook</a></li>
<li><a class="social-x" href="https://x.com/USEmbassyLaos">X</a></li></ul></section>
</aside></div>
<footer id="colophon" class="site-footer" role="contentinfo"><div class="footer-widgets">
<section class="widget widget_nav_menu"><h2 class="widget-title">Embassy</h2><ul class="menu">
{self.menu(rng, 8)}</ul></section></div>
<div class="site-info"><p class="footer-disclaimer">This is the official website of the {escape(self.site_name)}.
External links to other Internet sites should not be construed as an endorsement of the views or privacy policies
contained therein.</p></div></footer></div>
<script src="{b}/wp-content/themes/cms3/assets/js/navigation.js?ver=3.8.2"></script>
<script src="{b}/wp-content/themes/cms3/assets/js/uswds-init.min.js?ver=3.8.2"></script>
</body>
</html>
"""
        return self.pad(head, tail, rng, posts, post.target_size,
                        '<section class="widget widget_archive"><h2 class="widget-title">More News</h2><ul>\n'
                        "{items}\n</ul></section>")

    # -- tagDiv ------------------------------------------------------------------------------------------

    def tagdiv_post(self, post: Post, posts: list[Post], rng: random.Random) -> str:
        b, t = self.base, escape(post.title)
        url = f"{b}{post.path}"
        local = post.published.astimezone(LAOS)
        graph = {"@context": "https://schema.org", "@graph": [
            {"@type": "Article", "@id": url + "#article", "headline": post.title,
             "datePublished": post.published.isoformat(), "dateModified": post.modified.isoformat(),
             "author": {"name": post.author}, "articleSection": [post.section]},
            {"@type": "WebPage", "@id": url, "url": url, "name": f"{post.title} - {self.site_name}"}]}
        blocks = []
        for i, para in enumerate(post.body):
            blocks.append(f"<p>{escape(para)}</p>")
            if i == 2:
                blocks.append('<div class="td-a-rec td-a-rec-id-content_inline"><span class="td-adspot-title">'
                              '- Advertisement -</span><a href="https://example.com/ad" class="td_spot_img_all">'
                              f'<img src="{b}/wp-content/uploads/ad.jpg" alt="spot_img"/></a></div>')
        cats = (f'<a class="tdb-entry-category" href="{b}/category/{slugify(post.section)}/">'
                f'<span class="tdb-cat-bg"></span>{escape(post.section)}</a>')
        head = f"""<!doctype html>
<html lang="en-US">
<head>
<meta charset="UTF-8" />
<title>{t} - {escape(self.site_name)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="canonical" href="{url}" />
<meta property="og:type" content="article" />
<meta property="og:title" content="{t} - {escape(self.site_name)}" />
<meta property="og:url" content="{url}" />
<meta property="og:site_name" content="{escape(self.site_name)}" />
<meta property="article:published_time" content="{post.published.isoformat()}" />
<meta property="article:modified_time" content="{post.modified.isoformat()}" />
<meta name="author" content="{escape(post.author)}" />
<script type="application/ld+json" class="yoast-schema-graph">{json.dumps(graph)}</script>
<link rel="stylesheet" id="td-theme-css" href="{b}/wp-content/themes/Newspaper/style.css?ver=12.6.5" />
<link rel="stylesheet" id="td-plugin-2-css" href="{b}/wp-content/plugins/td-cloud-library/assets/css/tdb_main.css" />
<style>
{_css_block(rng, rng.randint(60, 110))}
</style>
<script>var tdBlocksArray = [];var tdLocalCache = {{}};var td_ajax_url="{b}/wp-admin/admin-ajax.php";
var tds_login_sing_in_widget="show";var td_magnific_popup_translation_tPrev="Previous (Left arrow key)";</script>
</head>
<body class="post-template-default single single-post postid-{post.index} single-format-standard td-standard-pack
 tdb-template td-full-layout" itemscope="itemscope" itemtype="https://schema.org/WebPage">
<div class="td-scroll-up"><i class="td-icon-menu-up"></i></div>
<div id="td-outer-wrap" class="td-theme-wrap">
<div class="td-header-template-wrap"><div class="td-header-desktop-wrap">
<div class="td_block_wrap tdb_header_date"><div class="tdb-block-inner td-fix-index"><div class="tdb-head-date-txt">
Tuesday, June 18, 2024</div></div></div>
<div class="td_block_wrap tdb_header_weather"><div class="tdb-block-inner td-fix-index"><div class="tdb-weather-deg">
28.3</div><div class="tdb-weather-city">Vientiane</div></div></div>
<div class="td_block_wrap tdb_header_menu"><div class="tdb-block-inner td-fix-index">
<ul class="tdb-block-menu tdb-menu">
{self.menu(rng, rng.randint(14, 24))}
</ul></div></div></div></div>
<div class="td-main-content-wrap td-container-wrap"><div class="tdc-row"><div class="vc_row wpb_row td-pb-row">
<div class="vc_column tdi_40 wpb_column vc_column_container tdc-column td-pb-span8"><div class="wpb_wrapper">
<div class="td_block_wrap tdb_single_categories td-pb-border-top">
<div class="tdb-category td-fix-index">{cats}</div></div>
<div class="td_block_wrap tdb_title tdi_43 tdb-single-title"><div class="tdb-block-inner td-fix-index">
<h1 class="tdb-title-text">{t}</h1></div></div>
<div class="td_block_wrap tdb_single_author tdb-post-meta"><div class="tdb-block-inner td-fix-index">
<div class="tdb-author-name-wrap"><span class="tdb-author-by">By</span> <a class="tdb-author-name"
 href="{b}/author/{slugify(post.author)}/">{escape(post.author)}</a></div></div></div>
<div class="td_block_wrap tdb_single_date tdb-post-meta"><div class="tdb-block-inner td-fix-index"><time
 class="entry-date updated td-module-date" datetime="{local.isoformat()}">{local:%B %-d, %Y}</time></div></div>
<div class="td_block_wrap tdb_single_post_share"><div class="td-post-sharing-visible">
<a class="td-social-sharing-button td-social-facebook" href="https://www.facebook.com/sharer.php?u={url}">Facebook</a>
<a class="td-social-sharing-button td-social-twitter" href="https://twitter.com/intent/tweet?url={url}">Twitter</a>
</div></div>
<div class="td_block_wrap tdb_single_content tdi_49 td-pb-border-top td_block_template_1 td-post-content tagdiv-type">
<div class="tdb-block-inner td-fix-index">
{chr(10).join(blocks)}
</div></div>
<div class="td_block_wrap tdb_single_author_box"><div class="tdb-author-info"><a class="tdb-author-name"
 href="{b}/author/{slugify(post.author)}/">{escape(post.author)}</a><div class="tdb-author-descr">Reporter covering
 development, health and the economy.</div></div></div>
<div class="td_block_wrap tdb_single_related"><div class="td-block-title-wrap"><h4 class="td-block-title">
<span>More like this</span></h4></div><ul>
{chr(10).join(self.filler_items(rng, posts, 6))}
</ul></div>
<div class="td_block_wrap tdb_single_comments"><div class="comments" id="comments"><div id="respond"
 class="comment-respond"><h3 id="reply-title" class="comment-reply-title">LEAVE A REPLY</h3><form method="post"
 id="commentform" class="comment-form"><textarea name="comment" placeholder="Comment:"></textarea>
<input name="author" placeholder="Name:*" type="text" value="" /><input name="email" placeholder="Email:*"
 type="text" value="" /></form></div></div></div>
</div></div>
<div class="vc_column wpb_column vc_column_container tdc-column td-pb-span4"><div class="wpb_wrapper">
"""
        tail = f"""
</div></div></div></div></div>
<div class="td-footer-template-wrap"><div class="td_block_wrap tdb_header_menu"><ul class="tdb-block-menu">
{self.menu(rng, 10)}
</ul></div><div class="tdb-footer-copy">&copy; {escape(self.site_name)}. All rights reserved.</div></div>
</div>
<script src="{b}/wp-content/themes/Newspaper/js/tagdiv_theme.min.js?ver=12.6.5"></script>
</body>
</html>
"""
        return self.pad(head, tail, rng, posts, post.target_size,
                        '<div class="td_block_wrap td_block_15"><div class="td-block-title-wrap"><h4 '
                        'class="td-block-title"><span>Just In</span></h4></div><ul>\n{items}\n</ul></div>')

    # -- discovery documents -----------------------------------------------------------------------------

    def sitemaps(self, posts: list[Post], per_file: int = 1000) -> None:
        """Yoast layout: an index of ``post-sitemap.xml``, ``post-sitemap2.xml``, ... plus page/category maps."""
        newest_first = sorted(posts, key=lambda p: p.published)
        children = []
        for n, start in enumerate(range(0, len(newest_first), per_file), start=1):
            chunk = newest_first[start:start + per_file]
            name = "post-sitemap.xml" if n == 1 else f"post-sitemap{n}.xml"
            urls = "".join(f"\t<url>\n\t\t<loc>{self.base}{p.path}</loc>\n\t\t<lastmod>{p.modified.isoformat()}"
                           f"</lastmod>\n\t</url>\n" for p in chunk)
            self.write(name, '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                       f'schemas/sitemap/0.9">\n{urls}</urlset>\n')
            children.append((name, chunk[-1].modified))
        self.write("page-sitemap.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.'
                   f'sitemaps.org/schemas/sitemap/0.9">\n\t<url><loc>{self.base}/contact/</loc></url>\n</urlset>\n')
        children.append(("page-sitemap.xml", newest_first[-1].modified))
        entries = "".join(f"\t<sitemap>\n\t\t<loc>{self.base}/{name}</loc>\n\t\t<lastmod>{when.isoformat()}"
                          f"</lastmod>\n\t</sitemap>\n" for name, when in children)
        self.write("sitemap_index.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://'
                   f'www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</sitemapindex>\n')
        self.write("robots.txt", f"User-agent: *\nDisallow: /wp-admin/\nSitemap: {self.base}/sitemap_index.xml\n")

    def feed(self, posts: list[Post]) -> None:
        newest = sorted(posts, key=lambda p: p.published, reverse=True)[:10]
        items = "".join(
            f"<item><title>{escape(p.title)}</title><link>{self.base}{p.path}</link>"
            f"<pubDate>{format_datetime(p.published)}</pubDate><category><![CDATA[{p.section}]]></category>"
            f"<description><![CDATA[{p.body[0][:200]}]]></description></item>\n" for p in newest)
        self.write("/feed/", f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>'
                   f"{escape(self.site_name)}</title><link>{self.base}/</link>\n{items}</channel></rss>\n")

    def listings(self, posts: list[Post], path: str, per_page: int = 10) -> None:
        """Paginated listing pages, newest first (used by discovery only when sitemaps and feed fail)."""
        newest = sorted(posts, key=lambda p: p.published, reverse=True)
        pages = max(1, -(-len(newest) // per_page))
        for n in range(1, pages + 1):
            chunk = newest[(n - 1) * per_page:n * per_page]
            here = path if n == 1 else f"{path}page/{n}/"
            nxt = (f'<a class="next page-numbers" aria-label="next-page" href="{self.base}{path}page/{n + 1}/">'
                   "Next</a>" if n < pages else "")
            if self.family == "tagdiv":
                entries = "".join(
                    f'<div class="td_module_wrap td_module_flex"><h3 class="entry-title td-module-title"><a '
                    f'href="{self.base}{p.path}">{escape(p.title)}</a></h3><time class="entry-date" '
                    f'datetime="{p.published.astimezone(LAOS).isoformat()}">{p.published:%B %-d, %Y}</time></div>'
                    for p in chunk)
                body_class = "archive category"
            else:
                entries = "".join(
                    f'<article class="post type-post"><h2 class="entry-title"><a href="{self.base}{p.path}">'
                    f'{escape(p.title)}</a></h2><h2 class="entry-date">{p.published:%B %-d, %Y}</h2>'
                    f"<p>{escape(p.body[0][:160])}</p></article>" for p in chunk)
                body_class = "archive category"
            self.write(here, f'<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8"><title>News - '
                       f'{escape(self.site_name)}</title></head><body class="{body_class}"><main id="main">'
                       f'{entries}<nav class="pagination">{nxt}</nav></main></body></html>\n')


@dataclass
class Site:
    """A generated site: where it lives and what it holds."""

    root: Path
    families: dict[str, int]  # family -> article count
    bytes_total: int
    seconds: int | float
    sizes: list[int] = field(default_factory=list)


def make_posts(family: str, count: int, rng: random.Random) -> list[Post]:
    start = datetime(2014, 1, 6, 2, 0, tzinfo=UTC)
    posts = []
    for i in range(count):
        published = start + timedelta(hours=3.7 * i, minutes=rng.randint(0, 59))
        title = title_for(rng, i)
        slug = slugify(title)
        path = f"/{slug}/" if family == "usembassy" else f"/{published.astimezone(LAOS):%Y/%m/%d}/{slug}/"
        posts.append(Post(
            index=i, family=family, title=title, slug=slug, path=path, published=published,
            modified=published + timedelta(hours=rng.randint(1, 48)), section=rng.choice(SECTIONS),
            tags=rng.sample(TAGS, rng.randint(1, 3)), author=rng.choice(AUTHORS),
            body=paragraphs(rng, rng.randint(5, 12)), target_size=rng.randint(30_000, 60_000),
        ))
    return posts


def generate_site(root: Path, pages: int, tagdiv_share: float, ports: dict[str, int], seed: int = 7) -> Site:
    """Write both families' sites under ``root/<family>`` with absolute URLs on their local ports."""
    started = time.perf_counter()
    rng = random.Random(seed)
    tagdiv = round(pages * tagdiv_share)
    counts = {"usembassy": pages - tagdiv, "tagdiv": tagdiv}
    sizes: list[int] = []
    for family, count in counts.items():
        if not count:
            continue
        writer = SiteWriter(root / family, f"http://127.0.0.1:{ports[family]}", family,
                            "U.S. Embassy in Laos" if family == "usembassy" else "Laotian Times")
        posts = make_posts(family, count, rng)
        render = writer.embassy_post if family == "usembassy" else writer.tagdiv_post
        for post in posts:
            text = render(post, posts, rng)
            sizes.append(len(text.encode("utf-8")))
            writer.write(post.path, text)
        writer.sitemaps(posts)
        writer.feed(posts)
        writer.listings(posts, "/news-events/" if family == "usembassy" else "/category/allnews/")
        writer.write("/contact/", '<!DOCTYPE html><html><head><meta property="og:type" content="website">'
                     '<title>Contact</title></head><body class="page"><div class="mo-page-content"><p>Contact us.'
                     "</p></div></body></html>")
    total = sum(f.stat().st_size for f in root.rglob("*") if f.is_file())
    return Site(root, {k: v for k, v in counts.items() if v}, total, time.perf_counter() - started, sizes)


# ---------------------------------------------------------------------------------------------------------------
# The server: nginx with its own config (or Twisted's static server), on ports chosen before the site is written.
# ---------------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode} before listening on {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"server did not listen on port {port} within {timeout:.0f}s")


NGINX_CONF = """\
{user}worker_processes 1;
daemon off;
master_process on;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    include {mime};
    default_type application/octet-stream;
    types {{ application/xml xml; }}
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    open_file_cache max=50000 inactive=60s;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{servers}
}}
"""
NGINX_SERVER = """\
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html index.xml;
        charset utf-8;
        charset_types text/html application/xml;
        location / {{ try_files $uri $uri/ =404; }}
    }}
"""

TWISTED_SERVER = """\
import sys
from twisted.internet import reactor
from twisted.web import server, static

for pair in sys.argv[1:]:
    port, root = pair.split("=", 1)
    resource = static.File(root)
    resource.indexNames = ["index.html", "index.xml"]
    resource.contentTypes[".xml"] = "application/xml"
    reactor.listenTCP(int(port), server.Site(resource), interface="127.0.0.1")
reactor.run()
"""


@dataclass
class Server:
    kind: str
    proc: subprocess.Popen[bytes]
    note: str = ""

    def cpu_seconds(self) -> float:
        """CPU used so far by the server's processes (master and workers), from /proc."""
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        pids = [self.proc.pid]
        with contextlib.suppress(OSError):
            pids += [int(p) for p in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()]
        for pid in pids:
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_server(choice: str, tmp: Path, roots: dict[int, Path]) -> Server:
    """nginx when installed (and ``choice`` allows), else Twisted's static server in a subprocess."""
    nginx = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if choice in ("auto", "nginx") and nginx:
        conf = tmp / "nginx.conf"
        mime = next((p for p in ("/etc/nginx/mime.types",) if Path(p).exists()), None)
        servers = "".join(NGINX_SERVER.format(port=port, root=root) for port, root in roots.items())
        conf.write_text(NGINX_CONF.format(
            user="user root root;\n" if os.geteuid() == 0 else "", tmp=tmp, servers=servers,
            mime=mime or conf.with_name("mime.types")))
        if not mime:
            conf.with_name("mime.types").write_text("types { text/html html; application/xml xml; }\n")
        proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp), "-e", str(tmp / "nginx-error.log")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            for port in roots:
                wait_for_port(port, proc)
        except RuntimeError as exc:
            err = proc.stderr.read().decode(errors="replace") if proc.poll() is not None and proc.stderr else ""
            with contextlib.suppress(Exception):
                Server("nginx", proc).stop()
            if choice == "nginx":
                raise RuntimeError(f"nginx failed: {exc} {err}") from exc
            print(f"nginx failed to start ({exc} {err.strip()}); falling back to Twisted", file=sys.stderr)
        else:
            return Server("nginx", proc, f"nginx ({nginx}, 1 worker)")
    elif choice == "nginx":
        raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
    script = tmp / "static_server.py"
    script.write_text(TWISTED_SERVER)
    proc = subprocess.Popen([sys.executable, str(script), *(f"{port}={root}" for port, root in roots.items())],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for port in roots:
        wait_for_port(port, proc)
    note = "Twisted static server (nginx not installed: the server shares the CPU and is slower)"
    if choice == "auto":
        print(f"note: serving with {note}", file=sys.stderr)
    return Server("twisted", proc, note)


# ---------------------------------------------------------------------------------------------------------------
# The contenders.
# ---------------------------------------------------------------------------------------------------------------

SITEMAP_SPIDER = '''\
"""Bench floor: discover articles from the Yoast sitemaps and yield {url, length}; optionally trafilatura."""

import json
import re

from scrapy.spiders import SitemapSpider

EMBASSY_NOT_POSTS = re.compile(r"^/(category|tag|author|page|feed|wp-content|wp-json|wp-admin|news-events)(/|$)")
TAGDIV_POSTS = re.compile(r"^/\\d{4}/\\d{2}/\\d{2}/[^/?#]+/?$")


class BenchSpider(SitemapSpider):
    name = "bench"
    sitemap_follow = [r"/post-sitemap\\d*\\.xml(\\.gz)?$"]

    def __init__(self, bases="", mode="bare", stats_out="", **kwargs):
        self.sitemap_urls = [b.rstrip("/") + "/sitemap_index.xml" for b in bases.split(",") if b]
        self.mode = mode
        self.stats_out = stats_out
        super().__init__(**kwargs)

    def sitemap_filter(self, entries):
        for entry in entries:
            path = "/" + entry["loc"].split("/", 3)[-1] if entry["loc"].count("/") >= 3 else "/"
            if path == "/" or EMBASSY_NOT_POSTS.match(path) and not TAGDIV_POSTS.match(path):
                continue
            yield entry

    def parse(self, response):
        if self.mode == "trafilatura":
            import trafilatura

            found = trafilatura.extract(response.text, url=response.url, with_metadata=True,
                                        output_format="json", include_comments=False)
            record = json.loads(found) if found else {}
            record["url"] = response.url
            yield record
        else:
            yield {"url": response.url, "length": len(response.body)}

    def closed(self, reason):
        if self.stats_out:
            with open(self.stats_out, "w") as out:
                json.dump(self.crawler.stats.get_stats(), out, default=str)
'''

SHARED_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": str(CONCURRENCY),
    "CONCURRENT_REQUESTS_PER_DOMAIN": str(CONCURRENCY),
    "ROBOTSTXT_OBEY": "False",
    "LOG_LEVEL": "WARNING",
}


@dataclass
class Result:
    contender: str
    round: int
    pages: int
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    server_cpu_s: float
    detail: str = ""
    tree_cpu_s: float = 0.0
    tree_rss_mb: float = 0.0
    archive_bytes: int = 0  # what the run stored: archive parts, and WARCs with their CDXJ
    capture_bytes: int = 0

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.wall_s if self.wall_s else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.cpu_s / self.pages if self.pages else float("nan")

    @property
    def tree_cpu_ms_per_page(self) -> float:
        return 1000 * self.tree_cpu_s / self.pages if self.pages else float("nan")


_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """Parent pid and CPU seconds (user + system) of a live process, from ``/proc/<pid>/stat``."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()  # the command name may hold spaces and parentheses
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS


def _memory_kb(pid: int) -> int:
    """The process's proportional set size (PSS): workers forked from one forkserver share most of their pages,
    and summing plain RSS would count those once per worker. Plain RSS where the kernel gives no PSS."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


class TreeSampler(threading.Thread):
    """Samples a process and all its descendants every 0.2 s: the peak of their summed memory (PSS), and each
    descendant's CPU time. ``os.wait4`` sees only the crawl process, but archiver extracts in worker
    processes (a forkserver's children, never reaped by the crawl process), whose memory and CPU are part
    of what a crawl costs."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.descendant_cpu: dict[int, float] = {}
        self.done = threading.Event()

    def _descendants(self) -> list[int]:
        parents: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and (stat := _proc_stat(int(entry.name))):
                parents.setdefault(stat[0], []).append(int(entry.name))
        found, todo = [], [self.pid]
        while todo:
            children = parents.get(todo.pop(), [])
            found += children
            todo += children
        return found

    def sample(self) -> None:
        descendants = self._descendants()
        self.peak_kb = max(self.peak_kb, sum(_memory_kb(p) for p in [self.pid, *descendants]))
        for pid in descendants:
            if stat := _proc_stat(pid):
                self.descendant_cpu[pid] = max(self.descendant_cpu.get(pid, 0.0), stat[1])

    def run(self) -> None:
        while not self.done.wait(0.2):
            self.sample()


def measure(cmd: list[str], cwd: Path, log: Path, server: Server) -> dict[str, float]:
    """Run ``cmd`` and return its wall s, CPU s and peak RSS MB (``os.wait4``: the process itself), the same for
    the process with all its descendants (sampled, see ``TreeSampler``), the server's CPU s and the exit code."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY_")}
    server_before = server.cpu_seconds()
    started = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        sampler.done.set()
        sampler.join()
    wall = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    rss = usage.ru_maxrss / 1024
    return {"wall": wall, "cpu": cpu, "rss": rss, "tree_cpu": cpu + sum(sampler.descendant_cpu.values()),
            "tree_rss": sampler.peak_kb / 1024 or rss, "server_cpu": server.cpu_seconds() - server_before,
            "code": os.waitstatus_to_exitcode(status)}


def run_bare(work: Path, bases: dict[str, str], round_: int, server: Server, mode: str) -> Result:
    spider = work / "bench_spider.py"
    spider.write_text(SITEMAP_SPIDER)
    stats = work / f"{mode}-{round_}-stats.json"
    cmd = [sys.executable, "-m", "scrapy", "runspider", str(spider), "-a", f"bases={','.join(bases.values())}",
           "-a", f"mode={mode}", "-a", f"stats_out={stats}"]
    for name, value in SHARED_SETTINGS.items():
        cmd += ["-s", f"{name}={value}"]
    out = work / f"{mode}-{round_}.jsonl"
    if mode == "trafilatura":
        cmd += ["-o", str(out)]
    m = measure(cmd, work, work / f"{mode}-{round_}.log", server)
    code = m["code"]
    data = json.loads(stats.read_text()) if stats.exists() else {}
    pages = int(data.get("item_scraped_count", 0))
    detail = f"exit {code}; responses {data.get('response_received_count', 0)}"
    if code != 0 or not data:
        detail += f"; see {work / f'{mode}-{round_}.log'}"
    out.unlink(missing_ok=True)
    return Result(mode, round_, pages, m["wall"], m["cpu"], m["rss"], m["server_cpu"], detail, m["tree_cpu"],
                  m["tree_rss"])


def run_archiver(work: Path, bases: dict[str, str], round_: int, server: Server, captures: bool = False) -> Result:
    contender = "archiver-captures" if captures else "archiver"
    run_dir = work / f"{contender}-{round_}"
    shutil.rmtree(run_dir, ignore_errors=True)
    sources = {"usembassy": "la", "tagdiv": "laotiantimes"}
    cmd = [sys.executable, "-m", "archiver.cli", "crawl", *(sources[f] for f in bases), "--parallel", "1",
           "--archive", str(run_dir / "archive"), "--state", str(run_dir / "state"), "--runs", str(run_dir / "runs"),
           "--captures", str(run_dir / "captures")]
    if not captures:
        cmd += ["-s", "ARCHIVER_CAPTURE=False"]
    for family, base in bases.items():
        cmd += ["--base-url", f"{sources[family]}={base}"]
    for name, value in SHARED_SETTINGS.items():
        cmd += ["-s", f"{name}={value}"]
    m = measure(cmd, REPO, work / f"{contender}-{round_}.log", server)
    code = m["code"]
    reports = sorted((run_dir / "runs").glob("*.json"))
    pages = records = 0
    dropped: dict[str, int] = {}
    if reports:
        report = json.loads(reports[-1].read_text())
        for row in report.get("sources", []):
            pages += row.get("pages", 0)
            records += row.get("records", 0)
            for reason, n in row.get("dropped", {}).items():
                dropped[reason] = dropped.get(reason, 0) + n
    archive_bytes = sum(f.stat().st_size for f in (run_dir / "archive").rglob("*.gz"))
    capture_bytes = sum(f.stat().st_size for f in (run_dir / "captures").rglob("*") if f.is_file()
                        and f.name.endswith((".warc.gz", ".cdxj")))
    detail = f"exit {code}; records {records}; archive {archive_bytes / 1e6:.1f} MB"
    if captures:
        detail += f"; captures {capture_bytes / 1e6:.1f} MB"
    if dropped:
        detail += "; dropped " + ", ".join(f"{k} {v}" for k, v in sorted(dropped.items()))
    if code != 0:
        detail += f"; see {work / f'{contender}-{round_}.log'}"
    shutil.rmtree(run_dir, ignore_errors=True)
    return Result(contender, round_, pages, m["wall"], m["cpu"], m["rss"], m["server_cpu"], detail, m["tree_cpu"],
                  m["tree_rss"], archive_bytes, capture_bytes)


# ---------------------------------------------------------------------------------------------------------------
# The incremental index: per-lookup cost at growing sizes must stay flat (O(log n)), or a big archive slows
# every page of every later run.
# ---------------------------------------------------------------------------------------------------------------


def index_lookup_check(work: Path, sizes: tuple[int, ...] = (2_000, 20_000, 200_000), lookups: int = 20_000
                       ) -> list[dict[str, Any]]:
    """Median-of-3 µs per ``known()`` and ``lastmod_for_url()`` on an ``ArchiveIndex`` of each size, and the
    query plans (which must use the primary key / an index, never a table scan)."""
    sys.path.insert(0, str(REPO))
    from archiver.state.index import ArchiveIndex

    rows = []
    for size in sizes:
        path = work / f"index-{size}.sqlite"
        path.unlink(missing_ok=True)
        with ArchiveIndex(path) as index:
            index.db.execute("PRAGMA synchronous=OFF")
            records = ({"canonical_url": f"http://127.0.0.1/post-{i}/", "url": f"http://127.0.0.1/post-{i}/",
                        "source": "la", "content_sha256": f"{i:064x}", "revision": 1,
                        "fetched_at": "2026-01-01T00:00:00+00:00", "sitemap_lastmod": "2025-01-01T00:00:00+00:00",
                        "published_at": "2025-01-01"} for i in range(size))
            index.commit_file("source=la/date=2026-01-01/x.jsonl.gz", records)
            rng = random.Random(size)
            probes = [f"http://127.0.0.1/post-{rng.randrange(size * 2)}/" for _ in range(lookups)]
            timings = {}
            for name, call in (("known", index.known), ("lastmod_for_url", index.lastmod_for_url)):
                runs = []
                for _ in range(3):
                    started = time.perf_counter()
                    for url in probes:
                        call(url)
                    runs.append((time.perf_counter() - started) / lookups * 1e6)
                timings[name] = statistics.median(runs)
            plans = {
                "known": index.db.execute("EXPLAIN QUERY PLAN SELECT content_sha256 FROM articles WHERE "
                                          "canonical_url = ?", ("x",)).fetchall(),
                "lastmod_for_url": index.db.execute("EXPLAIN QUERY PLAN SELECT sitemap_lastmod FROM articles "
                                                    "WHERE url = ? OR canonical_url = ? LIMIT 1",
                                                    ("x", "x")).fetchall(),
            }
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            for extra in ("-wal", "-shm"):
                Path(str(path) + extra).unlink(missing_ok=True)
        rows.append({"rows": size, "known_us": timings["known"], "lastmod_us": timings["lastmod_for_url"],
                     "plans": {k: "; ".join(str(r[-1]) for r in v) for k, v in plans.items()}})
    return rows


# ---------------------------------------------------------------------------------------------------------------
# The run.
# ---------------------------------------------------------------------------------------------------------------


def median_row(results: list[Result], contender: str) -> Result | None:
    mine = [r for r in results if r.contender == contender and r.pages]
    if not mine:
        return None
    return Result(contender, 0, int(statistics.median(r.pages for r in mine)),
                  statistics.median(r.wall_s for r in mine), statistics.median(r.cpu_s for r in mine),
                  statistics.median(r.peak_rss_mb for r in mine), statistics.median(r.server_cpu_s for r in mine),
                  f"median of {len(mine)}", statistics.median(r.tree_cpu_s for r in mine),
                  statistics.median(r.tree_rss_mb for r in mine), int(statistics.median(r.archive_bytes for r in mine)),
                  int(statistics.median(r.capture_bytes for r in mine)))


def format_row(r: Result, label: str) -> str:
    return (f"{label:<16} {r.pages:>7} {r.wall_s:>8.1f} {r.pages_per_s:>8.1f} {r.cpu_ms_per_page:>9.2f} "
            f"{r.tree_cpu_ms_per_page:>9.2f} {r.peak_rss_mb:>8.0f} {r.tree_rss_mb:>8.0f} {r.server_cpu_s:>7.1f}  "
            f"{r.detail}")


HEADER = (f"{'contender':<16} {'pages':>7} {'wall s':>8} {'pages/s':>8} {'CPU ms/pg':>9} {'+workers':>9} "
          f"{'RSS MB':>8} {'+workers':>8} {'srv CPU':>7}  detail")


def bench_size(args: argparse.Namespace, pages: int, base_tmp: Path) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"crawl-bench-{pages}-", dir=base_tmp))
    work.chmod(0o755)
    families = ["usembassy"] + (["tagdiv"] if args.tagdiv_share > 0 else [])
    ports = {family: free_port() for family in families}
    site = generate_site(work / "site", pages, args.tagdiv_share, ports)
    sizes = sorted(site.sizes)
    print(f"site: {pages} article pages ({', '.join(f'{f} {n}' for f, n in site.families.items())}), "
          f"{site.bytes_total / 1e6:.0f} MB on disk, article pages {sizes[0] / 1e3:.0f}-{sizes[-1] / 1e3:.0f} KB "
          f"(median {statistics.median(sizes) / 1e3:.0f} KB), generated in {site.seconds:.0f}s", flush=True)
    server = start_server(args.server, work, {ports[f]: work / "site" / f for f in site.families})
    print(f"server: {server.note}", flush=True)
    bases = {f: f"http://127.0.0.1:{ports[f]}" for f in site.families}
    results: list[Result] = []
    try:
        print(HEADER, flush=True)
        for round_ in range(1, args.repeats + 1):
            for contender in args.contenders:
                if contender in ("archiver", "archiver-captures"):
                    result = run_archiver(work, bases, round_, server, captures=contender == "archiver-captures")
                else:
                    result = run_bare(work, bases, round_, server, contender)
                results.append(result)
                print(format_row(result, f"{contender} #{round_}"), flush=True)
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}", file=sys.stderr)
    medians = {c: m for c in args.contenders if (m := median_row(results, c))}
    print("medians:")
    for contender, m in medians.items():
        print(format_row(m, contender), flush=True)
    return {"pages": pages, "site_bytes": site.bytes_total, "server": server.kind,
            "page_kb": {"min": sizes[0] / 1e3, "median": statistics.median(sizes) / 1e3, "max": sizes[-1] / 1e3},
            "runs": [asdict(r) | {"pages_per_s": r.pages_per_s, "cpu_ms_per_page": r.cpu_ms_per_page,
                                  "tree_cpu_ms_per_page": r.tree_cpu_ms_per_page} for r in results],
            "medians": {c: asdict(m) | {"pages_per_s": m.pages_per_s, "cpu_ms_per_page": m.cpu_ms_per_page,
                                        "tree_cpu_ms_per_page": m.tree_cpu_ms_per_page}
                        for c, m in medians.items()}}


def captures_cost(off: dict[str, Any], on: dict[str, Any]) -> dict[str, float]:
    """What capturing every exchange costs, from the medians of ``archiver`` (off) and ``archiver-captures`` (on):
    CPU per page (the crawl process, and with its extraction workers), pages per second, bytes stored per page."""
    def change(key: str) -> float:
        return on[key] / off[key] - 1 if off[key] else float("nan")

    return {
        "cpu_ms_per_page_off": off["cpu_ms_per_page"], "cpu_ms_per_page_on": on["cpu_ms_per_page"],
        "cpu_change": change("cpu_ms_per_page"), "tree_cpu_change": change("tree_cpu_ms_per_page"),
        "pages_per_s_off": off["pages_per_s"], "pages_per_s_on": on["pages_per_s"],
        "throughput_change": change("pages_per_s"),
        "archive_kb_per_page": off["archive_bytes"] / off["pages"] / 1e3 if off["pages"] else float("nan"),
        "capture_kb_per_page": on["capture_bytes"] / on["pages"] / 1e3 if on["pages"] else float("nan"),
    }


def format_captures_cost(cost: dict[str, float]) -> str:
    return (f"captures on vs off: CPU {cost['cpu_ms_per_page_on']:.2f} vs {cost['cpu_ms_per_page_off']:.2f} ms/page "
            f"({cost['cpu_change']:+.1%}; with workers {cost['tree_cpu_change']:+.1%}), "
            f"{cost['pages_per_s_on']:.1f} vs {cost['pages_per_s_off']:.1f} pages/s "
            f"({cost['throughput_change']:+.1%}); stored per page: archive {cost['archive_kb_per_page']:.1f} KB, "
            f"captures {cost['capture_kb_per_page']:.1f} KB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="2000", help="article pages (comma list for several sizes; default 2000)")
    parser.add_argument("--repeats", type=int, default=2, help="alternating rounds per size (median reported)")
    parser.add_argument("--contenders", default="bare,archiver,trafilatura",
                        help="comma list from bare, archiver, archiver-captures, trafilatura (bare and archiver are "
                             "needed for the ratio, archiver and archiver-captures for the cost of captures)")
    parser.add_argument("--tagdiv-share", type=float, default=0.25,
                        help="share of pages on the tagDiv site (0 = usembassy only; default 0.25)")
    parser.add_argument("--server", choices=("auto", "nginx", "twisted"), default="auto")
    parser.add_argument("--no-index-check", action="store_true", help="skip the index lookup check")
    parser.add_argument("--tmp", help="folder for the generated site and runs (default: the system temp)")
    parser.add_argument("--keep", action="store_true", help="keep the generated site and logs")
    parser.add_argument("--out", help="write the results as JSON (default bench/results/crawl-<pages>.json)")
    args = parser.parse_args(argv)
    args.contenders = [c.strip() for c in args.contenders.split(",") if c.strip()]
    unknown = set(args.contenders) - {"bare", "archiver", "archiver-captures", "trafilatura"}
    if unknown or not args.contenders:
        parser.error(f"unknown contenders: {', '.join(sorted(unknown))}")
    sizes = [int(p) for p in args.pages.split(",")]
    if any(n < 20 for n in sizes):
        parser.error("--pages must be at least 20")
    base_tmp = Path(args.tmp or tempfile.gettempdir())
    base_tmp.mkdir(parents=True, exist_ok=True)

    machine = {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
               "started_at": datetime.now(UTC).isoformat(timespec="seconds")}
    with contextlib.suppress(Exception):
        import scrapy

        machine["scrapy"] = scrapy.__version__
    with contextlib.suppress(Exception):  # which code was measured: others edit archiver/ between runs
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "archiver"], cwd=REPO, capture_output=True,
                               text=True)
        machine["git"] = head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    print(f"machine: {machine['cores']} cores, Python {machine['python']}, Scrapy {machine.get('scrapy')}, "
          f"{machine['platform']}; code {machine.get('git')};\n  concurrency {CONCURRENCY}, politeness off; "
          f"{args.repeats} alternating rounds",
          flush=True)
    report: dict[str, Any] = {"machine": machine, "sizes": []}
    for pages in sizes:
        print(f"\n== {pages} pages ==", flush=True)
        report["sizes"].append(bench_size(args, pages, base_tmp))

    if len(sizes) > 1:
        first, last = report["sizes"][0], report["sizes"][-1]
        for contender in args.contenders:
            a, b = first["medians"].get(contender), last["medians"].get(contender)
            if a and b:
                growth = b["peak_rss_mb"] / a["peak_rss_mb"]
                tree = b["tree_rss_mb"] / a["tree_rss_mb"] if a["tree_rss_mb"] else float("nan")
                print(f"peak RSS {contender}: {a['peak_rss_mb']:.0f} MB at {first['pages']} pages, "
                      f"{b['peak_rss_mb']:.0f} MB at {last['pages']} pages (x{growth:.2f}); with its worker "
                      f"processes {a['tree_rss_mb']:.0f} MB and {b['tree_rss_mb']:.0f} MB (x{tree:.2f})")
    if not args.no_index_check:
        work = Path(tempfile.mkdtemp(prefix="index-check-", dir=base_tmp))
        try:
            report["index_check"] = index_lookup_check(work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print("\nincremental index, µs per lookup (must not grow with the archive):")
        for row in report["index_check"]:
            print(f"  {row['rows']:>8} rows: known {row['known_us']:.1f}, lastmod_for_url {row['lastmod_us']:.1f}"
                  f"   plan: {row['plans']['lastmod_for_url']}")

    last = report["sizes"][-1]["medians"]
    ratio = (last["archiver"]["pages_per_s"] / last["bare"]["pages_per_s"]
             if "archiver" in last and "bare" in last and last["bare"]["pages_per_s"] else float("nan"))
    report["ratio"] = ratio
    if "trafilatura" in last and "bare" in last:
        other = last["trafilatura"]["pages_per_s"] / last["bare"]["pages_per_s"]
        print(f"trafilatura/bare pages-per-second ratio: {other:.3f}")
    if "archiver" in last and "archiver-captures" in last:
        report["captures_cost"] = captures_cost(last["archiver"], last["archiver-captures"])
        print(format_captures_cost(report["captures_cost"]))
    out = Path(args.out) if args.out else DEFAULT_OUT_DIR / f"crawl-{'-'.join(map(str, sizes))}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"results: {out}")
    print(f"archiver/bare pages-per-second ratio: {ratio:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

