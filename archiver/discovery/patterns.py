"""Registry regular expressions (``article_pattern``, ``follow``, ``url_rewrites``), run in linear time.

Python's ``re`` backtracks: a registry typo such as ``'^/(a+)+$'`` takes exponential time on a hostile URL, and
it does so inside C code that holds the GIL, so the crawl hangs and even SIGTERM waits. These patterns are
compiled by RE2 (``google-re2``), whose matching time is linear in the text whatever the pattern. RE2 has no
backreferences and no lookaround; a pattern that needs them is refused when the registry is loaded, never at run
time. Two differences from ``re`` are on purpose and safer for URLs: ``$`` matches only at the very end (never
before a trailing newline), and ``\\d`` and ``\\w`` are ASCII.

A rewrite's replacement is parsed here too, once, into literal text and group numbers checked against the
pattern, so applying a rewrite at run time cannot fail. (``re2``'s own template expansion is not used: it
decodes the literal parts as escape sequences, which garbles any non-ASCII text in a replacement.)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would print its own copy of every refusal on stderr, before our one-line error

# A replacement template's escapes: \g<name or number>, \digits, or one other character (or none, at the end).
_ESCAPE = re.compile(r"\\(?:g<([^<>]*)>|([0-9]+)|(.?))", re.DOTALL)
_GROUP_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class PatternError(ValueError):
    """A registry pattern or replacement that cannot be used; the message says why, in one line."""


def shown(text: str) -> str:
    """``text`` quoted as a TOML literal string would hold it (backslashes single, as the user wrote them), or
    as ``repr`` when it holds something a literal string cannot (a quote, a control character)."""
    return f"'{text}'" if text.isprintable() and "'" not in text else repr(text)


def _refusal(exc: Exception, pattern: str) -> str:
    raw = exc.args[0] if exc.args else str(exc)
    reason = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    if reason.startswith("invalid escape sequence: \\") and reason[-1:].isdecimal():
        why = "a backreference"
    elif reason.startswith(("invalid perl operator: (?<", "invalid perl operator: (?=",
                            "invalid perl operator: (?!")):
        why = "lookaround"
    else:
        why = None
    if why:
        return (f"pattern {shown(pattern)} uses {why} ({reason}), which a linear-time engine cannot run; "
                "registry patterns are RE2 syntax")
    return f"pattern {shown(pattern)} is not a valid RE2 regular expression: {reason}"


def _without_surrogates(text: str) -> str:
    """``text`` with lone surrogates (which cannot be encoded as UTF-8 for RE2) replaced by U+FFFD, one for
    one, so match positions still index the caller's string."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


class LinearPattern:
    """A compiled registry pattern with the ``re.Pattern`` methods the crawl uses (``search``, ``match``,
    ``fullmatch``, ``sub``), matched by RE2 in time linear in the text."""

    __slots__ = ("_compiled", "pattern")

    def __init__(self, pattern: str) -> None:
        if not isinstance(pattern, str):
            raise PatternError(f"a pattern is a string, not {type(pattern).__name__}")
        if not pattern:
            raise PatternError("the pattern is empty (it would match everything); leave the key out instead")
        try:
            self._compiled = re2.compile(pattern, options=_OPTIONS)
        except re2.error as exc:
            raise PatternError(_refusal(exc, pattern)) from None
        self.pattern = pattern

    @property
    def groups(self) -> int:
        return self._compiled.groups

    @property
    def groupindex(self) -> dict[str, int]:
        return dict(self._compiled.groupindex)

    def _run(self, method: Callable[..., Any], text: str, *args: Any) -> Any:
        try:
            return method(*args, text)
        except UnicodeEncodeError:  # a lone surrogate in a hostile URL: match it as U+FFFD instead of failing
            return method(*args, _without_surrogates(text))

    def search(self, text: str) -> Any:
        return self._run(self._compiled.search, text)

    def match(self, text: str) -> Any:
        return self._run(self._compiled.match, text)

    def fullmatch(self, text: str) -> Any:
        return self._run(self._compiled.fullmatch, text)

    def sub(self, replacement: Callable[[Any], str], text: str) -> str:
        """Every match replaced by ``replacement(match)``; only a callable, so no template is expanded by RE2.
        A text RE2 cannot take (a lone surrogate) is returned as it is rather than rewritten with U+FFFD."""
        try:
            return self._compiled.sub(replacement, text)
        except UnicodeEncodeError:
            return text

    def __repr__(self) -> str:
        return f"LinearPattern({self.pattern!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LinearPattern) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)


def _parse_replacement(replacement: str, pattern: LinearPattern) -> tuple[str | int, ...]:
    """The replacement as literal text and group numbers, with every reference checked against ``pattern``.

    The syntax is ``re.sub``'s for what a URL needs: ``\\1`` to ``\\99``, ``\\g<number>``, ``\\g<name>`` and
    ``\\\\`` for a backslash. Anything else after a backslash is refused rather than guessed at.
    """
    pieces: list[str | int] = []
    literal: list[str] = []
    position = 0
    for escape in _ESCAPE.finditer(replacement):
        literal.append(replacement[position:escape.start()])
        position = escape.end()
        named, digits, other = escape.groups()
        if other == "\\":
            literal.append("\\")
            continue
        if named is not None:
            if named.isascii() and named.isdigit():
                group = int(named)
            elif _GROUP_NAME.fullmatch(named) and named in pattern.groupindex:
                group = pattern.groupindex[named]
            else:
                known = ", ".join(sorted(pattern.groupindex)) or "none"
                raise PatternError(f"replacement {shown(replacement)} refers to group {named!r}, which pattern "
                                   f"{shown(pattern.pattern)} does not name (its named groups: {known})")
        elif digits is not None:
            if digits.startswith("0") or len(digits) > 2:
                raise PatternError(f"replacement {shown(replacement)}: write the group reference \\{digits} as "
                                   "\\g<number> (a leading zero or a third digit reads as an octal escape)")
            group = int(digits)
        else:
            what = f"\\{other}" if other else "a trailing backslash"
            raise PatternError(f"replacement {shown(replacement)} has {what}; only \\1..\\99, \\g<number>, "
                               "\\g<name> and \\\\ (a backslash) are understood")
        if group > pattern.groups:
            plural = "s" if pattern.groups != 1 else ""
            raise PatternError(f"replacement {shown(replacement)} refers to group {group}, but pattern "
                               f"{shown(pattern.pattern)} has {pattern.groups} group{plural}")
        pieces.append("".join(literal))
        literal = []
        pieces.append(group)
    literal.append(replacement[position:])
    pieces.append("".join(literal))
    return tuple(piece for piece in pieces if piece != "")


@dataclass(frozen=True, eq=False)
class UrlRewrite:
    """One ``url_rewrites`` entry: every match of ``pattern`` in a URL's path and query replaced."""

    pattern: LinearPattern
    replacement: str
    pieces: tuple[str | int, ...]

    def expand(self, match: Any) -> str:
        """The replacement for one match; a group that did not take part in the match gives ``""``."""
        return "".join(piece if isinstance(piece, str) else (match.group(piece) or "") for piece in self.pieces)

    def apply(self, text: str) -> str:
        return self.pattern.sub(self.expand, text)


# Paths every rewrite is tried on at load: whatever a replacement holds, applying it must produce a path.
SAMPLE_PATHS = ("/", "/2024/06/20/sample-article/", "/En/detail.aspx/detail.aspx?id=1", "/news/item.php?id=1&p=2")

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_ANCHORED = re.compile(r"(?:\(\?[a-zA-Z]+\))*(?:\^|\\A)")  # ^ or \A first, after inline flags such as (?i)


_A_PATH = "a rewrite's output must be a path: starting with '/', without whitespace, control characters or '#'"


def _not_in_a_path(text: str) -> str | None:
    """The first character of ``text`` a URL path cannot hold as it is (whitespace, a control or format
    character, ``#``, which would begin a fragment), described; None when there is none."""
    for char in text:
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf") or char == "#":
            name = unicodedata.name(char, "").lower()
            if char.isprintable():
                return f"{char!r} ({name})"
            kind = "whitespace" if char.isspace() else "a control character"
            return f"U+{ord(char):04X} ({name or kind})"
    return None


def _check_output_is_a_path(rewrite: UrlRewrite) -> None:
    """A rewrite changes a path (and query) into a path: its output starts with ``/`` and holds nothing a path
    cannot. Judged from the replacement's literal text (whatever the pattern matches), and on sample paths."""
    shown_replacement = shown(rewrite.replacement)
    literal = "".join(piece for piece in rewrite.pieces if isinstance(piece, str))
    bad = _not_in_a_path(literal)
    if bad:
        raise PatternError(f"replacement {shown_replacement} would put {bad} into the URL; {_A_PATH}")
    first = rewrite.pieces[0] if rewrite.pieces else ""
    if isinstance(first, str):
        if _SCHEME.match(first) or first.startswith("//"):
            raise PatternError(f"replacement {shown_replacement} is an address, not a path: a rewrite changes "
                               "the path and query of a URL on the source's own site, never the site")
        if not first.startswith("/") and _ANCHORED.match(rewrite.pattern.pattern):
            what = ("removes the start of the path, leaving whatever follows the match (capture the rest, as in "
                    "'^/amp(/.*)$' -> '\\1')") if not first else "replaces the start of the path with text that "\
                "does not begin with '/'"
            raise PatternError(f"replacement {shown_replacement} {what}; {_A_PATH}")
    for sample in SAMPLE_PATHS:
        result = rewrite.apply(sample)
        bad = _not_in_a_path(result)
        if not result.startswith("/") or bad:
            why = f"holds {bad}" if bad else "does not start with '/'"
            raise PatternError(f"rewrite {shown(rewrite.pattern.pattern)} -> {shown_replacement} turns the path "
                               f"{sample!r} into {result!r}, which {why}; {_A_PATH}")


def compile_rewrite(pattern: str, replacement: str) -> UrlRewrite:
    """A rewrite whose pattern compiles under RE2, whose replacement's group references all exist and whose
    output is a path (starting with ``/``, no whitespace or control characters), tried on sample paths, so a
    bad entry fails at load instead of in the middle of a crawl (where it would fetch non-addresses as 404s)."""
    compiled = LinearPattern(pattern)
    if not isinstance(replacement, str):
        raise PatternError(f"the replacement is a string, not {type(replacement).__name__}")
    rewrite = UrlRewrite(compiled, replacement, _parse_replacement(replacement, compiled))
    _check_output_is_a_path(rewrite)
    return rewrite
