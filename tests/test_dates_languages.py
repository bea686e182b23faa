"""Visible dates written in the page's own language: Lao, Thai (Buddhist era), Vietnamese, Khmer,
French and Spanish, and relative phrases that must never become a date.

Fixture pages live in ``tests/fixtures/dates_languages/``: ``<name>.html`` next to
``<name>.expected.json`` holding ``url``, ``note`` (what the page shows), ``fields`` (expected values;
``null`` means the field must be absent) and ``provenance``. The markup is the families' own: the
usembassy.gov cms3 theme as in ``data/demo/la.usembassy.gov/lo/`` and KPL's Lao edition as in
``data/demo/kpl.gov.la/``; the text is our own. The pages carry no JSON-LD, no
``article:published_time`` and no ``datetime`` attribute, so the visible date is the only date
evidence. Expected values were written by hand from the text the pages show.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from archiver.extract import extract, localdates
from archiver.extract.dates import parse_any, parse_text_date
from archiver.extract.dom import parse_html
from archiver.extract.language import page_language
from archiver.extract.pagedates import _element_date, choose_published, visible_dates

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dates_languages"


def _names() -> list[str]:
    return sorted(p.name[: -len(".expected.json")] for p in FIXTURES.glob("*.expected.json"))


@cache
def _spec(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))


@cache
def _page(name: str) -> str:
    return (FIXTURES / f"{name}.html").read_text(encoding="utf-8")


@cache
def _extracted(name: str) -> dict[str, Any]:
    return extract(_page(name), _spec(name)["url"], hints=_spec(name).get("hints"))


# --- fixtures: one case per fixture and field ---------------------------------------------------


def test_fixture_set_covers_every_language_and_relative_pages() -> None:
    names = set(_names())
    dated = {n for n in names if _spec(n)["fields"]["published_at"]}
    undated = names - dated
    assert {_spec(n)["fields"]["language"] for n in dated} >= {"lo", "th", "vi", "km", "fr", "es"}
    assert {_spec(n)["fields"]["language"] for n in undated} >= {"lo", "th", "fr", "es", "en"}
    assert {n.split("_")[0] for n in dated} == {"kpl", "usembassy"}
    for name in names:
        assert (FIXTURES / f"{name}.html").is_file(), name


@pytest.mark.parametrize(("name", "field"), [
    pytest.param(n, f, id=f"{n}-{f}") for n in _names() for f in _spec(n)["fields"]
])
def test_fixture_field(name: str, field: str) -> None:
    expected = _spec(name)["fields"][field]
    record = _extracted(name)
    if expected is None:
        assert field not in record, f"{field} = {record.get(field)!r}, expected absent"
    else:
        assert record.get(field) == expected


@pytest.mark.parametrize(("name", "field"), [
    pytest.param(n, f, id=f"{n}-provenance-{f}") for n in _names() for f in _spec(n).get("provenance", {})
])
def test_fixture_provenance(name: str, field: str) -> None:
    assert _extracted(name)["provenance"].get(field) == _spec(name)["provenance"][field]


@pytest.mark.parametrize("name", [n for n in _names() if _spec(n)["fields"]["published_at"]])
def test_fixture_date_is_only_in_the_page_language(name: str) -> None:
    """The shown date is not readable as English or numeric text, so the record's date comes from
    reading it in the page's language (and no other evidence on the page gives it)."""
    root = lxml_html.fromstring(_page(name))
    shown = root.xpath("string((//*[contains(@class,'entry-date')] | //*[contains(@id,'lblDate')])[1])")
    language = _spec(name)["fields"]["language"]
    assert shown.strip()
    assert parse_text_date(shown) is None
    assert parse_text_date(shown, languages=(language,)) == _spec(name)["fields"]["published_at"]


def test_kpl_lao_month_word_is_not_taken_from_the_story_text() -> None:
    # the story mentions 15/03/2023; the date line says 21 March 2023
    assert "15/03/2023" in _page("kpl_lo_month_word")
    assert _extracted("kpl_lo_month_word")["published_at"] == "2023-03-21"


# --- the general path (pages no family describes) reads the same element ---------------------


def test_visible_dates_read_in_the_page_language_and_tell_the_revision_stamp() -> None:
    root = parse_html(_page("usembassy_fr"))
    headline = root.xpath("//h1")[0]
    assert visible_dates(root, headline) == []
    shown = visible_dates(root, headline, ("fr",))
    assert ("2023-03-21", False) in shown
    assert ("2023-03-22", True) in shown
    assert choose_published([], [], shown) == ("2023-03-21", "visible")


@pytest.mark.parametrize(("line", "language", "expected"), [
    ("Mis à jour le 22 mars 2023", "fr", ("2023-03-22", True)),
    ("Publié le 21 mars 2023", "fr", ("2023-03-21", False)),
    ("Actualizado el 22 de marzo de 2023", "es", ("2023-03-22", True)),
    ("Cập nhật 22 tháng 3, 2023", "vi", ("2023-03-22", True)),
    ("อัปเดต 22 มีนาคม 2566", "th", ("2023-03-22", True)),
])
def test_update_labels_in_other_languages(line: str, language: str, expected: tuple[str, bool]) -> None:
    element = lxml_html.fragment_fromstring(f"<span class='meta'>{line}</span>")
    assert _element_date(element, languages=(language,)) == expected


# --- reading: day, month word, year in one language ----------------------------------------------


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("21 ມີນາ 2023", "lo", "2023-03-21"),
    ("ວັນທີ 21 ມີນາ 2023 ເວລາ 14:37", "lo", "2023-03-21"),
    ("໒໑ ມີນາ ໒໐໒໓", "lo", "2023-03-21"),
    ("15 มีนาคม 2566", "th", "2023-03-15"),
    ("วันที่ 15 มีนาคม พ.ศ. 2566", "th", "2023-03-15"),
    ("15 มีนาคม 2023", "th", "2023-03-15"),
    ("๑๕ มีนาคม ๒๕๖๖", "th", "2023-03-15"),
    ("15 ก.พ. 2566", "th", "2023-02-15"),
    ("15/03/2566", "th", "2023-03-15"),
    ("Ngày 21 tháng 3 năm 2023", "vi", "2023-03-21"),
    ("Thứ ba, 21 tháng 12 năm 2023 - 14:37", "vi", "2023-12-21"),
    ("ថ្ងៃទី 21 ខែមីនា ឆ្នាំ 2023", "km", "2023-03-21"),
    ("Le 1er mars 2023", "fr", "2023-03-01"),
    ("mardi 21 mars 2023 à 14h30", "fr", "2023-03-21"),
    ("1 de dic. de 2023", "es", "2023-12-01"),
    ("martes, 21 de marzo de 2023", "es", "2023-03-21"),
])
def test_dates_in_the_page_language(text: str, language: str, expected: str) -> None:
    assert parse_text_date(text, languages=(language,)) == expected
    assert parse_any(text, "+07:00", (language,)) == expected  # a written-out date stays a bare day


@pytest.mark.parametrize(("text", "language"), [
    # relative phrases: never a date, in any language
    ("3 hours ago", "en"), ("yesterday", "en"), ("today", "en"),
    ("ເມື່ອວານນີ້", "lo"), ("ມື້ນີ້", "lo"), ("ເມື່ອວານນີ້ 14:37", "lo"),
    ("เมื่อวานนี้", "th"), ("3 ชั่วโมงที่แล้ว", "th"), ("วันนี้ 14:37 น.", "th"),
    ("hôm qua", "vi"), ("2 ngày trước", "vi"), ("ម្សិលមិញ", "km"),
    ("hier", "fr"), ("il y a 3 jours", "fr"), ("avant-hier à 14h30", "fr"),
    ("hace 2 días", "es"), ("ayer", "es"), ("hace 3 horas", "es"),
    # a part missing is not filled from today
    ("mars 2023", "fr"), ("21 mars", "fr"), ("ມີນາ 2023", "lo"), ("21 de marzo", "es"),
    # a number that is not a day, however near a month and a year
    ("Les 3 ans de mars 2023", "fr"), ("hace 3 años de marzo de 2023", "es"),
    # a two-digit Thai year could be either era: not guessed
    ("15 มี.ค. 66", "th"),
    # a Buddhist-era year is converted on Thai pages only
    ("21 ມີນາ 2566", "lo"), ("15/03/2566", "fr"), ("15/03/2566", "en"),
    # not a real day, and a range's end is not a date of its own
    ("31 février 2023", "fr"), ("21 ພຶດສະພາ – 4 ມິຖຸນາ 2021", "lo"),
])
def test_no_date_is_made_up(text: str, language: str) -> None:
    assert parse_text_date(text, languages=(language,)) is None


@pytest.mark.parametrize(("text", "language"), [
    ("21 de marzo de 2023", "fr"),
    ("21 mars 2023", "es"),
    ("21 ມີນາ 2023", "th"),
    ("15 มีนาคม 2566", "lo"),
    ("21 mars 2023", "en"),
])
def test_restricted_to_the_page_language(text: str, language: str) -> None:
    assert parse_text_date(text, languages=(language,)) is None


def test_english_and_numeric_forms_are_read_as_before_on_any_page() -> None:
    assert parse_text_date("March 3, 2024", languages=("fr",)) == "2024-03-03"
    assert parse_text_date("03/04/2024", languages=("es",)) == "2024-04-03"
    assert parse_text_date("Thứ năm, 2/11/2023, 19:20 (GMT+7)", languages=("vi",)) == "2023-11-02"


def test_dateparser_is_only_asked_about_date_shaped_spans() -> None:
    """dateparser is slow: text without a day, a month word of the language and a year never
    reaches it (the count of parser look-ups is the measure)."""
    parse_text_date("15 มีนาคม 2566", languages=("th",))  # loads the Thai vocabulary
    before = localdates._parser.cache_info().hits
    for text in ("เมื่อวานนี้", "3 ชั่วโมงที่แล้ว", "ดู 1,234 ครั้ง", "ปี 2566", "โทร 02 205 4000"):
        assert parse_text_date(text, languages=("th",)) is None
    assert localdates._parser.cache_info().hits == before
    assert parse_text_date("16 มีนาคม 2566", languages=("th",)) == "2023-03-16"
    assert localdates._parser.cache_info().hits > before


# --- the page's language, from the evidence the extractor has ------------------------------------


@pytest.mark.parametrize(("declared", "sample", "expected"), [
    (["en-US"], "ស្ថានទូតអាមេរិក គាំទ្រកម្មវិធីបណ្តុះបណ្តាលគ្រូបង្រៀន", "km"),
    ([], "KPL : ແຂວງຈຳປາສັກ ເປີດງານວາງສະແດງ ສິນຄ້າກະສິກຳ", "lo"),
    (["fr-FR"], "Fermeture", "fr"),
    ([None, "es_ES"], "", "es"),
    ([], "", None),
])
def test_page_language(declared: list[str | None], sample: str, expected: str | None) -> None:
    assert page_language(declared, sample) == expected


def test_undeclared_page_language_is_read_from_its_text() -> None:
    page = _page("usembassy_es").replace('lang="es-ES"', "").replace(
        '<meta property="og:locale" content="es_ES" />', "")
    assert extract(page, _spec("usembassy_es")["url"])["published_at"] == "2023-03-21"


def test_registry_language_hint_decides_only_when_the_page_cannot_tell() -> None:
    # no declaration, and a title too short to name a language: the registry's word decides
    page = _page("usembassy_es").replace('lang="es-ES"', "").replace(
        '<meta property="og:locale" content="es_ES" />', "")
    page = "\n".join(line for line in page.splitlines() if "description" not in line)
    page = page.replace('<meta property="og:title" content="La Embajada de Estados Unidos presenta nuevas becas',
                        '<meta property="og:title" content="Becas')
    url = _spec("usembassy_es")["url"]
    assert "published_at" not in extract(page, url)
    assert extract(page, url, hints={"language": "es"})["published_at"] == "2023-03-21"
    assert extract(page, url, hints={"languages": ["es"]})["published_at"] == "2023-03-21"
    # and it never overrules what the page's text says
    khmer = extract(_page("usembassy_km_declared_english"), _spec("usembassy_km_declared_english")["url"],
                    hints={"language": "en"})
    assert khmer["published_at"] == "2023-03-21"
