"""Record normalisation: w3lib URL and text rules, derived fields, idempotence."""

from __future__ import annotations

import unicodedata

from archiver.normalise import clean_body, clean_line, clean_url, normalise_record, record_id, word_count
from archiver.schema import schema_errors

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
    assert record["id"] == record_id("https://la.usembassy.gov/fulbright-2024/")
    assert record["authors"] == ["Jane Roe", "John & Co"]
    assert record["tags"] == ["Education"]
    assert record["images"] == [{"url": "https://la.usembassy.gov/a.jpg", "caption": "A photo"}]
    assert record["word_count"] == word_count(record["body"]) == 9
    assert len(record["content_sha256"]) == 64
    assert "description" not in record and "description" not in record["provenance"]
    assert schema_errors(record) == []


def test_normalising_twice_changes_nothing() -> None:
    once = normalise_record(RAW)
    assert normalise_record(once) == once
    tricky = {**RAW, "title": "&amp;amp;lt;b&amp;gt; tags", "body": "x &amp;amp; y"}
    once = normalise_record(tricky)
    assert normalise_record(once) == once
