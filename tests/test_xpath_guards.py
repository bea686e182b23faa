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
from archiver.extract.xpath_guards import _plan, faster_xpaths, guarded, required_literals

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([*ROOT.glob("tests/fixtures/**/*.html"), *ROOT.glob("data/demo/**/*.html")])


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # every match holds one of a few literals: tested with contains() before the call
        (".//*[re:test(@class, 'share|social')]",
         ".//*[((@class) and (contains(@class, \"hare\") or contains(@class, \"ocial\"))"
         " and re:test(@class, 'share|social'))]"),
        (".//*[re:test(@id|@class, 'cookie')]",
         ".//*[((@id|@class) and (contains(@id|@class, \"cookie\")) and re:test(@id|@class, 'cookie'))]"),
        # letter case ignored: presence only
        (".//*[re:test(@class, 'fulltext', 'i')]", ".//*[((@class) and re:test(@class, 'fulltext', 'i'))]"),
        # literals too short to sort class names, or too many of them: presence only
        (".//*[re:test(@class, '^ad$|ads')]", ".//*[((@class) and re:test(@class, '^ad$|ads'))]"),
        (".//*[re:test(@class, 'menu|share|social|footer|banner')]",
         ".//*[((@class) and re:test(@class, 'menu|share|social|footer|banner'))]"),
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


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("^(?:[Cc]omment(?!ary)|comol|disqus_thread)", ["omment", "comol", "disqus_thread"]),
        ("mvp-post-add-(?:box|wrap)|infinite-?scroll", ["mvp-post-add-", "infinite"]),
        ("(?:^| )ad-", ["ad-"]),
        ("(^|\\s)bottom|bottom(\\s|$)", ["bottom"]),
        ("(?:ab)+cd", ["ab"]),
        # no literal every match must hold (one branch has none), or letter case ignored
        ("x*", None),
        ("(?:ab)?c*", None),
        ("[0-9]+", None),
        ("(?i)nav", None),
        ("menu|[0-9]+", None),
        ("menu|[Nn]av", ["menu", "av"]),
    ],
)
def test_required_literals(pattern: str, expected: list[str] | None) -> None:
    assert required_literals(pattern) == expected


def test_required_literals_hold_in_every_match() -> None:
    """Random strings that match a pattern each contain one of its literals."""
    import random
    import re

    draw = random.Random(7)
    patterns = ["^(?:[Cc]omment(?!ary)|comol)", "a(?:bc|de)+f", "(?:^| )ad-|dfp[Aa]d", "x(yz)?w", "hid(?:den)"]
    alphabet = "abcdefwxyzCcomentrylpAD- "
    for pattern in patterns:
        literals = required_literals(pattern)
        assert literals, pattern
        compiled = re.compile(pattern)
        for _ in range(4000):
            text = "".join(draw.choice(alphabet) for _ in range(draw.randint(0, 12)))
            if compiled.search(text):
                assert any(literal in text for literal in literals), (pattern, text)


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
