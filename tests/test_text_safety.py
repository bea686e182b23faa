"""A record's text is never mojibake, NULs, markup, unbounded or reversed: the rules one by one, then a crawl of
a hostile site (``tests/sites/hostile_text.py``) that asserts on the records written and the reasons counted."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from archiver.extract import extract
from archiver.items import Article
from archiver.normalise import normalise
from archiver.pipelines.validate import MARKUP_SHARE, ValidatePipeline, markup_share
from archiver.spiders.embassy import EmbassySpider

from .conftest import read_archive, run_crawl, start_server, stop_server
from .sites.hostile_text import ABOUT_HTML, ARCHIVED, BIDI_TITLE, ENGLISH, LAO_TITLE, MARKUP, english, lao_paragraphs
from .sites.markup import embassy_post

BASE = "https://la.usembassy.gov"

# --- the markup-body rule ---------------------------------------------------------------------------


def test_page_source_is_markup() -> None:
    source = embassy_post(BASE, "grants", "Embassy Announces Library Grants", ENGLISH, "2024-06-03T02:30:00+00:00")
    tags, share = markup_share(source)
    assert tags > 100 and share > 0.5


def test_an_article_about_html_is_not_markup() -> None:
    tags, share = markup_share("\n\n".join(ABOUT_HTML))
    assert tags == 4 and share < 0.1


def test_a_tutorial_quoting_a_code_block_is_not_markup() -> None:
    snippet = ('<Project>\n  <PropertyGroup>\n    <Format Condition="\'$(Format)\' == \'\'">true</Format>\n'
               "  </PropertyGroup>\n</Project>")
    prose = ("Formatting can run as part of every build. Add a step to the build file, as shown below, and the "
             "formatter runs before the compiler, so the code that reaches review is already tidy. ") * 4
    tags, share = markup_share(prose + "\n\n" + snippet + "\n\n" + prose)
    assert tags == 6 and share < MARKUP_SHARE / 2


def test_script_text_counts_as_markup_only_inside_a_closed_element() -> None:
    code = "var slots = window.slots || []; function track(a) { slots.push(a); } " * 40
    page = "".join(f"<div class='w{i}'>x</div>" for i in range(10)) + f"<script>{code}</script>"
    assert markup_share(page)[1] > 0.9
    # "the <script> element" in prose never closes: the text after it is not code
    assert markup_share("Every <script> element blocks. " + "Prose about pages. " * 40)[1] < 0.05


@pytest.fixture
def crawler():
    crawler = get_crawler(EmbassySpider, {"ARCHIVER_MIN_WORDS": 20})
    crawler.stats.open_spider()
    return crawler


def _article(body: str) -> Article:
    return Article(schema_version=1, url=f"{BASE}/a/", canonical_url=f"{BASE}/a/", id="0" * 32, source="la",
                   source_kind="embassy", country="LA", title="Library Grants Announced", body=body,
                   word_count=len(body.split()), content_sha256="0" * 64, fetched_at="2024-06-03T02:30:00+00:00",
                   http_status=200, run_id="r1", provenance={})


def test_validate_drops_a_markup_body_with_a_counted_reason(crawler) -> None:
    source = embassy_post(BASE, "grants", "Embassy Announces Library Grants", ENGLISH, "2024-06-03T02:30:00+00:00")
    with pytest.raises(DropItem, match="markup_body"):
        ValidatePipeline(crawler).process_item(_article(source))
    assert crawler.stats.get_value("archiver/source/la/dropped/markup_body") == 1
    article = _article("\n\n".join(ABOUT_HTML))
    assert ValidatePipeline(crawler).process_item(article) is article
    assert crawler.stats.get_value("archiver/dropped/markup_body") == 1


def test_a_page_misread_upstream_never_becomes_a_markup_record(crawler) -> None:
    # what the old decoder did with BOM-less UTF-16: read it as UTF-8, so that every other character is a NUL
    page = embassy_post(BASE, "week", "Embassy Opens Lao Language Week", ENGLISH, "2024-06-03T02:30:00+00:00",
                        charset_meta=None)
    misread = page.encode("utf-16-le").decode("utf-8", "replace")
    # the extractor reads the tree parsed without the NULs, and the family's selectors find the story in it
    fields = extract(misread, f"{BASE}/week/")
    assert fields["body"].startswith(ENGLISH[0]) and markup_share(fields["body"])[1] < MARKUP_SHARE / 10
    # an extractor that took the page's own source for its body (as ours once did with this page, when the
    # family's selectors were ruled out by a search of the NUL-riddled text) is stopped by validation
    source = misread.replace("\x00", "")
    assert source.startswith("<!DOCTYPE html>")
    record = normalise({**_article("x"), **{k: v for k, v in fields.items() if k in Article.fields
                                             and k != "provenance"}, "body": source, "url": f"{BASE}/week/"}).record
    with pytest.raises(DropItem, match="markup_body"):
        ValidatePipeline(crawler).process_item(Article(record))


# --- the crawl -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_server() -> Iterator[str]:
    proc, base = start_server(["-m", "tests.sites.hostile_text"])
    yield base
    stop_server(proc)


@pytest.fixture(scope="module")
def hostile_crawl(hostile_server: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict, str]:
    tmp = tmp_path_factory.mktemp("hostile-text")
    report = run_crawl("embassy", tmp / "archive", tmp / "runs", "-a", "site=la", "-a", f"base_url={hostile_server}")
    records = {r["url"].removeprefix(hostile_server).strip("/"): r for r in read_archive(tmp / "archive")}
    return report, records, hostile_server


def test_the_right_pages_are_archived_and_the_markup_ones_dropped(hostile_crawl: tuple) -> None:
    report, records, base = hostile_crawl
    assert sorted(records) == sorted(ARCHIVED)
    stats = report["stats"]
    assert stats["archiver/source/la/dropped/markup_body"] == len(MARKUP)
    assert [k for k in stats if k.startswith("archiver/source/la/dropped/")] == ["archiver/source/la/dropped/markup_body"]
    for slug in MARKUP:
        lines = [line for line in report["_log"].splitlines() if f"markup_body: {base}/{slug}/" in line]
        assert len(lines) == 1, lines


def test_a_stray_byte_in_lao_utf8_is_one_replacement_character(hostile_crawl: tuple) -> None:
    report, records, base = hostile_crawl
    record = records["lao-stray-byte"]
    assert record["title"] == LAO_TITLE
    assert record["body"] == "\n\n".join(lao_paragraphs("\ufffd"))
    assert record["language"] == "lo"
    assert not re.search("[\u00c0-\u00ff]", record["body"])  # no Windows-1252 reading of Lao ("àº¥àº²àº§")
    stats = report["stats"]
    assert stats["archiver/source/la/decode_errors"] == 1
    assert stats["archiver/source/la/replacement_chars"] == 1
    logged = [line for line in report["_log"].splitlines() if f"undecodable bytes: {base}/lao-stray-byte/" in line]
    assert len(logged) == 1


@pytest.mark.parametrize("slug", ["utf16-declared", "utf16-undeclared", "utf16-headerless"])
def test_utf16_without_bom_is_decoded(hostile_crawl: tuple, slug: str) -> None:
    _, records, _ = hostile_crawl
    record = records[slug]
    assert record["title"] == ARCHIVED[slug]
    assert record["body"] == "\n\n".join(english(slug))
    assert "\x00" not in record["body"] and "<" not in record["body"]


def test_charset_mismatch_counts_only_the_undeclared_utf16_pages(hostile_crawl: tuple) -> None:
    report, _, base = hostile_crawl
    assert report["stats"]["archiver/source/la/charset_mismatch"] == 2
    for slug in ("utf16-undeclared", "utf16-headerless"):
        assert f"charset mismatch: {base}/{slug}/ (no charset declared; decoded as utf-16-le)" in report["_log"]


def test_a_megabyte_title_is_cut_and_counted(hostile_crawl: tuple) -> None:
    report, records, _ = hostile_crawl
    record = records["huge-title"]
    assert len(record["title"]) <= 300
    assert record["title"].startswith("Embassy Marks Mekong Day Embassy Marks") and record["title"].endswith("Day…")
    assert record["body"] == "\n\n".join(english("huge-title"))
    assert report["stats"]["archiver/source/la/fields/cut/title"] == 1


def test_bidi_overrides_are_removed_from_the_title_and_counted(hostile_crawl: tuple) -> None:
    report, records, _ = hostile_crawl
    record = records["bidi-title"]
    assert "\u202e" in BIDI_TITLE
    assert record["title"] == "Embassy News Update on Visa Appointments"
    short = [record.get(k, "") for k in ("title", "description", "section", "site_name")]
    assert not any(re.search("[\u202a-\u202e\u2066-\u2069]", value) for value in short)
    assert report["stats"]["archiver/source/la/fields/controls/title"] == 1


def test_an_article_about_html_keeps_its_words_in_angle_brackets(hostile_crawl: tuple) -> None:
    _, records, _ = hostile_crawl
    record = records["about-html"]
    assert record["title"] == "Why <script> tags matter"
    assert record["body"] == "\n\n".join(ABOUT_HTML)
    assert html.escape("<script>") not in record["body"]


def test_clean_inline_collapses_every_unicode_space_and_drops_invisible_characters() -> None:
    """``clean_inline`` splits on ``str.isspace`` where it once substituted ``\\s`` runs: the same text
    for every whitespace code point, line breaks, invisible characters and their mixtures."""
    import random

    from archiver.extract.text import _INVISIBLE, clean_inline

    def by_substitution(text: str) -> str:
        return re.sub(r"[^\S\n]+", " ", _INVISIBLE.sub("", text.replace("\n", " "))).strip()

    spaces = [chr(code) for code in range(0x110000) if chr(code).isspace()]
    assert {"\u00a0", "\u2009", "\u3000", "\x1c", "\u2028"} <= set(spaces)
    alphabet = [*spaces, "a", "b", "é", "’", "ລ", "\u200b", "\u200d", "\ufeff", "\u00ad", "\u2060"]
    draw = random.Random(14)
    for _ in range(20000):
        text = "".join(draw.choice(alphabet) for _ in range(draw.randint(0, 14)))
        assert clean_inline(text) == by_substitution(text), repr(text)
    assert clean_inline("\u00a0Vientiane,\u200b\n 21\u2009March ") == "Vientiane, 21 March"
