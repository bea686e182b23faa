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
