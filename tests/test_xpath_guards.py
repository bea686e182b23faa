"""trafilatura's XPath expressions with their regular-expression tests guarded by the attributes' presence
(``archiver.extract.xpath_guards``): the same elements selected, the same text extracted, and trafilatura left
as installed outside our own calls. Pages: every HTML fixture and demo page of the repository (written by us,
in the markup of the sites we target); the dev pages of ``../shared`` are checked by the bench instead."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import pytest
from lxml import etree

import archiver.extract.fallback as fallback
from archiver.extract.dom import parse_html
from archiver.extract.fallback import fallback_body
from archiver.extract.xpath_guards import _plan, faster_xpaths, guarded

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([*ROOT.glob("tests/fixtures/**/*.html"), *ROOT.glob("data/demo/**/*.html")])


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (".//*[re:test(@class, 'share|social')]", ".//*[((@class) and re:test(@class, 'share|social'))]"),
        (".//*[re:test(@id|@class, 'cookie')]", ".//*[((@id|@class) and re:test(@id|@class, 'cookie'))]"),
        (".//*[re:test(@class, 'fulltext', 'i')]", ".//*[((@class) and re:test(@class, 'fulltext', 'i'))]"),
        # a pattern the empty string matches: an absent attribute would pass, so the callback must decide
        (".//*[re:test(@class, 'x*')]", ".//*[re:test(@class, 'x*')]"),
        (".//*[re:test(@class, '^$|nav')]", ".//*[re:test(@class, '^$|nav')]"),
        # not a call on attributes: left alone
        (".//*[re:test(string(.), 'x')]", ".//*[re:test(string(.), 'x')]"),
        (".//*[contains(@class, 'x')]", ".//*[contains(@class, 'x')]"),
    ],
)
def test_guarded(path: str, expected: str) -> None:
    assert guarded(path) == expected


def test_trafilatura_expressions_are_rewritten() -> None:
    """Today's trafilatura has the lists the speed-up is for (a release without them is not sped up, and
    this test says so)."""
    names = {attribute for _, attribute, _, _ in _plan()}
    assert {"OVERALL_DISCARD_XPATH", "REMOVE_COMMENTS_AND_LISTS_XPATH", "BODY_XPATH"} <= names


def test_rewritten_expressions_select_the_same_elements() -> None:
    assert len(PAGES) >= 20
    pairs = {old.path: (old, new) for _, _, originals, faster in _plan()
             for old, new in zip(originals, faster, strict=True) if old is not new}
    assert pairs
    selected = 0
    for page in PAGES:
        root = parse_html(page.read_text(encoding="utf-8"))
        assert root is not None, page
        for old, new in pairs.values():
            found = old(root)
            assert new(root) == found, (page.name, old.path[:80])
            selected += len(found) if isinstance(found, list) else 0
    assert selected > 0  # the comparison saw matches, not only empty answers


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_same_text_with_and_without_guards(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    html = page.read_text(encoding="utf-8")
    guarded_text = fallback_body(parse_html(html), "https://example.org/a/")
    monkeypatch.setattr(fallback, "faster_xpaths", contextlib.nullcontext)
    assert fallback_body(parse_html(html), "https://example.org/a/") == guarded_text


def test_trafilatura_is_left_as_installed() -> None:
    before = {(module.__name__, attribute): getattr(module, attribute) for module, attribute, _, _ in _plan()}
    with faster_xpaths():
        during = {(module.__name__, attribute): getattr(module, attribute) for module, attribute, _, _ in _plan()}
        assert all(during[key] is not before[key] for key in before)
    after = {(module.__name__, attribute): getattr(module, attribute) for module, attribute, _, _ in _plan()}
    assert after == before and all(after[key] is before[key] for key in before)
    assert all(isinstance(x, etree.XPath) for value in after.values() for x in value)
    assert "trafilatura.core" in sys.modules
