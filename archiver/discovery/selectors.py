"""CSS selectors from the registry, checked when it is loaded.

A selector that does not parse would raise on the first page of a crawl; one that selects elements where a value
is expected (a link, a date, a title) would hand the element's markup on as if it were the value. Both are
refused at load. Selectors are parsed by cssselect and translated by parsel, the same code that runs them.
"""

from __future__ import annotations

from cssselect import SelectorError, parse
from cssselect.parser import FunctionalPseudoElement, tokenize
from parsel.csstranslator import css2xpath

VALUE = "value"  # each selector ends in ::text or ::attr(name)
ELEMENT = "element"  # each selector selects elements (no pseudo-element)


class SelectorProblem(ValueError):
    """A CSS selector that cannot be used where it is given; the message says why, in one line."""


def split_group(css: str) -> tuple[str, ...]:
    """The selectors of a comma-separated group, in order; commas inside strings, brackets and parentheses
    do not split (``a[title="x,y"]`` stays whole)."""
    parts: list[str] = []
    depth, start = 0, 0
    try:
        for token in tokenize(css):
            if token.type == "DELIM" and token.value in "([":
                depth += 1
            elif token.type == "DELIM" and token.value in ")]":
                depth -= 1
            elif token.type == "DELIM" and token.value == "," and depth == 0:
                parts.append(css[start:token.pos])
                start = token.pos + 1
    except SelectorError as exc:
        raise SelectorProblem(f"CSS {css!r} does not parse: {exc}") from None
    parts.append(css[start:])
    return tuple(part.strip() for part in parts)


def check_css(css: object, wants: str) -> str:
    """``css`` if it parses and every selector of its group gives what ``wants`` says, else ``SelectorProblem``."""
    if not isinstance(css, str):
        raise SelectorProblem(f"a CSS selector is a string, not {type(css).__name__}")
    if not css.strip():
        raise SelectorProblem("the CSS selector is empty")
    try:
        selectors = parse(css)
        css2xpath(css)
    except SelectorError as exc:
        raise SelectorProblem(f"CSS {css!r} does not parse: {exc}") from None
    for selector in selectors:
        pseudo = selector.pseudo_element
        if wants == VALUE and not (pseudo == "text" or (isinstance(pseudo, FunctionalPseudoElement)
                                                        and pseudo.name == "attr")):
            raise SelectorProblem(f"CSS {css!r} selects elements, whose markup would be taken as the value; "
                                  "end each selector with ::text or ::attr(name)")
        if wants == ELEMENT and pseudo is not None:
            raise SelectorProblem(f"CSS {css!r} must select elements, without ::text or ::attr()")
    return css


def check_css_list(value: object, wants: str) -> tuple[str, ...]:
    """Selectors tried in order: a list of strings, or one string whose comma-separated selectors are taken
    in the order written."""
    if isinstance(value, str):
        check_css(value, wants)
        return split_group(value)
    if not isinstance(value, list) or not value:
        raise SelectorProblem(f"give a CSS selector string or a non-empty list of them, not {value!r}")
    return tuple(part for css in value for part in split_group(check_css(css, wants)))
