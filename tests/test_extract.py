"""Tests for ``archiver.extract``.

Fixture pages (``tests/fixtures/extract/<name>.html``) sit next to the record expected from them
(``<name>.expected.json``); every expected field is its own test case, so a failure names the
fixture and the field. Third-party pages are read in place from ``../shared/pages`` and never
copied into the repository.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from archiver.extract import extract
from archiver.extract.assemble import build_record
from archiver.extract.dates import normalize_iso, parse_text_date
from archiver.extract.dom import parse_html, remove_selected
from archiver.extract.jsonld import loads_tolerant
from archiver.extract.pagedates import choose_published, month_first
from archiver.extract.sites import find_family
from archiver.extract.text import element_text
from archiver.extract.titles import fold_fullwidth, repair_mojibake, strip_site_name, strip_trailing_label

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "extract"
REAL_PAGES = Path(__file__).resolve().parents[2] / "shared" / "pages"
PACKAGE = Path(__file__).resolve().parents[1] / "archiver" / "extract"
ALLOWED_EXTRA = {"provenance", "images", "family"}


def _fixture_names() -> list[str]:
    return sorted(p.name[: -len(".expected.json")] for p in FIXTURES.glob("*.expected.json"))


@cache
def _expected(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))


@cache
def _extracted(name: str) -> dict[str, Any]:
    page = (FIXTURES / f"{name}.html").read_text(encoding="utf-8")
    return extract(page, _expected(name)["url"])


def _field_cases() -> list[Any]:
    return [
        pytest.param(name, field, id=f"{name}-{field}")
        for name in _fixture_names()
        for field in _expected(name)["fields"]
    ]


# --- fixtures: one case per fixture and field -------------------------------------------------


def test_fixture_set_is_complete() -> None:
    names = _fixture_names()
    assert len(names) >= 7
    for name in names:
        assert (FIXTURES / f"{name}.html").is_file(), name


@pytest.mark.parametrize(("name", "field"), _field_cases())
def test_fixture_field(name: str, field: str) -> None:
    expected = _expected(name)["fields"][field]
    actual = _extracted(name).get(field)
    assert actual == expected


@pytest.mark.parametrize("name", _fixture_names())
def test_fixture_has_no_unexpected_keys(name: str) -> None:
    extra = set(_extracted(name)) - set(_expected(name)["fields"]) - ALLOWED_EXTRA
    assert not extra


@pytest.mark.parametrize("name", _fixture_names())
def test_fixture_output_is_deterministic(name: str) -> None:
    page = (FIXTURES / f"{name}.html").read_text(encoding="utf-8")
    url = _expected(name)["url"]
    assert extract(page, url) == extract(page, url)


@pytest.mark.parametrize("name", _fixture_names())
def test_fixture_record_shape(name: str) -> None:
    """Values respect the archive schema's formats; no empty values; provenance covers every
    field."""
    record = _extracted(name)
    for key, value in record.items():
        assert value not in (None, "", [], {}), key
    if "published_at" in record:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2})?",
                            record["published_at"])
    if "language" in record:
        assert re.fullmatch(r"[a-z]{2}", record["language"])
    for image in record.get("images", []):
        assert image["url"].startswith(("http://", "https://"))
    if "body" in record:
        assert "\n\n\n" not in record["body"]
        assert record["body"] == record["body"].strip()
    assert set(record["provenance"]) == set(record) - {"provenance"}


# --- third-party pages, read in place -------------------------------------------------------

needs_real_pages = pytest.mark.skipif(
    not REAL_PAGES.is_dir(), reason=f"third-party sample pages not present at {REAL_PAGES}"
)

# file, url, title (headline), day of publication, day shown in the site header
REAL_CASES = [
    (
        "tagdiv-tdb_ticotimes.net_2022-04-21_migration.html",
        "https://ticotimes.net/2022/04/21/united-states-seeks-agreement-on-migration-with-latin-america",
        "United States seeks agreement on migration with Latin America",
        "2022-04-21",
        "2022-04-22",
    ),
    (
        "tagdiv-tdb_ticotimes.net_2022-04-26_worldbank.html",
        "https://ticotimes.net/2022/04/26/costa-rican-president-elect-rodrigo-chaves-apologizes-to-world-bank-officials",
        "Costa Rican President-elect Rodrigo Chaves apologizes to World Bank Officials",
        "2022-04-26",
        None,
    ),
    (
        "tagdiv-tdb_stluciatimes.com_2022-04-29_dea.html",
        "https://stluciatimes.com/dea-officials-arrest-bvi-premier-on-drug-charges-territorys-governor-calls-for-calm/",
        # the h1 (tagDiv rules read it first); og:title has ASCII "-" and "'"
        "DEA Officials Arrest BVI Premier On Drug Charges – Territory’s Governor Calls For Calm",
        # 22:08 on the 28th in St Lucia (-04:00, the page's own <time datetime>); the metadata
        # states the same moment in UTC, which is already the 29th
        "2022-04-28",
        None,
    ),
    (
        "tagdiv-classic_thestkittsnevisobserver.com_2022-04-28_bvi.html",
        "https://www.thestkittsnevisobserver.com/bvi-premier-fahie-arrested-in-usa-on-drug-related-charges/",
        "BVI Premier Fahie Arrested in USA On Drug Related Charges",
        "2022-04-28",
        "2022-04-29",
    ),
    (
        "tagdiv-classic_caymancompass.com_2022-05-04_prison.html",
        "https://www.caymancompass.com/2022/05/04/prison-official-anyone-could-escape-from-northward/",
        "Prison official: ‘Anyone’ could escape from Northward",
        "2022-05-04",
        None,
    ),
    (
        "tagdiv-classic_theplanetarypress.com_2020-01-17_forestlands.html",
        "https://www.theplanetarypress.com/2020/01/management-of-intact-forestlands-by-indigenous-peoples-key-to-protecting-climate/",
        "Management of Intact Forestlands by Indigenous Peoples Key to Protecting Climate",
        "2020-01-17",
        None,
    ),
    (
        "vnexpress-cms_vnexpress.net_2023-11-02_thue.html",
        "https://vnexpress.net/ong-ho-duc-phoc-se-nang-muc-giam-tru-gia-canh-tinh-thue-ca-nhan-khi-sua-luat-4672302.html",
        "Ông Hồ Đức Phớc: Sẽ nâng mức giảm trừ gia cảnh tính thuế cá nhân khi sửa luật",
        "2023-11-02",
        None,
    ),
    (
        "vnexpress-cms_vnexpress.net_2025-10-22_lymphoma.html",
        "https://vnexpress.net/dau-bung-keo-dai-phat-hien-ung-thu-lymphoma-ruot-non-4954454.html",
        "Đau bụng kéo dài, phát hiện ung thư lymphoma ruột non",
        "2025-10-22",
        None,
    ),
]


@cache
def _real(filename: str, url: str) -> dict[str, Any]:
    path = REAL_PAGES / filename
    if not path.is_file():
        pytest.skip(f"{filename} not present in {REAL_PAGES}")
    return extract(path.read_text(encoding="utf-8", errors="replace"), url)


@needs_real_pages
@pytest.mark.parametrize(
    ("filename", "url", "title", "day", "header_day"),
    REAL_CASES,
    ids=[case[0].split("_")[1] + "-" + case[0].rsplit("_", 1)[1][:-5] for case in REAL_CASES],
)
def test_real_page_general_fallback(
    filename: str, url: str, title: str, day: str, header_day: str | None
) -> None:
    record = _real(filename, url)
    # tagDiv pages are recognised by the theme's markup (tests/test_extract_news.py checks the
    # family's rules); the rest still go to the general fallback
    assert record["family"] == ("tagdiv" if filename.startswith("tagdiv-") else "general")
    assert record["title"] == title
    assert record["provenance"]["title"] in {"meta:og:title", "json-ld", "site:tagdiv"}
    assert record["published_at"][:10] == day
    # tagDiv: the page's own <time datetime> when it states the metadata's moment in local time
    assert record["provenance"]["published_at"].startswith(("meta:", "json-ld", "site:tagdiv"))
    if header_day:
        assert record["published_at"][:10] != header_day
    assert record["body"].strip()
    assert "spot_img" not in record["body"]
    assert record["page_type"] == "article"


@needs_real_pages
def test_real_page_keeps_the_offset_as_given() -> None:
    filename, url = REAL_CASES[6][0], REAL_CASES[6][1]
    assert _real(filename, url)["published_at"] == "2023-11-02T19:20:45+07:00"


# --- malformed input never raises ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("", None),
        ("   \n\t", None),
        ("<html><body><p>unclosed <div><b>text <i>more", "text more"),
        ("<p>only a fragment", "only a fragment"),
        ("</div></div></body>", None),
        ("\x00\x01\x02<p>control\x0b chars</p>\x1f", "control chars"),
        (bytes(range(256)).decode("latin-1") * 20, "0123456789"),
        ("\ufffe\uffff<html>", None),
        ('<?xml version="1.0" encoding="utf-8"?><html><body><p>declared</p></body></html>', "declared"),
        ("<html><head><script type='application/ld+json'>{\"@type\": \"NewsArticle\", bad</script>", None),
        ("<html lang='xx-invalid-'><head><meta property='og:title' content=''></head></html>", None),
        ("<" * 5000, None),
    ],
    ids=[
        "empty", "blank", "unclosed", "fragment", "only-closing", "control-chars", "binary-junk",
        "non-characters", "xml-declaration", "broken-json-ld", "empty-meta", "angle-brackets",
    ],
)
def test_malformed_html_does_not_raise(markup: str, text: str | None) -> None:
    # build_record, not extract(): extract() turns any exception into {}, which would pass here unseen
    record = build_record(markup, "https://example.org/a/", None)
    assert isinstance(record, dict)
    for value in record.values():
        assert value not in (None, "", [])
    if text is not None:
        assert text in record["body"]
    assert extract(markup, "https://example.org/a/") == record


def test_empty_html_gives_empty_record() -> None:
    assert extract("", "https://example.org/") == {}


def test_bytes_input_is_accepted() -> None:
    page = "<html lang='en'><head><title>Bytes – Example</title></head><body><p>x</p></body></html>"
    record = extract(page.encode("utf-8"), "https://example.org/")
    assert record["language"] == "en"


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-03-17T09:21:11+00:00", "2023-03-17T09:21:11+00:00"),
        ("2023-03-17T09:21:11Z", "2023-03-17T09:21:11+00:00"),
        ("2023-03-17T09:21:11+0700", "2023-03-17T09:21:11+07:00"),
        ("2023-03-17T09:21:11.123456-06:00", "2023-03-17T09:21:11-06:00"),
        ("2023-03-17T09:21+05:30", "2023-03-17T09:21:00+05:30"),
        ("2023-03-17", "2023-03-17"),
        ("2023-03-17T09:21:11", "2023-03-17"),
        ("2023-02-30T09:21:11Z", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_normalize_iso(raw: str, expected: str | None) -> None:
    assert normalize_iso(raw) == expected


def test_naive_time_takes_the_hint_timezone() -> None:
    assert normalize_iso("2024-06-20 14:37", "+07:00") == "2024-06-20T14:37:00+07:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17 March, 2023", "2023-03-17"),
        ("March 17, 2023", "2023-03-17"),
        ("Posted on Sept. 5, 2019 by staff", "2019-09-05"),
        ("20/06/2024 14:37", "2024-06-20"),
        ("6 hours ago", None),
    ],
)
def test_parse_text_date(text: str, expected: str | None) -> None:
    assert parse_text_date(text) == expected


def test_listing_date_hint_only_when_page_has_no_date() -> None:
    page = "<html><body><article><p>Some words here.</p></article></body></html>"
    record = extract(page, "https://example.org/a/", hints={"listing_date": "2023-03-17"})
    assert record["published_at"] == "2023-03-17"
    assert record["provenance"]["published_at"] == "hint:listing_date"
    dated = page.replace(
        "<html>",
        "<html><head>"
        "<meta property='article:published_time' content='2023-03-16T01:00:00Z'></head>",
    )
    record = extract(dated, "https://example.org/a/", hints={"listing_date": "2023-03-17"})
    assert record["published_at"] == "2023-03-16T01:00:00+00:00"


def test_visible_naive_time_uses_timezone_hint() -> None:
    page = (
        '<html><head><link rel="stylesheet" id="cms3-style-css" href="/x.css"></head>'
        '<body class="single-post"><article><div class="entry-meta">'
        '<time class="entry-date published" datetime="2023-03-17T09:21:11">17 March, 2023</time>'
        '</div><div class="entry-content"><p>Text.</p></div></article></body></html>'
    )
    url = "https://la.usembassy.gov/x/"
    assert extract(page, url)["published_at"] == "2023-03-17"
    hinted = extract(page, url, hints={"timezone": "+07:00"})
    assert hinted["published_at"] == "2023-03-17T09:21:11+07:00"
    assert hinted["provenance"]["published_at"] == "site:usembassy"


# --- structured metadata ----------------------------------------------------------------------


def test_json_ld_tolerates_trailing_commas_and_control_chars() -> None:
    data = loads_tolerant('{"@type": "NewsArticle", "headline": "A\nB", "keywords": ["x",],}')
    assert data["headline"] == "A\nB"
    assert data["keywords"] == ["x"]


def test_article_node_is_preferred_over_webpage() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "datePublished": "2024-01-02T00:00:00+00:00"},
            {"@type": ["ReportageNewsArticle"], "datePublished": "2023-12-30T10:00:00+01:00",
             "author": {"@id": "#p1"}, "headline": "Headline"},
            {"@type": "Person", "@id": "#p1", "name": "Ana Reyes"},
        ],
    }
    script = f'<script type="application/ld+json">{json.dumps(graph)}</script>'
    page = f"<html><head>{script}</head></html>"
    record = extract(page, "https://example.org/a/")
    assert record["published_at"] == "2023-12-30T10:00:00+01:00"
    assert record["authors"] == ["Ana Reyes"]
    assert record["title"] == "Headline"


def test_institutional_byline_is_not_an_author() -> None:
    page = (
        '<html><head><meta name="author" content="U.S. Embassy Vientiane"></head>'
        '<body class="single-post"><div class="entry-content"><p>Text.</p></div></body></html>'
    )
    assert "authors" not in extract(page, "https://la.usembassy.gov/x/")


# --- titles, text, families -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "site", "url", "expected"),
    [
        ("Talks resume - deal near", "Gazette", "https://h.example/", "Talks resume - deal near"),
        ("Talks resume – Gazette", "Gazette", "https://h.example/", "Talks resume"),
        ("Gazette | Talks resume", "Gazette", "https://h.example/", "Talks resume"),
        ("Escape - Cayman Compass", "", "https://www.caymancompass.com/x", "Escape"),
        ("Title :", "", "https://x.example/", "Title"),
    ],
)
def test_strip_site_name(title: str, site: str, url: str, expected: str) -> None:
    assert strip_site_name(title, site_names=[site], url=url) == expected


@pytest.mark.parametrize(
    ("title", "url", "expected"),
    [
        # the registered domain names the site, not only the first label of the host
        ("Grads find jobs - Slashdot", "https://developers.slashdot.org/story/1", "Grads find jobs"),
        ("Budget talks – BBC", "https://www.bbc.co.uk/news/1", "Budget talks"),
        # the host's name followed by an issue number is the title, not the site
        ("Acme Signal #18 – The World", "https://www.acme.example/p/1", "Acme Signal #18 – The World"),
    ],
)
def test_strip_site_name_by_host(title: str, url: str, expected: str) -> None:
    assert strip_site_name(title, url=url) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # labels after a pipe or a dash: a section, a site, a format
        ("Budget talks resume in Vientiane | Opinion", "Budget talks resume in Vientiane"),
        ("Critics choose the year's best exhibitions – Artlyst", "Critics choose the year's best exhibitions"),
        ("Gym Workouts for Beginners — Strength Training", "Gym Workouts for Beginners"),
        ("Grant winners announced – U.S. Embassy in Laos", "Grant winners announced"),
        ("Ten Best Espresso Machines – Top 10 Picks", "Ten Best Espresso Machines"),
        # subtitles after a dash: not written as a name, so kept
        ("Deal agreed – what comes next", "Deal agreed – what comes next"),
        ("Deal agreed – What comes next", "Deal agreed – What comes next"),
        ("Transitioning to a plant-based diet — tips and tricks", "Transitioning to a plant-based diet — tips and tricks"),
        # a caseless script gives no sign of a name: kept
        ("ລາວ ແລະ ສະຫະລັດ ລົງນາມ – ບົດສໍາພາດ ພິເສດ", "ລາວ ແລະ ສະຫະລັດ ລົງນາມ – ບົດສໍາພາດ ພິເສດ"),
        # long tails, one-word heads and plain hyphens are left alone
        ("Deal agreed | Talks Resume After Three Years Of Silence", "Deal agreed | Talks Resume After Three Years Of Silence"),
        ("Headline | Opinion", "Headline | Opinion"),
        ("Talks resume - Deal In Sight", "Talks resume - Deal In Sight"),
    ],
)
def test_strip_trailing_label(title: str, expected: str) -> None:
    assert strip_trailing_label(title) == expected


def test_repair_mojibake_and_fullwidth() -> None:
    assert repair_mojibake("Investor\u00e2\u0080\u0099s guide") == "Investor\u2019s guide"
    assert repair_mojibake("Investor\u00e2\u20ac\u2122s guide") == "Investor\u2019s guide"
    assert repair_mojibake("Caf\u00e9 \u00c3 la carte") == "Caf\u00e9 \u00c3 la carte"
    assert fold_fullwidth("How does it work\uff1f") == "How does it work?"
    assert fold_fullwidth("\u4eca\u65e5\u306f\uff1f") == "\u4eca\u65e5\u306f\uff1f"


def _titled(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body>{body}<p>{'Story text. ' * 40}</p></body></html>"


def test_headline_takes_declared_quotes_and_case() -> None:
    # the theme curls the quotes it prints; og:title keeps what the author typed
    page = _titled('<meta property="og:title" content="Why it\'s late - Gazette">',
                   "<article><h1>Why it\u2019s late</h1></article>")
    assert extract(page, "https://gazette.example/a")["title"] == "Why it's late"
    # a heading in capitals is a stylesheet's doing; the declared title has the words' case
    page = _titled("<title>Weekend Coding Agent | Acme Labs</title>",
                   "<article><h1>WEEKEND CODING AGENT</h1></article>")
    assert extract(page, "https://acme.example/a")["title"] == "Weekend Coding Agent"
    # a banner in capitals that agrees with the declared title yields to it
    page = _titled('<meta property="og:title" content="Tax Filing: Applying the rules to your firm">',
                   "<article><h1>SUPPORTING TAX FILING</h1></article>")
    assert extract(page, "https://acme.example/b")["title"] == "Tax Filing: Applying the rules to your firm"


def test_h2_that_mentions_the_title_is_not_the_headline() -> None:
    page = _titled('<meta property="og:title" content="Open files under a new licence - Acme">',
                   "<article><h2>15 Replies to \u201cOpen files under a new licence\u201d</h2></article>")
    assert extract(page, "https://acme.example/a")["title"] == "Open files under a new licence"


def test_post_title_in_an_h2_is_checked_against_the_html_title_alone() -> None:
    """A hand-made blog: no ``<h1>``, no metadata, the post title an ``<h2>`` and its date line under it,
    no ``<article>``/``<main>``. The ``<title>`` is the only declared title: the ``<h2>`` that agrees
    with it is the headline, and the date next to it the post's date."""
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Notes from the river survey - Field Journal</title></head><body>"
        "<div id='wrap'><div class='masthead'>Field Journal</div>"
        "<div class='post'><h2>Notes from the river survey</h2><div class='when'>Posted March 3, 2024</div>"
        "<p>We counted boats on the river for three weeks and talked to the families who fish it.</p>"
        "<p>Catches were lower than last season in almost every village we visited.</p></div></div>"
        "</body></html>"
    )
    record = extract(page, "https://journal.example.net/notes-river-survey")
    assert record["title"] == "Notes from the river survey"
    assert record["published_at"].startswith("2024-03-03")


def test_headline_in_article_nested_in_header() -> None:
    # an unclosed menu tag makes the parser put the story inside the page header
    page = _titled('<meta property="og:title" content="Best website builders for 2026 ranked">',
                   '<header class="site"><nav><ul><li>Menu</li></ul><article>'
                   "<h1>Best website builders for 2026: our top 5</h1></article></nav></header>")
    assert extract(page, "https://acme.example/a")["title"] == "Best website builders for 2026: our top 5"


def test_site_name_after_printed_headline_is_removed() -> None:
    page = _titled('<meta property="og:site_name" content="Gazette">'
                   '<meta property="og:title" content="Critics pick the year\'s shows">',
                   "<article><h1>Critics pick the year\u2019s best shows \u2013 Gazette</h1></article>")
    assert extract(page, "https://gazette.example/a")["title"] == "Critics pick the year\u2019s best shows"


def test_blog_name_heading_found_from_titles() -> None:
    # <title> is "Blog name: post title" and og:title the post title, so the <h1> that says
    # "Blog name" is the blog's name, not the post's headline
    page = _titled('<title>Engine Data Notes: Small adventures with models</title>'
                   '<meta property="og:title" content="Small adventures with models">',
                   "<div><h1>Engine Data Notes</h1></div><div><h1>What is new</h1></div>")
    assert extract(page, "https://notes.example/2025/12/a.html")["title"] == "Small adventures with models"


def test_element_text_paragraphs_and_breaks() -> None:
    el = lxml_html.fromstring(
        "<div>Lead text<p>One &amp;  two</p><ul><li>a</li><li>b</li></ul>"
        "<p>line<br>next<br><br>new para</p><figure><img src='x.jpg'><figcaption>Cap</figcaption>"
        "</figure><script>var x;</script><h2> Head </h2></div>"
    )
    assert element_text(el) == "Lead text\n\nOne & two\n\na\n\nb\n\nline\nnext\n\nnew para\n\nHead"
    assert "Cap" in element_text(el, include_captions=True)


def test_remove_selected_keeps_tail_text() -> None:
    el = lxml_html.fromstring("<div><p>a <span class='share'>Share</span> b</p></div>")
    assert remove_selected(el, [".share"]) == 1
    assert element_text(el) == "a b"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://la.usembassy.gov/x/", "usembassy"),
        ("https://asean.usmission.gov/x/", "usembassy"),
        ("https://www.usembassy-china.org.cn/x/", "usembassy"),
        ("https://fr.usconsulate.gov/x/", "usembassy"),
        ("https://usembassy.gov.example.com/x/", "general"),
        ("https://laotiantimes.com/x/", "tagdiv"),
        ("https://kpl.gov.la/En/detail.aspx?id=1", "kpl"),
        ("https://www.vientianetimes.org.la/freeContent/FreeConten_x.php", "vientianetimes"),
        ("https://vientianetimes.la/x.php", "vientianetimes"),
        ("https://example.org/x/", "general"),
    ],
)
def test_family_by_host(url: str, expected: str) -> None:
    root = parse_html("<html><body><p>x</p></body></html>")
    assert find_family(root, url)[0].name == expected


def test_no_scrapy_import_in_extract_package() -> None:
    pattern = re.compile(r"^\s*(from|import)\s+scrapy\b", re.MULTILINE)
    offenders = [p.name for p in PACKAGE.rglob("*.py") if pattern.search(p.read_text("utf-8"))]
    assert not offenders


# --- general body fallback ------------------------------------------------------------------------

_STORY = "The council approved the new budget for the district on Monday evening after a long debate."


def test_resiliparse_candidate_leaves_comment_sections_out() -> None:
    from archiver.extract.fallback import _resiliparse_text

    comments = "".join(
        f"<li class='comment'><p>Reader {i} says this is a long opinion about the budget.</p></li>"
        for i in range(6)
    )
    page = (
        "<html><body><article><h1>Budget passes</h1>"
        + f"<p>{_STORY}</p>" * 4
        + "<a class='comments-link' href='#c'>6 comments</a></article>"
        + f"<div id='comments' class='comments-area'><ol class='comment-list'>{comments}</ol></div>"
        + "</body></html>"
    )
    text = _resiliparse_text(page, _STORY[:40]) or ""
    assert "Reader 3" not in text
    assert "council approved" in text
    # a section whose name says comments but that holds the story is kept
    wrapped = f"<html><body><div class='comments-wrap'>{'<p>' + _STORY + '</p>' * 4}</div></body></html>"
    assert "council approved" in (_resiliparse_text(wrapped, _STORY[:40]) or "")


def test_repeated_block_of_paragraphs_is_dropped_once() -> None:
    from archiver.extract.fallback import _drop_furniture

    block = [f"Paragraph {i}: " + "words of the story " * 12 for i in range(5)]
    text = "\n\n".join(["Intro line."] + block + ["Between."] + block)
    kept = _drop_furniture(text).split("\n\n")
    assert kept == ["Intro line.", *block, "Between."]
    # a short repeated list (pros and cons of two products) stays
    short = ["Fast", "Cheap", "Light", "Quiet"]
    listing = "\n\n".join(["A", *short, "B", *short])
    assert _drop_furniture(listing) == listing


def test_added_prose_counts_only_new_sentences() -> None:
    from archiver.extract.fallback import _added_prose

    primary = _STORY
    extra = "A second long paragraph tells the rest of the story with many more details here."
    backup = "\n\n".join([_STORY, "Menu", extra * 2])
    assert _added_prose(primary, backup) == len(extra * 2)


_CHAPTERS = [
    "Before anything is bought, a household should read a year of electricity bills and ask whether the "
    "roof faces the sun for most of the day.",
    "An engineer then visits to check the wiring, the age of the shingles and the rafters, and draws the "
    "layout that the permit office will want to see.",
    "Permits take the longest: the town, the utility and sometimes a homeowners' association each sign a "
    "form, and a missing photo can cost a fortnight.",
    "Installation day itself is short; a crew of three fixes the racking, mounts the panels and runs the "
    "conduit to the inverter before sunset.",
    "The inspector from the town comes last, followed by the utility's technician, who swaps the meter so "
    "that exported power is counted.",
    "Only after both visits does the system switch on, and most owners watch the first day's output on "
    "their phones with more interest than they expected.",
]


def test_prose_dropped_inside_the_kept_stretch_is_restored_in_place() -> None:
    from archiver.extract.fallback import _restore_dropped

    intro, first, second, third = _CHAPTERS[:4]
    primary = "\n\n".join([intro, first, third])
    # resiliparse also has a menu line, a dropped chapter between two kept ones, and a comment after
    # the last kept paragraph: only the chapter comes back, after the paragraph it follows
    comment = "I tried this last summer and the inspector came twice before the utility agreed to it."
    backup = "\n\n".join(["Home | Guides", intro, first, second, "Step 3", third, comment])
    assert _restore_dropped(primary, backup) == "\n\n".join([intro, first, second, third])
    # nothing dropped inside: nothing to restore
    assert _restore_dropped(primary, "\n\n".join([intro, first, third, comment])) is None
    # a dropped paragraph too small to be a section of the story (under 5% of the text) is left out
    aside = "Prices in this guide were checked by our editors in March and may have changed since then, so ask your installer."
    assert _restore_dropped(primary, "\n\n".join([intro, aside, first])) is not None
    long_primary = "\n\n".join(_CHAPTERS * 3)
    assert _restore_dropped(long_primary, "\n\n".join([intro, aside, first])) is None


def test_lookups_stop_at_the_scan_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hostile page (megabytes of paragraphs) must not make the look-ups quadratic: past
    ``_SCAN_BUDGET`` characters read nothing more is looked up, and nothing is restored or counted."""
    import archiver.extract.fallback as fallback

    intro, first, second, third = _CHAPTERS[:4]
    primary = "\n\n".join([intro, first, third])
    backup = "\n\n".join([intro, first, second, third])
    texts = [intro, first, second, third]
    assert fallback._restore_dropped(primary, backup) is not None
    assert fallback._drops_inner_prose(primary, texts)
    assert fallback._added_prose(primary, backup) == len(second)
    # enough for the first two look-ups only: the dropped chapter is never reached
    monkeypatch.setattr(fallback, "_SCAN_BUDGET", 2 * len(fallback._words(primary)))
    assert fallback._restore_dropped(primary, backup) is None
    assert fallback._added_prose(primary, backup) == 0
    monkeypatch.setattr(fallback, "_SCAN_BUDGET", len(primary))
    assert not fallback._drops_inner_prose(primary, texts)


def test_dropped_inner_prose_is_seen_in_the_pages_paragraphs() -> None:
    from archiver.extract.fallback import _drops_inner_prose

    intro, first, second, third = _CHAPTERS[:4]
    primary = "\n\n".join([intro, first, third])
    assert _drops_inner_prose(primary, [intro, "Menu", first, second, third])
    # left out before the first or after the last kept paragraph: a teaser or a comment, not a section
    assert not _drops_inner_prose(primary, [second, intro, first, third, _CHAPTERS[4]])
    # kept paragraphs found out of order are still found
    assert not _drops_inner_prose(primary, [third, intro, first])


def test_section_trafilatura_drops_in_the_middle_of_a_story_is_restored() -> None:
    """A guide whose third chapter sits in a block classed as an expandable panel: trafilatura's
    boilerplate rules drop it, resiliparse keeps it, and the record holds it in its place."""
    chapters = "".join(
        f"<h2>Step {n}</h2><p>{text}</p>" if n != 3 else
        f"<div class='panel-expand'><h2>Step {n}</h2><p>{text}</p></div>"
        for n, text in enumerate(_CHAPTERS, start=1)
    )
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Installing solar panels</title>"
        "</head><body><nav><a href='/'>Home</a> <a href='/guides/'>Guides</a></nav>"
        f"<main><article><h1>Installing solar panels</h1>{chapters}</article></main>"
        "<footer><p>Copyright 2026 Example Guides. All rights reserved.</p></footer></body></html>"
    )
    record = extract(page, "https://guides.example.org/solar/installing-panels")
    body = record["body"]
    positions = [body.find(text) for text in _CHAPTERS]
    assert all(at >= 0 for at in positions), body
    assert positions == sorted(positions)
    assert "All rights reserved" not in body
    assert record["provenance"]["body"] == "fallback:trafilatura+resiliparse"


def test_section_dropped_from_a_long_story_is_restored() -> None:
    """A long story (trafilatura's text is long enough that resiliparse is not consulted for a
    truncated pick): the cheap check over the page's paragraphs sees the dropped section and
    resiliparse is asked for it."""
    import random

    vocabulary = " ".join(_CHAPTERS).replace(",", "").replace(";", "").replace(":", "").split()
    paragraphs = [" ".join(random.Random(n).sample(vocabulary, 30)).capitalize() + "." for n in range(16)]
    html_paragraphs = [f"<p>{text}</p>" for text in paragraphs]
    html_paragraphs[7:9] = [f"<div class='panel-expand'><h2>Details</h2>{''.join(html_paragraphs[7:9])}</div>"]
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>A long guide to solar panels</title>"
        "</head><body><main><article><h1>A long guide to solar panels</h1>"
        f"{''.join(html_paragraphs)}</article></main></body></html>"
    )
    record = extract(page, "https://guides.example.org/solar/long-guide")
    positions = [record["body"].find(text) for text in paragraphs]
    assert all(at >= 0 for at in positions), record["body"]
    assert positions == sorted(positions)
    assert record["provenance"]["body"] == "fallback:trafilatura+resiliparse"


def test_closing_furniture_after_a_related_heading_is_cut() -> None:
    from archiver.extract.fallback import _drop_furniture

    story = [f"Paragraph {i} of the story, " + "with plenty of words in it " * 6 for i in range(4)]
    teasers = ["More from the Daily Planet", "Another story title", "Yet another story title"]
    assert _drop_furniture("\n\n".join(story + teasers)) == "\n\n".join(story)
    # near the top the same heading introduces a section of the story: nothing is cut
    early = ["Intro.", "Related reading", *story]
    assert _drop_furniture("\n\n".join(early)).endswith(story[-1])
    assert "Related reading" in _drop_furniture("\n\n".join(early))


_BLOG_POST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Field notes from the Mekong</title>
{assets}</head><body class="blog single-entry">
<header class="site-header"><a href="/">Field Notes</a></header>
<main><article><h1>Field notes from the Mekong</h1>
<p>The survey team spent three weeks following the river south from Luang Prabang, counting fishing boats
and talking to the families who have worked this stretch of water for generations.</p>
<p>Catches were lower than the previous season in almost every village, which the fishers put down to the
timing of the dry season and to the new dams upstream.</p>
<p>The full data set will be published with the team's report in the spring, alongside the interviews.</p>
</article></main></body></html>"""


def test_blog_body_class_marks_a_listing_only_on_wordpress_pages() -> None:
    """WordPress uses ``blog`` for its posts index; other systems put it on single posts."""
    elsewhere = extract(_BLOG_POST.format(assets=""), "https://notes.example.org/mekong-field-notes")
    assert elsewhere["page_type"] != "listing"
    assert "Catches were lower" in elsewhere["body"]
    wordpress = extract(_BLOG_POST.format(assets='<link rel="stylesheet" href="/wp-content/themes/x/style.css">'),
                        "https://notes.example.org/mekong-field-notes")
    assert wordpress["page_type"] == "listing" and "body" not in wordpress


def test_headline_repeated_as_first_paragraph_is_dropped_whatever_its_quote_style() -> None:
    from archiver.extract.assemble import _without_title

    body = "Laos\u2019 \u201cgreen\u201d corridor opens\n\nThe corridor links three provinces."
    assert _without_title(body, "Laos' \"Green\" Corridor Opens") == "The corridor links three provinces."
    assert _without_title(body, "A different headline") == body


# --- dates on pages no family describes -------------------------------------------------------

DATED_URL = "https://example.org/guides/a-story/"
STORY = "<p>" + "Words of the story itself. " * 30 + "</p>"


def dated_page(head: str = "", top: str = "", after: str = "", lang: str = "en") -> str:
    return (f'<html lang="{lang}"><head><title>A story about things</title>{head}</head><body>'
            f'<main><article>{top}<h1>A story about things</h1>{after}{STORY}</article></main>'
            f'</body></html>')


def dated(html: str) -> str | None:
    return extract(html, DATED_URL).get("published_at")


@pytest.mark.parametrize(
    ("text", "us_order", "expected"),
    [
        ("10/31/2024", False, "2024-10-31"),  # only valid month first
        ("31/10/2024", True, "2024-10-31"),  # only valid day first
        ("04/09/2024", False, "2024-09-04"),
        ("04/09/2024", True, "2024-04-09"),
        ("09.10.2024", True, "2024-09-10"),
        ("23.07.2025", False, "2025-07-23"),
        ("2023 Jan 7", False, "2023-01-07"),  # Highwire citation_publication_date
        ("2019/1/22", False, "2019-01-22"),
        ("v1.2.2024", False, None),  # a version, not a day
        ("San Francisco: 23-26 March 2026", False, None),  # an event's range
        ("Saturday 20 December, 2025", False, "2025-12-20"),
    ],
)
def test_written_days(text: str, us_order: bool, expected: str | None) -> None:
    assert parse_text_date(text, us_order) == expected


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<html lang="en-US">', True),
        ('<html lang="en">', True),
        ('<html lang="en"><head><meta property="og:locale" content="en_GB"></head>', False),
        ('<html lang="en-AU">', False),
        ('<html lang="fr">', False),
        ("<html>", False),
    ],
)
def test_month_first_follows_the_locale(markup: str, expected: bool) -> None:
    assert month_first(parse_html(markup + "<body><p>x</p></body></html>")) is expected


def test_page_builder_widget_date_is_the_story_date() -> None:
    info = ('<div class="elementor-element elementor-widget elementor-widget-post-info">'
            '<ul><li><span><time>8 Oct 2022</time></span></li></ul></div>')
    assert dated(dated_page(after=info)) == "2022-10-08"
    # a builder's post list holds other stories' dates
    listing = ('<div class="elementor-widget elementor-widget-posts"><article class="elementor-post">'
               '<div class="elementor-post__meta-data">December 3, 2025</div></article></div>')
    assert dated(dated_page(after=listing)) is None


def test_labelled_date_far_from_the_headline() -> None:
    filler = "".join(f"<div><span>part {i}</span></div>" for i in range(150))
    stamp = "<p>Last updated: November 13, 2025</p>"
    assert dated(dated_page(after=filler + stamp)) == "2025-11-13"
    assert dated(dated_page(after=filler + "<p>November 13, 2025</p>")) is None


def test_date_next_to_the_headline_in_an_aside() -> None:
    aside = '<aside class="side-col"><p class="article-date">May 25, 2023</p></aside>'
    assert dated(dated_page(after=aside)) == "2023-05-25"


def test_quoted_post_date_is_not_the_story_date() -> None:
    tweet = ('<blockquote class="twitter-tweet"><p>Quoted.</p>&mdash; Someone '
             '<a href="https://twitter.com/x/status/1">November 20, 2025</a></blockquote>')
    assert dated(dated_page(after=tweet)) is None


def test_a_date_in_a_block_named_link_under_the_headline_is_the_story_date() -> None:
    # a class ending in "link" or "card" no longer marks another story's block (a rule that helped one dev
    # page only, and lost dates like this one)
    line = '<div class="date-link"><time datetime="2025-03-04T09:00:00+07:00">March 4, 2025</time></div>'
    assert dated(dated_page(after=line)) == "2025-03-04"
    card = '<div class="meta-card"><span class="post-card__date">12.18.2025</span></div>'
    assert dated(dated_page(after=card)) == "2025-12-18"


def test_shown_update_beats_a_json_ld_only_first_publication() -> None:
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": '
          '"2019-08-14T13:00:00Z", "dateModified": "2025-09-17T00:00:00+00:00"}</script>')
    shown = '<div class="byline">Updated Sep 17, 2025</div>'
    assert dated(dated_page(head=ld, after=shown))[:10] == "2025-09-17"
    # a meta tag stating the first publication too keeps it
    og = '<meta property="article:published_time" content="2019-08-14T13:00:00+00:00">'
    assert dated(dated_page(head=ld + og, after=shown))[:10] == "2019-08-14"


def test_date_shown_with_and_without_update_label_is_the_revision() -> None:
    og = '<meta property="article:published_time" content="2016-02-25T23:48:16+00:00">'
    shown = '<div class="meta">Updated April 1, 2025</div><div class="date">April 1, 2025</div>'
    assert dated(dated_page(head=og, after=shown))[:10] == "2016-02-25"


def test_original_date_before_update_in_one_line() -> None:
    shown = '<div class="dateline">December 22, 2022 Updated: January 02, 2026</div>'
    assert dated(dated_page(after=shown)) == "2022-12-22"


def test_stamp_a_zone_away_from_the_shown_day_is_kept_as_written() -> None:
    og = '<meta property="article:published_time" content="2025-07-05T00:04:00+00:00">'
    shown = '<div class="date">July 4, 2025</div>'
    assert dated(dated_page(head=og, after=shown)) == "2025-07-05T00:04:00+00:00"
    # unless the URL files the story under the shown day
    record = extract(dated_page(head=og, after=shown), "https://example.org/2025/07/04/a-story/")
    assert record["published_at"] == "2025-07-04"


def test_choose_published_without_stamps_uses_every_structured_value() -> None:
    assert choose_published(["2025-07-05T00:04:00+00:00"], [], [("2025-07-04", False)]) == (
        "2025-07-05T00:04:00+00:00", "structured")


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ('<meta name="date" content="March 27, 2025">', "2025-03-27"),
        ('<meta name="citation_publication_date" content="2023 Jan 7">', "2023-01-07"),
        ('<meta name="citation_publication_date" content="2019/1/22">', "2019-01-22"),
        ('<meta name="sailthru.date" content="2024-02-03T10:00:00Z">', "2024-02-03"),
    ],
)
def test_written_days_in_meta_tags(meta: str, expected: str) -> None:
    assert dated(dated_page(head=meta))[:10] == expected


def test_headline_inside_a_page_header_still_anchors_the_date() -> None:
    html = ('<html lang="en"><head><title>A story about things</title></head><body>'
            '<header class="site"><div><h1>A story about things</h1>'
            '<div class="attribution">Published on March 02, 2025</div></div>'
            f'<main><article>{STORY}</article></main></header></body></html>')
    assert dated(html) == "2025-03-02"
