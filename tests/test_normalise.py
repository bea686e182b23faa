"""Record normalisation: w3lib URL and text rules, derived fields, idempotence."""

from __future__ import annotations

import hashlib
import random
import unicodedata

import pytest
from scrapy.utils.test import get_crawler

from archiver.items import Article
from archiver.normalise import LIMITS, MAX_ITEMS, clean_body, clean_line, clean_url, normalise, normalise_record
from archiver.pipelines.normalise import NormalisePipeline
from archiver.schema import schema_errors
from archiver.spiders.embassy import EmbassySpider

RAW = {
    "schema_version": 1,
    "url": "https://la.usembassy.gov/fulbright-2024/?utm_source=fb&utm_medium=social&fbclid=Iw123&p=2#top",
    "canonical_url": "https://la.usembassy.gov/fulbright-2024/?utm_campaign=x",
    "source": "la",
    "source_kind": "embassy",
    "country": "LA",
    "site_name": "U.S. Embassy in Laos",
    "title": "  Fulbright&amp;#8217;s   <em>new</em> cohort&nbsp;departs ",
    "authors": ["Jane Roe", "jane roe", " ", "John &amp; Co"],
    "tags": ["Education", "education"],
    "body": "First  paragraph\u00a0here.\n\n\n  Second\tparagraph. \n  \nCafe\u0301 ສະບາຍດີ\nline two\n",
    "images": [{"url": "https://la.usembassy.gov/a.jpg?utm_source=x", "caption": " A  photo "},
               {"url": "https://la.usembassy.gov/a.jpg"}],
    "fetched_at": "2024-06-18T01:02:03+00:00",
    "http_status": 200,
    "run_id": "20240618T010203Z-abc123",
    "description": "",
    "provenance": {"title": "meta:og:title", "description": "meta:description", "body": "site:usembassy"},
}


def test_tracking_parameters_removed_and_url_canonicalised() -> None:
    assert clean_url(RAW["url"]) == "https://la.usembassy.gov/fulbright-2024/?p=2"
    assert clean_url("https://example.org/a?b=2&a=1&UTM_Term=z&gclid=1") == "https://example.org/a?a=1&b=2"


def test_text_fields_decoded_stripped_collapsed() -> None:
    assert clean_line(RAW["title"]) == "Fulbright\u2019s new cohort departs"
    assert clean_line("AT&T  says x < y") == "AT&T says x < y"


def test_body_paragraphs_and_nfc() -> None:
    body = clean_body(RAW["body"])
    assert body == "First paragraph here.\n\nSecond paragraph.\n\nCaf\u00e9 ສະບາຍດີ\nline two"
    assert unicodedata.is_normalized("NFC", body)


def test_record_derived_fields_and_schema() -> None:
    record = normalise_record(RAW)
    assert record["url"] == "https://la.usembassy.gov/fulbright-2024/?p=2"
    assert record["canonical_url"] == "https://la.usembassy.gov/fulbright-2024/"
    assert record["id"] == hashlib.sha256(b"https://la.usembassy.gov/fulbright-2024/").hexdigest()[:32]
    assert record["authors"] == ["Jane Roe", "John & Co"]
    assert record["tags"] == ["Education"]
    assert record["images"] == [{"url": "https://la.usembassy.gov/a.jpg", "caption": "A photo"}]
    body = "First paragraph here.\n\nSecond paragraph.\n\nCaf\u00e9 ສະບາຍດີ\nline two"
    assert record["body"] == body
    assert record["word_count"] == 9
    assert record["content_sha256"] == hashlib.sha256(body.encode("utf-8")).hexdigest()
    assert "description" not in record and "description" not in record["provenance"]
    assert schema_errors(record) == []


def test_normalising_twice_changes_nothing() -> None:
    once = normalise_record(RAW)
    assert normalise_record(once) == once
    tricky = {**RAW, "title": "&amp;amp;lt;b&amp;gt; tags", "body": "x &amp;amp; y"}
    once = normalise_record(tricky)
    assert normalise_record(once) == once


# --- markup in metadata values, and words in angle brackets -----------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Why <script> tags matter", "Why <script> tags matter"),
        ("Why &lt;script&gt; tags matter", "Why <script> tags matter"),
        ("The <title> and <meta> elements, explained", "The <title> and <meta> elements, explained"),
        ("5 &lt; 6 and 7 &gt; 3", "5 < 6 and 7 > 3"),
        ("a < b > c", "a < b > c"),
        # markup: a JSON-LD headline with an element opened and closed, escaped or not
        ("Fulbright’s <em>new</em> cohort departs", "Fulbright’s new cohort departs"),
        ("Fulbright’s &lt;em&gt;new&lt;/em&gt; cohort departs", "Fulbright’s new cohort departs"),
        ('Read the <a href="https://la.usembassy.gov/x/">statement</a> in full', "Read the statement in full"),
        ("Line one<br/>line two", "Line oneline two"),
        ("Grants <script>alert(1)</script>announced", "Grants announced"),
        ("Grants <!-- wp:heading -->announced", "Grants announced"),
        ("&lt;!DOCTYPE html&gt;&lt;html&gt;&lt;title&gt;Grants announced&lt;/title&gt;&lt;/html&gt;", "Grants announced"),
    ],
)
def test_clean_line_removes_markup_but_not_words_in_angle_brackets(raw: str, expected: str) -> None:
    assert clean_line(raw) == expected
    assert clean_line(expected) == expected


# --- control and bidi characters ---------------------------------------------------------------------


def test_short_fields_lose_control_and_bidi_characters() -> None:
    assert clean_line("Embassy\u202e sdrawkcab\u202c news") == "Embassy sdrawkcab news"
    assert clean_line("\u2067Isolated\u2069 \u202aembedded\u202c") == "Isolated embedded"
    assert clean_line("T\x00i\x00t\x00l\x00e\x07\x1b\x7f\x9b") == "Title"
    assert clean_line("Tab\there\nand\x0bthere") == "Tab here and there"
    assert clean_line("&#x202E;Reversed &#1;title &#0;") == "Reversed title \ufffd"  # HTML reads &#0; as U+FFFD
    assert clean_line("Lone \ud800surrogate") == "Lone surrogate"
    # right-to-left marks are text, not overrides
    assert clean_line("\u200fמזרח\u200e") == "\u200fמזרח\u200e"


def test_body_keeps_line_breaks_and_loses_other_controls() -> None:
    raw = "First\x00 para\x07graph\x1b.\r\nSecond line\x85 here.\n\n\x0cThird\tparagraph\x9f."
    assert clean_body(raw) == "First paragraph.\nSecond line here.\n\nThird paragraph."


# --- limits: over-long values cut or removed, and counted -------------------------------------------


def test_over_long_title_is_cut_at_a_word_boundary() -> None:
    result = normalise({**RAW, "title": "Ambassador " * 40})
    assert result.record["title"] == " ".join(["Ambassador"] * 27) + "…"
    assert len(result.record["title"]) <= LIMITS["title"].max_chars
    assert ("title", "cut") in result.changes


def test_a_megabyte_title_becomes_a_bounded_one() -> None:
    result = normalise({**RAW, "title": "<title>" + "Embassy news " * 80_000 + "</title>"})
    title = result.record["title"]
    assert len(title) <= 300 and title.startswith("Embassy news Embassy news") and title.endswith("news…")
    assert schema_errors(result.record) == []


def test_lao_title_without_spaces_is_cut_between_graphemes() -> None:
    lao = "ສະຖານທູດສະຫະລັດອາເມລິກາປະຈໍາສປປລາວປະກາດທຶນການສຶກສາ" * 10
    title = normalise({**RAW, "title": lao}).record["title"]
    assert title.endswith("…") and len(title) <= 300
    kept = title[:-1]
    assert lao.startswith(kept)
    assert unicodedata.category(lao[len(kept)])[0] != "M"  # the cut is not before a vowel sign or tone mark


def test_over_long_names_are_removed_and_lists_capped() -> None:
    result = normalise({
        **RAW,
        "section": "News " * 30,
        "site_name": "U.S. Embassy " * 20,
        "authors": ["Jane Roe", "Signed " * 40, *[f"Author {i}" for i in range(30)]],
        "tags": [f"tag {i}" for i in range(80)] + ["t" * 101],
        "images": [{"url": "data:image/png;base64," + "A" * 5000}, {"url": "https://la.usembassy.gov/" + "x" * 2100},
                   {"url": "https://la.usembassy.gov/b.jpg", "caption": "Caption " * 200}],
    })
    record = result.record
    assert "section" not in record and "site_name" not in record
    assert record["authors"] == ["Jane Roe", *[f"Author {i}" for i in range(19)]]
    assert record["tags"] == [f"tag {i}" for i in range(50)]
    assert [i["url"] for i in record["images"]] == ["https://la.usembassy.gov/b.jpg"]
    assert len(record["images"][0]["caption"]) <= 1000 and record["images"][0]["caption"].endswith("Caption…")
    assert set(result.changes) == {("section", "removed"), ("site_name", "removed"), ("authors", "removed"),
                                   ("tags", "removed"), ("images", "removed"), ("caption", "cut")}
    assert schema_errors(record) == []
    assert len(record["authors"]) == MAX_ITEMS["authors"] and len(record["tags"]) == MAX_ITEMS["tags"]


def test_normalising_a_cut_and_cleaned_record_changes_nothing() -> None:
    hostile = {**RAW, "title": "\u202eReversed " * 60, "description": "Word " * 500, "section": "S" * 150,
               "body": "Body\x00 text\x07 here.\n\nMore."}
    once = normalise(hostile)
    assert {"controls", "cut", "removed"} == {change for _, change in once.changes}
    twice = normalise(once.record)
    assert twice.record == once.record and twice.changes == ()


def test_clean_line_is_idempotent_on_hostile_strings() -> None:
    pieces = ["<", ">", "/", "&", "amp;", "lt;", "gt;", "#8217;", "em", "b", "script", "a href=x", " ", "x",
              "<!--", "-->", "<!DOCTYPE ", "\u202e", "\x00", "\u00ad", "ສ", "\u0eb4", "&#x202E;", "br", "="]
    rng = random.Random(10)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        once = clean_line(text)
        assert clean_line(once) == once, (text, once)


def test_pipeline_counts_changes_per_source() -> None:
    crawler = get_crawler(EmbassySpider)
    crawler.stats.open_spider()
    item = Article({**RAW, "title": "Embassy\u202e news " * 40, "section": "S" * 150})
    NormalisePipeline.from_crawler(crawler).process_item(item)
    stats = crawler.stats.get_stats()
    assert stats["archiver/source/la/fields/cut/title"] == 1
    assert stats["archiver/source/la/fields/controls/title"] == 1
    assert stats["archiver/source/la/fields/removed/section"] == 1
    assert stats["archiver/fields/cut/title"] == 1
    assert len(item["title"]) <= 300 and "section" not in item


def test_the_body_loses_bidi_overrides_but_keeps_isolates_and_marks() -> None:
    body = "The sign read \u202eNEPO\u202c today. He quoted \u2067שלום\u2069 and \u200fmarks."
    assert clean_body(body) == "The sign read NEPO today. He quoted \u2067שלום\u2069 and \u200fmarks."


@pytest.mark.parametrize("invisible", ["\u00ad", "\ufeff"])
def test_soft_hyphens_and_byte_order_marks_leave_every_field(invisible: str) -> None:
    """Looked for before ``str.translate`` is asked (which reads every character): wherever one sits, it goes."""
    assert clean_body(f"{invisible}Vien{invisible}tiane\n\nLao{invisible}s{invisible}") == "Vientiane\n\nLaos"
    assert clean_line(f"Embassy{invisible} news{invisible}") == "Embassy news"
    assert clean_body("Vientiane\n\nLaos") == "Vientiane\n\nLaos"
