"""Parse untrusted HTML into an lxml tree without ever raising.

Crawled pages arrive truncated, mis-encoded or as binary junk. Every later stage wants a tree or
nothing, so the tolerance lives here once: control characters lxml refuses are stripped, an XML
declaration that lxml rejects in a ``str`` is dropped, and any parser error yields ``None``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Container, Iterable
from functools import lru_cache
from typing import Any

from cssselect import GenericTranslator, SelectorError
from cssselect import parse as css_parse
from cssselect.parser import Class, CombinedSelector, Hash
from lxml import etree, html

_FORBIDDEN_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


class _PrefilteringTranslator(GenericTranslator):
    """cssselect's translation with a cheap substring test in front of each ``~=``/class test.

    cssselect matches a class token exactly with ``contains(concat(' ', normalize-space(@class), ' '),
    ' x ')``, which builds two strings for every element with a class attribute. A plain
    ``contains(@class, 'x')`` first rules out almost every element without building anything (XPath's
    ``and`` stops at the first false), and never changes what matches. Family rules run some sixty
    selectors over every page, and this halves their cost.
    """

    def xpath_attrib_includes(self, xpath: Any, name: str, value: str | None) -> Any:
        if value and value.strip() and not any(c.isspace() for c in value):
            xpath.add_condition(f"contains({name}, {self.xpath_literal(value)})")
        return super().xpath_attrib_includes(xpath, name, value)


_TRANSLATOR = _PrefilteringTranslator()
_XPATH_AXIS = re.compile(r"^[a-z-]+::")


_PARSERS = threading.local()


def html_parser() -> etree.HTMLParser:
    """This thread's HTML parser (lxml parsers must not be shared between threads).

    ``lxml.html``'s own parser picks each element's Python class by a Python callback (a form, an
    input, a label get classes of their own), called for every element any later stage touches:
    thousands of calls per page. Nothing here uses those classes, so every element is a plain
    ``HtmlElement`` (``text_content()`` and the rest of ``lxml.html``'s API, which trafilatura and
    htmldate need), chosen in C.
    """
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(encoding="utf-8")
        parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
            element=html.HtmlElement, comment=html.HtmlComment, pi=html.HtmlProcessingInstruction,
            entity=html.HtmlEntity))
        _PARSERS.parser = parser
    return parser


def parse_html(markup: str | bytes | None) -> html.HtmlElement | None:
    """Return the document root, or ``None`` when there is nothing usable to parse."""
    return parse_source(page_source(markup))


def page_source(markup: str | bytes | None) -> bytes | None:
    """The page as the UTF-8 bytes every reader of it is given (``None`` when there is nothing to
    parse): bytes are read as UTF-8 (invalid sequences replaced), an XML declaration that lxml
    rejects is dropped, and so are the control characters it refuses (``_FORBIDDEN_CHARS``).

    libxml2 and resiliparse read UTF-8 bytes faster than a str they must convert themselves, and the
    bytes are tested for the refused characters faster than the text is."""
    if not markup:
        return None
    if isinstance(markup, bytes):
        markup = markup.decode("utf-8", errors="replace")
    text = _XML_DECL.sub("", markup)
    if not text or text.isspace():  # (``strip`` would copy the page to say the same)
        return None
    return _utf8_without_forbidden(text)


def parse_source(data: bytes | None) -> html.HtmlElement | None:
    """The document root of a ``page_source``, or ``None`` when it is unusable."""
    if not data:
        return None
    try:
        root = html.document_fromstring(data, parser=html_parser())
    except (etree.ParserError, ValueError, TypeError):
        return None
    return root if isinstance(root, html.HtmlElement) else None


_FORBIDDEN_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def _utf8_without_forbidden(text: str) -> bytes:
    """``text`` as UTF-8 without the characters lxml refuses (``_FORBIDDEN_CHARS``): found in the
    bytes by a deletion table, and removed from the text only on the rare page that has them."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: replaced, as a decoder would have
        data = text.encode("utf-8", "replace")
    # the two non-characters are looked for in the text (a one-character search, and none at all in
    # a text without characters that wide), the control characters in the bytes
    if (len(data.translate(None, _FORBIDDEN_BYTES)) == len(data)
            and "\ufffe" not in text and "\uffff" not in text):
        return data
    return _FORBIDDEN_CHARS.sub("", data.decode("utf-8")).encode("utf-8")


def to_xpath(selector: str) -> str:
    """Turn a selector into XPath: selectors starting with ``/``, ``./``, ``(`` or an axis
    (``descendant-or-self::``) are XPath already, anything else is CSS. Rule sets can then use
    whichever reads better for each case."""
    selector = selector.strip()
    if _is_xpath(selector):
        return selector
    return _TRANSLATOR.css_to_xpath(selector)


def _is_xpath(selector: str) -> bool:
    return selector.startswith(("/", "./", "(")) or bool(_XPATH_AXIS.match(selector))


@lru_cache(maxsize=4096)
def _compiled(selector: str) -> etree.XPath | None:
    """The compiled XPath of a selector (``None`` when it is invalid). Rule sets apply the same
    few hundred selectors to every page, and translating CSS is costlier than evaluating it."""
    try:
        return etree.XPath(to_xpath(selector))
    except (SelectorError, etree.XPathError, ValueError):
        return None


# an element's relation to the compound on the left of a combinator, seen from the element
_TOWARDS_LEFT = {" ": "ancestor::", ">": "parent::", "~": "preceding-sibling::"}


def _from_the_right(tree: Any) -> str | None:
    """One member of a CSS selector as a single XPath step on its rightmost compound, whose
    predicates test the compounds to its left through the element's ancestors and earlier
    siblings (``A B`` -> ``B[ancestor::A]``); ``None`` when a part has no such form."""
    if isinstance(tree, CombinedSelector):
        right, left = _from_the_right(tree.subselector), _from_the_right(tree.selector)
        if right is None or left is None:
            return None
        if tree.combinator == "+":
            return f"{right}[preceding-sibling::*[1][self::{left}]]"
        axis = _TOWARDS_LEFT.get(tree.combinator)
        return f"{right}[{axis}{left}]" if axis else None
    expression = _TRANSLATOR.xpath(tree)
    return None if expression.path else str(expression)


@lru_cache(maxsize=4096)
def _compiled_from_root(selector: str) -> etree.XPath | None:
    """The compiled XPath of a CSS selector for a search from a tree's root element, in a form that
    costs less than cssselect's (``None`` when there is none: use ``_compiled``).

    cssselect compiles ``.entry-meta time.updated`` to a walk that reads the class of every element
    of the page, then searches below each match, and a list such as ``body.archive, body.blog`` to
    one walk of the page per member. Here a member with a combinator whose rightmost compound names
    a tag is read from the right (``A B`` -> ``B[ancestor::A]``): the walk only compares tag names
    and tests the few elements named so, and their ancestors. Members without a combinator that name
    the same tag share one walk (``body[a or b]``). A family page's dates, section, tags and page type
    cost a third of what they did. From the root element these forms select the same elements as
    cssselect's (every ancestor of a match is inside the searched tree); below it they would not (an
    ancestor outside the tree could qualify), so ``select`` uses them only on a tree's root.
    """
    if _is_xpath(selector.strip()):
        return None
    try:
        return _cheaper_from_root(css_parse(selector))
    except (SelectorError, etree.XPathError, ValueError):  # cssselect's own form reports nothing either
        return None


def _cheaper_from_root(members: list[Any]) -> etree.XPath | None:
    steps: list[str] = []
    conditions: dict[str, list[str]] = {}  # tag -> the conditions of its single-compound members
    cheaper = False
    for member in members:
        tree = member.parsed_tree
        if member.pseudo_element:
            return None
        if not isinstance(tree, CombinedSelector):
            expression = _TRANSLATOR.xpath(tree)
            if expression.path:
                return None
            if expression.element in conditions:
                cheaper = True
            conditions.setdefault(expression.element, []).append(expression.condition or "true()")
            continue
        rightmost = tree
        while isinstance(rightmost, CombinedSelector):
            rightmost = rightmost.subselector
        step = _from_the_right(tree) if _TRANSLATOR.xpath(rightmost).element != "*" else None
        if step is None:  # no cheaper than cssselect's own form
            steps.append(_TRANSLATOR.selector_to_xpath(member, prefix="descendant-or-self::"))
        else:
            steps.append("descendant-or-self::" + step)
            cheaper = True
    if not cheaper:
        return None
    for element, tests in conditions.items():
        steps.append(f"descendant-or-self::{element}[{' or '.join(f'({t})' for t in tests)}]")
    return etree.XPath(" | ".join(steps))


def _names_needed(tree: Any, names: list[str]) -> None:
    """Collect the class names and ids an element must carry to match a parsed CSS ``tree``."""
    if isinstance(tree, Class):
        names.append(tree.class_name)
    elif isinstance(tree, Hash):
        names.append(tree.id)
    if isinstance(tree, CombinedSelector):
        _names_needed(tree.subselector, names)
    # a negation's names are ones a match must NOT carry; :is()/:has() alternatives are optional
    inner = getattr(tree, "selector", None)
    if inner is not None:
        _names_needed(inner, names)


@lru_cache(maxsize=4096)
def required_names(selector: str) -> tuple[tuple[str, ...], ...] | None:
    """Per member of a CSS selector list, the class names and ids its matches must carry (``None``
    for XPath or a selector cssselect cannot parse: no shortcut is possible then)."""
    if _is_xpath(selector.strip()):
        return None
    try:
        members = css_parse(selector)
    except SelectorError:
        return None
    needed = []
    for member in members:
        names: list[str] = []
        _names_needed(member.parsed_tree, names)
        needed.append(tuple(dict.fromkeys(names)))
    return tuple(needed)


_CLASSES = etree.XPath("//@class", smart_strings=False)
_IDS = etree.XPath("//@id", smart_strings=False)


def page_names(root: etree._Element) -> frozenset[str]:
    """Every class name and id that an element of the page carries (see ``could_match``): one walk
    of the tree, after which any selector that needs a name the page lacks is ruled out by a set
    lookup."""
    return frozenset(" ".join(_CLASSES(root)).split()).union(_IDS(root))


class PageNames(Container[str]):
    """``page_names`` of a page, read the first time a selector asks (a page that no family
    recognises never needs them)."""

    def __init__(self, root: etree._Element) -> None:
        self._root: etree._Element | None = root
        self._names: frozenset[str] = frozenset()

    def __contains__(self, name: object) -> bool:
        if self._root is not None:
            self._names, self._root = page_names(self._root), None
        return name in self._names


def could_match(selector: str, names: Container[str]) -> bool:
    """``False`` when a class name or id that every match of ``selector`` needs is not among
    ``names``, so the selector cannot match and need not be evaluated.

    ``names`` is the page's set of class names and ids (``page_names``), or its source text (then
    a name that is not a substring of it cannot be carried by any element; a class written with
    character references would be missed, which no theme does). Family rules try dozens of
    selectors on every page, and most name classes of a theme variant the page does not use: a set
    lookup costs nothing, a whole-document XPath scan a quarter of a millisecond on a large page,
    and so does a substring search of its source.
    """
    needed = required_names(selector)
    if needed is None:
        return True
    return any(all(name in names for name in member) for member in needed)


def select(root: etree._Element, selector: str, names: Container[str] | None = None) -> list[etree._Element]:
    """Elements matching one CSS or XPath selector, in document order; a bad selector matches
    nothing. Given the page's class names and ids (or its source text) as ``names``, a selector
    that needs a name the page lacks is answered without a search (see ``could_match``)."""
    if names is not None and not could_match(selector, names):
        return []
    compiled = (_compiled_from_root(selector) if root.getparent() is None else None) or _compiled(selector)
    if compiled is None:
        return []
    try:
        found = compiled(root)
    except (etree.XPathError, ValueError):
        return []
    return [el for el in found if isinstance(el, etree._Element)]


def select_first(root: etree._Element, selectors: Iterable[str],
                 names: Container[str] | None = None) -> etree._Element | None:
    """The first element matched by the first selector in ``selectors`` that matches anything."""
    for selector in selectors:
        found = select(root, selector, names)
        if found:
            return found[0]
    return None


def remove_selected(root: etree._Element, selectors: Iterable[str]) -> int:
    """Remove every element matched by any selector (furniture such as share widgets) and return
    the count.

    The tail text after a removed element belongs to its parent, so it is kept.
    """
    removed = 0
    for selector in selectors:
        for el in select(root, selector):
            if el.getparent() is None:
                continue
            drop_element(el)
            removed += 1
    return removed


def drop_element(el: etree._Element) -> None:
    """Detach ``el`` from its parent while keeping its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def has_class(el: etree._Element, name: str) -> bool:
    """Whether ``el`` carries the HTML class ``name``."""
    return name in (el.get("class") or "").split()


@lru_cache(maxsize=4096)
def relative_xpath(selector: str) -> str:
    """An XPath for ``selector`` that searches only at and below the context element (cached: rule sets
    translate the same furniture selectors on every page).

    CSS compiles to ``descendant-or-self::`` (already relative); an absolute XPath such as ``//x``
    is made relative as ``.//x`` so that a selector applied to one container never reaches the rest
    of the document.
    """
    xpath = to_xpath(selector)
    if xpath.startswith("/"):
        return "." + xpath
    return xpath
