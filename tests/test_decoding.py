"""Charset handling when servers and pages disagree."""

from __future__ import annotations

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
