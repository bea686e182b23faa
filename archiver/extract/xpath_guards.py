"""trafilatura's own XPath expressions, made to skip the regular-expression calls that cannot match.

trafilatura prunes and picks content with XPath expressions that test class, id and style values with EXSLT
regular expressions (``re:test(@class, 'share|social|...')``). lxml answers each such test by calling back
into Python, once per element the expression visits, whether or not the element has the attribute at all:
an element without ``class`` still costs a callback that searches the empty string. On the WCXB dev pages
those callbacks were a third of trafilatura's time on our content containers.

``re:test(@a, 'pattern')`` on an element without ``@a`` searches the empty string, so when ``pattern`` cannot
match the empty string it is false, exactly as ``(@a) and re:test(@a, 'pattern')`` is, which XPath answers
without the callback (``and`` stops at a false left side). ``guarded`` rewrites every such call that way and
leaves any other call as it is (a pattern that matches the empty string, a call it does not recognise). The
rewritten expressions select the same elements by construction, and ``tests/test_xpath_guards.py`` checks
that they do on our fixtures, and that trafilatura's text is the same with them; measured on the dev pages:
the same text on every page, 0.7 ms less per page at the median (``bench/README.md``).

They are used only for our own calls (``faster_xpaths``): trafilatura's module globals are swapped for the
duration of a call and restored after it, so any other user of trafilatura in the process keeps the library
as installed. Two threads swapping at once could leave the rewritten lists in place; they select the same
elements, so nothing any caller sees changes. A trafilatura release that renames or reshapes these lists is
simply not sped up: nothing is rewritten that is not recognised.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from functools import cache
from types import ModuleType

from lxml import etree

REGEXP_NS = "http://exslt.org/regular-expressions"
# re:test(@a, 'pattern') or re:test(@a|@b, 'pattern', 'flags'), with a literal pattern
_TEST_CALL = re.compile(
    r"re:test\(\s*(?P<nodes>@[\w-]+(?:\s*\|\s*@[\w-]+)*)\s*,\s*'(?P<pattern>[^']*)'\s*(?:,\s*'(?P<flags>[^']*)'\s*)?\)"
)


def guarded(path: str) -> str:
    """``path`` with each ``re:test`` of attributes whose pattern cannot match the empty string guarded by the
    attributes' presence; anything else as it was."""

    def guard(call: re.Match[str]) -> str:
        try:
            pattern = re.compile(call["pattern"], re.IGNORECASE if "i" in (call["flags"] or "") else 0)
        except re.error:
            return call[0]
        if pattern.search("") is not None:  # an absent attribute could match: the callback must decide
            return call[0]
        return f"(({call['nodes']}) and {call[0]})"

    return _TEST_CALL.sub(guard, path)


def _rewritten(expression: etree.XPath) -> etree.XPath:
    path = expression.path
    faster = guarded(path)
    if faster == path:
        return expression
    try:
        return etree.XPath(faster, namespaces={"re": REGEXP_NS})
    except etree.XPathSyntaxError:  # not an expression this rewrite understands: keep the original
        return expression


def _is_xpath_list(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(x, etree.XPath) for x in value)


@cache
def _plan() -> tuple[tuple[ModuleType, str, list[etree.XPath], list[etree.XPath]], ...]:
    """For every trafilatura module global that is a list of XPath expressions with a guardable call: the
    module, the name, the original list and its rewritten copy (built once per process)."""
    import trafilatura  # noqa: F401  (loads the modules whose globals are swapped)

    rewritten: dict[int, list[etree.XPath]] = {}
    plan = []
    for name, module in sorted(sys.modules.items()):
        if not (name == "trafilatura" or name.startswith("trafilatura.")) or module is None:
            continue
        for attribute, value in sorted(vars(module).items()):
            if not _is_xpath_list(value):
                continue
            if id(value) not in rewritten:
                rewritten[id(value)] = [_rewritten(x) for x in value]
            faster = rewritten[id(value)]
            if any(new is not old for new, old in zip(faster, value, strict=True)):
                plan.append((module, attribute, value, faster))
    return tuple(plan)


@contextlib.contextmanager
def faster_xpaths() -> Iterator[None]:
    """trafilatura's XPath lists replaced by their ``guarded`` forms while the block runs."""
    swapped = []
    for module, attribute, original, faster in _plan():
        if getattr(module, attribute, None) is original:
            setattr(module, attribute, faster)
            swapped.append((module, attribute, original))
    try:
        yield
    finally:
        for module, attribute, original in reversed(swapped):
            setattr(module, attribute, original)
