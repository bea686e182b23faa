"""Reading the URLs a one-off run was given: on the command line, or in a file of one URL per line.

A file of URLs usually comes from a spreadsheet or another tool, so it is read leniently but never silently: a
byte order mark is tolerated, blank lines and lines starting with ``#`` are ignored, and every other line either
is an http(s) URL or is kept as a bad line with a reason (``not_utf8``, ``no_scheme``, ``not_http``,
``not_a_url``) for the run to count and report. One bad line never stops the run. Nothing here fetches anything
or decides which source a URL belongs to (``archiver.fetch_plan``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from w3lib.url import safe_url_string

from archiver.sources import SourceError

# A scheme-less line that still looks like an address: "laotiantimes.com/2023/..." or "www.example.org".
_HOST_FIRST = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(/|$)", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


@dataclass(frozen=True)
class InputLine:
    """One line of input: where it was (``line 7``, ``argument 2``), its text, and either the URL it holds
    (IDNA host, unsafe characters percent-encoded) or why it holds none."""

    where: str
    text: str
    url: str | None = None
    reason: str | None = None  # None for a URL; "ignored" for a blank or comment line; else why it is unusable

    @property
    def ignored(self) -> bool:
        return self.reason == "ignored"


def parse_line(where: str, text: str) -> InputLine:
    """The URL a line names, or why it names none."""
    text = text.strip()
    if not text or text.startswith("#"):
        return InputLine(where, text, reason="ignored")
    if any(c.isspace() for c in text) or any(ord(c) < 32 or ord(c) == 127 for c in text):
        return InputLine(where, text, reason="not_a_url")
    if "://" not in text:
        if _HOST_FIRST.match(text) or text.lower().startswith("localhost"):
            reason = "no_scheme"  # an address without http(s)://: never guessed, the line is counted
        elif _SCHEME.match(text) and text.split(":", 1)[0].lower() not in ("http", "https"):
            reason = "not_http"  # mailto:, javascript:, data:
        else:
            reason = "not_a_url"
        return InputLine(where, text, reason=reason)
    if text.split("://", 1)[0].lower() not in ("http", "https"):
        return InputLine(where, text, reason="not_http" if _SCHEME.match(text) else "not_a_url")
    try:
        url = safe_url_string(text)  # an IDN host as punycode, spaces and non-ASCII in the path escaped
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on an unparsable port
    except (ValueError, UnicodeError):
        return InputLine(where, text, reason="not_a_url")
    if not parts.hostname or parts.username is not None or parts.password is not None:
        return InputLine(where, text, reason="not_a_url")
    return InputLine(where, text, url=url)


def read_lines(data: bytes, label: str = "line") -> list[InputLine]:
    """Every line of a URL file (UTF-8, a leading byte order mark tolerated; CRLF or LF line ends)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = []
    for number, raw in enumerate(data.splitlines(), 1):  # LF, CRLF or CR
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            lines.append(InputLine(f"{label} {number}", raw.decode("utf-8", "replace").strip(), reason="not_utf8"))
            continue
        lines.append(parse_line(f"{label} {number}", text))
    return lines


def read_input(arguments: str | Iterable[str] | None = None, path: str | Path | None = None) -> list[InputLine]:
    """The URLs given as arguments (a string of whitespace-separated URLs, or a list), then those of the file.

    Raises ``SourceError`` when nothing is given or the file cannot be read (a usage error, not a bad line).
    """
    if isinstance(arguments, str):
        arguments = arguments.split()
    lines = [parse_line(f"argument {i}", text) for i, text in enumerate(arguments or (), 1)]
    if path is not None:
        file = Path(path).expanduser()
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise SourceError(f"cannot read the URL file {file}: {exc.strerror or exc}") from None
        lines += read_lines(data, label=f"{file.name} line")
    if not lines:
        raise SourceError("give the URLs to fetch: as arguments, or in a file (--urls FILE / -a urls=FILE)")
    return lines
