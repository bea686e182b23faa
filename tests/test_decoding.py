"""Charset handling when servers and pages disagree."""

from __future__ import annotations

import pytest

from archiver.decoding import decode_html

PAGE = "<html><head>{meta}</head><body><p>Café “quoted” – ສະບາຍດີ</p></body></html>"


def test_windows_1252_served_as_utf8_is_recovered() -> None:
    body = PAGE.format(meta="").replace(" – ສະບາຍດີ", "").encode("cp1252")
    decoded = decode_html(body, "text/html; charset=utf-8")
    assert "Café “quoted”" in decoded.text and "\ufffd" not in decoded.text
    assert decoded.encoding == "cp1252"
    assert decoded.mismatch and "header says utf-8" in decoded.mismatch


def test_meta_contradicting_header_follows_the_bytes() -> None:
    body = PAGE.format(meta='<meta charset="utf-8">').encode("utf-8")
    decoded = decode_html(body, "text/html; charset=iso-8859-1")
    assert "ສະບາຍດີ" in decoded.text
    assert decoded.encoding == "utf-8"
    assert "header says cp1252" in (decoded.mismatch or "")


def test_missing_charset_uses_meta_or_bytes() -> None:
    legacy = PAGE.format(meta='<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">')
    decoded = decode_html(legacy.replace(" – ສະບາຍດີ", "").encode("cp1252"), "text/html")
    assert decoded.encoding == "cp1252" and "“quoted”" in decoded.text
    assert decoded.mismatch is None


def test_honest_utf8_has_no_mismatch() -> None:
    decoded = decode_html(PAGE.format(meta='<meta charset="utf-8">').encode(), "text/html; charset=UTF-8")
    assert decoded.mismatch is None and "ສະບາຍດີ" in decoded.text


def test_bom_wins() -> None:
    decoded = decode_html("\ufeff<p>ສະບາຍດີ</p>".encode("utf-16-le").replace(b"\xff\xfe", b"\xff\xfe", 1),
                          "text/html; charset=utf-8")
    assert "ສະບາຍດີ" in decoded.text


# --- a few damaged bytes in a UTF-8 page -----------------------------------------------------------

LAO_ARTICLE = (
    "<!DOCTYPE html><html lang=\"lo\"><head><meta charset=\"utf-8\"><title>ລາວ ແລະ ສະຫະລັດ</title></head><body>"
    "<p>ສະຖານທູດສະຫະລັດອາເມລິກາ ປະຈໍາ ສປປ ລາວ ປະກາດທຶນການສຶກສາ ສໍາລັບນັກສຶກສາລາວ{damage} ທີ່ມີຄວາມສົນໃຈ.</p>"
    "<p>ນັກສຶກສາສາມາດສະໝັກໄດ້ຮອດທ້າຍເດືອນ{damage2}.</p></body></html>"
)


def test_one_stray_byte_in_lao_utf8_is_one_replacement_character() -> None:
    body = LAO_ARTICLE.replace("{damage2}", "").encode("utf-8").replace(b"{damage}", b"\xa0")
    decoded = decode_html(body, "text/html; charset=utf-8")
    assert decoded.encoding == "utf-8"
    assert decoded.text == LAO_ARTICLE.replace("{damage}", "\ufffd").replace("{damage2}", "")
    assert decoded.undecodable == 1
    assert decoded.mismatch is None
    assert "à" not in decoded.text  # no Windows-1252 reading of Lao (ສ as "àº\xaa")


def test_each_invalid_sequence_is_counted_and_the_rest_kept() -> None:
    # a stray continuation byte, a lone lead byte, and a truncated three-byte sequence (its first two bytes)
    body = (LAO_ARTICLE.encode("utf-8")
            .replace(b"{damage}", b"\x80 \xc3")
            .replace(b"{damage2}", "ລ".encode()[:2]))
    decoded = decode_html(body, "text/html")
    assert decoded.encoding == "utf-8"
    assert decoded.undecodable == 3
    assert decoded.text == LAO_ARTICLE.replace("{damage}", "\ufffd \ufffd").replace("{damage2}", "\ufffd")


def test_replacement_characters_the_page_spelled_are_not_damage() -> None:
    body = LAO_ARTICLE.replace("{damage}", "\ufffd").replace("{damage2}", "").encode("utf-8")
    decoded = decode_html(body, "text/html; charset=utf-8")
    assert decoded.undecodable == 0 and decoded.text.count("\ufffd") == 1


def test_windows_1252_with_a_chance_utf8_pair_is_still_windows_1252() -> None:
    # "Â©" in Windows-1252 is C2 A9, a valid UTF-8 sequence; the curly quotes and dashes are not
    text = "<p>“Café Talk” – the Embassy’s series – returns. Photo Â© Embassy. “Next” session – soon.</p>"
    decoded = decode_html(text.encode("cp1252"), "text/html; charset=utf-8")
    assert decoded.encoding == "cp1252"
    assert decoded.text == text
    assert decoded.undecodable == 0


# --- UTF-16 and UTF-32 without a byte order mark ---------------------------------------------------

WIDE_PAGE = ("<!DOCTYPE html><html lang=\"lo\"><head><title>ສະບາຍດີ</title></head>"
             "<body><article><p>ສະຖານທູດສະຫະລັດອາເມລິກາ ປະຈໍາ ສປປ ລາວ. Café “quoted”.</p></article></body></html>")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("content_type", ["text/html; charset=utf-16", "text/html", None])
def test_wide_unicode_without_bom_is_detected(codec: str, content_type: str | None) -> None:
    decoded = decode_html(WIDE_PAGE.encode(codec), content_type)
    assert decoded.encoding == codec
    assert decoded.text == WIDE_PAGE
    assert "\x00" not in decoded.text and decoded.undecodable == 0


def test_utf16_mismatch_is_reported_by_family() -> None:
    body = WIDE_PAGE.encode("utf-16-le")
    assert decode_html(body, "text/html; charset=utf-16").mismatch is None
    assert decode_html(body, "text/html").mismatch == "no charset declared; decoded as utf-16-le"
    assert decode_html(body, "text/html; charset=utf-8").mismatch == "header says utf-8; decoded as utf-16-le"


def test_a_few_nul_bytes_do_not_make_utf8_into_utf16() -> None:
    text = LAO_ARTICLE.replace("{damage}", "\x00").replace("{damage2}", "\x00\x00")
    decoded = decode_html(text.encode("utf-8"), "text/html; charset=utf-8")
    assert decoded.encoding == "utf-8" and decoded.text == text


def test_utf16_declared_on_utf8_bytes_is_overruled() -> None:
    decoded = decode_html(WIDE_PAGE.encode("utf-8"), "text/html; charset=utf-16")
    assert decoded.encoding == "utf-8" and decoded.text == WIDE_PAGE
    assert decoded.mismatch == "header says utf-16; decoded as utf-8"


# --- legacy charsets ------------------------------------------------------------------------------

LEGACY = {
    "gb18030": "<p>中华人民共和国外交部发言人今天表示，双方将继续加强合作，推动两国关系发展。</p>",
    "big5": "<p>中華民國外交部發言人今天表示，雙方將繼續加強合作，推動兩國關係發展。</p>",
    "shift_jis": "<p>日本の外務省報道官は本日、両国が協力を強化すると述べました。</p>",
    "euc_kr": "<p>외교부 대변인은 오늘 양국이 협력을 강화할 것이라고 말했습니다.</p>",
    "tis-620": "<p>กระทรวงการต่างประเทศแถลงวันนี้ว่าทั้งสองประเทศจะร่วมมือกันมากขึ้น</p>",
    "koi8_r": "<p>Министерство иностранных дел заявило сегодня о расширении сотрудничества.</p>",
}


@pytest.mark.parametrize("codec", sorted(LEGACY))
def test_declared_legacy_charset_that_fits_the_bytes_is_used(codec: str) -> None:
    text = LEGACY[codec] * 4
    decoded = decode_html(text.encode(codec), f"text/html; charset={codec}")
    assert decoded.text == text and decoded.mismatch is None and decoded.undecodable == 0


@pytest.mark.parametrize("codec", sorted(LEGACY))
def test_undeclared_legacy_charset_is_detected_from_the_bytes(codec: str) -> None:
    text = LEGACY[codec] * 4
    decoded = decode_html(text.encode(codec), "text/html")
    assert decoded.text == text
    assert decoded.mismatch and decoded.mismatch.startswith("no charset declared")


def test_conflicting_legacy_declarations_are_settled_by_the_bytes() -> None:
    text = "<p>Zażółć gęślą jaźń. Ministerstwo Spraw Zagranicznych ogłosiło dziś współpracę z sąsiadami.</p>" * 3
    body = ('<meta charset="iso-8859-2">' + text).encode("iso-8859-2")
    decoded = decode_html(body, "text/html; charset=iso-8859-1")
    assert decoded.encoding == "iso8859-2" and decoded.text.endswith(text)
    assert decoded.mismatch == "header says cp1252; decoded as iso8859-2"


def test_seven_bit_charsets_are_honoured_on_ascii_bytes() -> None:
    text = "<p>外務省報道官は本日、協力を強化すると述べました。</p>"
    body = text.encode("iso2022_jp")
    assert body.isascii()
    decoded = decode_html(body, "text/html; charset=iso-2022-jp")
    assert decoded.text == text and decoded.encoding == "iso2022_jp"
    # the same bytes declared as nothing in particular are ASCII, read as UTF-8
    assert decode_html(body, "text/html").text == body.decode("ascii")


def test_ascii_bytes_declared_as_utf16_are_read_as_ascii() -> None:
    body = b"<html><body><p>Plain ASCII page</p></body></html>"
    decoded = decode_html(body, "text/html; charset=utf-16")
    assert decoded.text == body.decode("ascii") and decoded.encoding == "utf-8"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_lao_with_little_markup_is_told_by_its_high_bytes(codec: str) -> None:
    # one <p> and a run of Lao: too few ASCII characters for the NUL rule, but every high byte is 0x0E
    text = "<p>" + "ສະຖານທູດສະຫະລັດອາເມລິກາ ປະຈໍາ ສປປ ລາວ ໄດ້ມອບທຶນຊ່ວຍເຫຼືອ ໃຫ້ແກ່ໂຮງຮຽນປະຖົມ " * 10 + "</p>"
    decoded = decode_html(text.encode(codec), "text/html; charset=utf-16")
    assert decoded.encoding == codec and decoded.text == text


def test_legacy_text_is_never_taken_for_utf16() -> None:
    for codec, text in LEGACY.items():
        for charset in (codec, "utf-8"):
            assert decode_html((text * 10).encode(charset), f"text/html; charset={charset}").text == text * 10


def test_a_charset_without_a_replacement_character_counts_its_damage() -> None:
    # 0x81 is undefined in Windows-1252, which has no U+FFFD of its own to confuse with damage
    decoded = decode_html("<p>Café “quoted” – x</p>".encode("cp1252") + b"\x81", "text/html; charset=windows-1252")
    assert decoded.encoding == "cp1252" and decoded.undecodable == 1 and decoded.text.endswith("\ufffd")


def test_utf8_article_with_a_windows_1252_footer_keeps_its_text() -> None:
    """More invalid bytes (a footer pasted in Windows-1252) than valid characters must not turn the article's
    Lao into mojibake: the footer's bytes become U+FFFD, the article stays."""
    lao = "ສະຖານທູດສະຫະລັດອາເມລິກາ ປະຈໍາ ສປປ ລາວ ປະກາດທຶນການສຶກສາ ສໍາລັບນັກສຶກສາລາວ. " * 3
    footer = "Café – crème brûlée « naïve » résumé ’quoted’ © 2024 Embassy Café Society. " * 40
    body = f"<html><body><article><p>{lao}</p></article>".encode() + f"<footer>{footer}</footer>".encode("cp1252")
    body += b"</body></html>"
    decoded = decode_html(body, "text/html; charset=utf-8")
    assert decoded.encoding == "utf-8"
    assert lao in decoded.text
    assert decoded.undecodable == sum(1 for ch in footer if ord(ch) > 127)


@pytest.mark.parametrize(("charset", "text"), [
    ("gbk", "中华人民共和国国务院新闻办公室今天举行发布会，介绍有关情况。"),
    ("big5", "中華民國總統府今天發布新聞稿，說明相關情形。"),
    ("shift_jis", "日本政府は本日、記者会見を開き、状況を説明しました。"),
])
def test_a_legacy_page_is_not_taken_for_damaged_utf8(charset: str, text: str) -> None:
    """The few UTF-8 sequences a double-byte charset forms by accident sit among invalid bytes: not real text."""
    body = f"<html><head><meta charset={charset}></head><body><p>{text * 20}</p></body></html>".encode(charset)
    decoded = decode_html(body, "text/html")
    assert text * 20 in decoded.text


def test_windows_1252_served_as_utf8_is_not_read_as_another_latin_charset() -> None:
    """cp1250 reads these bytes as well as cp1252 ("crčme brűlée" is as plausible to a detector as "crème
    brûlée"): on a tie the web's legacy default, Windows-1252, wins."""
    text = ("<html><head><title>Embassy Café Week</title></head><body><p>Pastry chefs from Vientiane presented "
            "their pâtisserie — crème brûlée, éclairs and mille-feuille — to a jury of chefs.</p></body></html>")
    decoded = decode_html(text.encode("cp1252"), "text/html; charset=utf-8")
    assert decoded.encoding == "cp1252"
    assert decoded.text == text
