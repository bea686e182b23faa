"""trafilatura's own XPath expressions, made to skip the regular-expression calls that cannot match.

trafilatura prunes and picks content with XPath expressions that test class, id and style values with EXSLT
regular expressions (``re:test(@class, 'share|social|...')``). lxml answers each such test by calling back
into Python, once per element the expression visits, whether or not the element has the attribute at all:
an element without ``class`` still costs a callback that searches the empty string. On the WCXB dev pages
those callbacks were a third of trafilatura's time on our content containers.

``re:test(@a, 'pattern')`` on an element without ``@a`` searches the empty string, so when ``pattern`` cannot
match the empty string it is false, exactly as ``(@a) and re:test(@a, 'pattern')`` is, which XPath answers
without the callback (``and`` stops at a false left side). ``guarded`` rewrites every such call that way and
leaves any other call as it is (a pattern that matches the empty string, a call it does not recognise). Where
every match of the pattern must contain one of a few literal strings (``comol`` or ``omment`` for
``^(?:[Cc]omment|comol)``, read from the parsed pattern), ``contains()`` tests of them come first too: an
element whose class names none of them is answered in C. The rewritten expressions select the same elements
by construction, and ``tests/test_xpath_guards.py`` checks that they do on our fixtures, and that
trafilatura's text is the same with them; measured on the dev pages: the same elements in all 15,860
evaluations (20 expressions, 793 pages); the presence guards saved 0.7 ms per page at the median, the literals
another 0.6 ms of the 3.8 ms the pruning expressions took per page (``bench/README.md``).

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


# at most this many literals are tested with contains() before a call (each is a test in C; past a
# handful they cost more than the one callback they may spare)
_MAX_LITERALS = 4
# ... and only literals this long (a shorter one is in too many class names to spare a call)
_MIN_LITERAL = 3


def guarded(path: str) -> str:
    """``path`` with each ``re:test`` of attributes whose pattern cannot match the empty string guarded by the
    attributes' presence and, where every match must contain one of a few literals, by ``contains()`` tests
    of those literals; anything else as it was."""

    def guard(call: re.Match[str]) -> str:
        ignore_case = "i" in (call["flags"] or "")
        try:
            pattern = re.compile(call["pattern"], re.IGNORECASE if ignore_case else 0)
        except re.error:
            return call[0]
        if pattern.search("") is not None:  # an absent attribute could match: the callback must decide
            return call[0]
        nodes = call["nodes"]
        literals = None if ignore_case else required_literals(call["pattern"])
        if (literals and len(literals) <= _MAX_LITERALS and min(map(len, literals)) >= _MIN_LITERAL
                and all('"' not in literal for literal in literals)):
            tests = " or ".join(f'contains({nodes}, "{literal}")' for literal in literals)
            return f"(({nodes}) and ({tests}) and {call[0]})"
        return f"(({nodes}) and {call[0]})"

    return _TEST_CALL.sub(guard, path)


def required_literals(pattern: str) -> list[str] | None:
    """Literal strings one of which every match of ``pattern`` contains (``['omment', 'comol']`` for
    ``^(?:[Cc]omment|comol)``), or ``None`` when that cannot be told (letter case ignored anywhere in it, or
    no literal it must hold).

    ``contains(@a, 'x')`` converts ``@a`` to a string exactly as ``re:test`` does (the first attribute of the
    node-set), so a false ``contains`` for every literal means a false ``re:test``, answered in C."""
    try:
        parsed = re._parser.parse(pattern)  # type: ignore[attr-defined]
    except re.error:
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    return _required(list(parsed))


def _strength(literals: list[str]) -> tuple[int, int]:
    """A shortest literal of four characters or more first (a short one passes most class names), then
    fewer literals."""
    return min(4, *(len(literal) for literal in literals)), -len(literals)


def _required(items: list[tuple[object, object]]) -> list[str] | None:
    """Literals one of which every match of the sequence of parsed ``items`` contains (see
    ``required_literals``): a run of plain characters is one; a group or an item repeated at least once
    stands for what its own items require; an alternation for the literals of all its branches (when each
    branch has some). Of what the sequence offers, the strongest is taken."""
    constants = re._constants  # type: ignore[attr-defined]
    best: list[str] | None = None
    run: list[str] = []

    def consider(option: list[str] | None) -> None:
        nonlocal best
        if option and all(option) and (best is None or _strength(option) > _strength(best)):
            best = option

    for op, argument in [*items, (None, None)]:
        if op is constants.LITERAL:
            run.append(chr(argument))  # type: ignore[arg-type]
            continue
        if run:
            consider(["".join(run)])
            run = []
        if op is constants.BRANCH:
            options: list[str] | None = []
            for branch in argument[1]:  # type: ignore[index]
                found = _required(list(branch))
                if found is None or options is None:
                    options = None
                    break
                options += [literal for literal in found if literal not in options]
            consider(options)
        elif op is constants.SUBPATTERN:
            _group, add_flags, _del_flags, inner = argument  # type: ignore[misc]
            if not add_flags & re.IGNORECASE:
                consider(_required(list(inner)))
        elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT, constants.POSSESSIVE_REPEAT):
            least, _most, inner = argument  # type: ignore[misc]
            if least >= 1:
                consider(_required(list(inner)))
    return best


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
