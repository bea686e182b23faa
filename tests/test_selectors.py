"""Selector shortcuts: the substring pre-filters must never change what a selector matches."""

from __future__ import annotations

from cssselect import GenericTranslator
from lxml import etree

from archiver.extract.dom import could_match, parse_html, required_names, select, to_xpath

# A tagDiv-like fragment: class lists with look-alike tokens ("td-post-content-x", "xtd-post-content") that a
# substring test alone would wrongly accept.
MARKUP = """<html><body class="post-template-default single single-post">
<div class="td-post-content-x"><p>decoy one</p></div>
<div class="xtd-post-content"><p>decoy two</p></div>
<div class=" td-post-content  tagdiv-type "><p>the article</p><time class="entry-date">2024-05-02</time></div>
<div id="cms3-style-css-old"></div><div id="main"><p>in main</p></div>
</body></html>"""

SELECTORS = [
    ".td-post-content p", ".td-post-content", "div.td-post-content.tagdiv-type", "[class~='td-post-content']",
    ".td-post-content time.entry-date", "body.single-post", "body.archive, body.single", "#main p",
    "#cms3-style-css", "div:not(.td-post-content) p", ".missing-class", "//div[@id='main']",
]


def test_prefiltered_class_tests_match_exactly_what_cssselect_matches() -> None:
    root = parse_html(MARKUP)
    plain = GenericTranslator()
    for selector in SELECTORS:
        ours = select(root, selector)
        reference = root.xpath(selector if selector.startswith("/") else plain.css_to_xpath(selector))
        assert ours == reference, selector
    assert [p.text for p in select(root, ".td-post-content p")] == ["the article"]
    assert "contains(@class, 'td-post-content')" in to_xpath(".td-post-content")


def test_selectors_the_markup_cannot_satisfy_are_skipped_without_changing_results() -> None:
    root = parse_html(MARKUP)
    for selector in SELECTORS:
        assert select(root, selector, MARKUP) == select(root, selector), selector
    assert not could_match(".tdb_single_date time.entry-date", MARKUP)  # a theme variant the page lacks
    assert could_match("body.archive, body.single", MARKUP)  # one member of the list suffices
    assert not could_match("body.archive, body.search", MARKUP)
    assert could_match("body.tag", MARKUP)  # "tag" is inside "tagdiv-type": a substring test only rules out
    assert could_match("div:not(.absent) p", MARKUP)  # a negated class is not a required one
    assert could_match("//div[@id='nowhere']", MARKUP)  # XPath: no shortcut, evaluated as written
    assert sorted(required_names(".entry-meta a.author#x")[0]) == ["author", "entry-meta", "x"]
    assert required_names("h1") == ((),)
    assert required_names("//h1") is None
    assert required_names("p:is(.a, .b)") == ((),)


def test_a_selector_error_matches_nothing() -> None:
    root = parse_html(MARKUP)
    assert select(root, "div[", MARKUP) == [] and select(root, "div[") == []
    assert isinstance(root, etree._Element)


# --- selectors read from the right, from a tree's root ------------------------------------------------------

def _family_selectors() -> set[str]:
    """Every CSS selector string of every family rule set."""
    import importlib
    import pkgutil
    from dataclasses import fields, is_dataclass

    import archiver.extract.sites as sites
    from archiver.extract.sites.rules import SiteRules

    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, tuple | list | set | frozenset):
            for item in value:
                walk(item)
        elif is_dataclass(value):
            for field in fields(value):
                walk(getattr(value, field.name))

    for module in pkgutil.iter_modules(sites.__path__):
        for value in vars(importlib.import_module(f"archiver.extract.sites.{module.name}")).values():
            if isinstance(value, SiteRules):
                walk(value)
    return found


def test_selectors_read_from_the_right_select_what_cssselect_selects_from_the_root() -> None:
    """From a page's root element, the cheaper forms (``A B`` as ``B[ancestor::A]``, same-tag members in one
    walk) select exactly what cssselect's own translation selects, for every family selector that has one, on
    every fixture and demo page of the repository (written in the markup of the sites the rules are for)."""
    from pathlib import Path

    from archiver.extract.dom import _compiled, _compiled_from_root

    root_dir = Path(__file__).resolve().parent.parent
    pages = sorted([*root_dir.glob("tests/fixtures/**/*.html"), *root_dir.glob("data/demo/**/*.html")])
    rewritten = {s: x for s in _family_selectors() if (x := _compiled_from_root(s)) is not None}
    assert len(rewritten) >= 20 and len(pages) >= 20
    matched = 0
    for page in pages:
        root = parse_html(page.read_bytes())
        for selector, cheaper in rewritten.items():
            expected = _compiled(selector)(root)
            assert cheaper(root) == expected, (page.name, selector)
            matched += len(expected)
    assert matched > 100  # the comparison saw real matches (dates, sections, tags, bodies), not empty answers


def test_below_the_root_the_left_to_right_form_is_kept() -> None:
    """Read from the right, ``.a p`` would find a ``p`` whose ``.a`` ancestor lies outside the searched
    element; cssselect's form, used below the root, does not."""
    root = parse_html('<html><body><div class="a"><section><p>inside</p></section></div></body></html>')
    section = root.find(".//section")
    assert [p.text for p in select(root, ".a p")] == ["inside"]
    assert select(section, ".a p") == []
    # a list mixing a member read from the right with same-tag members in one walk: document order, no repeats
    assert [el.tag for el in select(root, "div.a p, body.x, body, p")] == ["body", "p"]
