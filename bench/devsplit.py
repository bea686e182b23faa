"""The fixed split of the WCXB dev pages into a tuning half and a checking half.

A rule of the general extractor is made by looking at pages where we fail; it is only worth keeping
when it also helps on pages it was not made from. So the dev pages are split once, by a rule that
depends on nothing but the page id: a page is in the checking half when the first byte of the SHA-256
of its id (the truth file's stem, ``"0042"``) is odd, else in the tuning half. New rules are tuned
on the tuning half and kept only when the checking half agrees; the test suite's guard scores the
checking half. The rule never changes: moving a page between halves would let tuning leak into the
check.
"""

from __future__ import annotations

import hashlib

TUNING, CHECKING = "tuning", "checking"
HALVES = (TUNING, CHECKING)


def half(page_id: str) -> str:
    """``"checking"`` when the first byte of SHA-256(``page_id``) is odd, else ``"tuning"``."""
    return CHECKING if hashlib.sha256(page_id.encode("utf-8")).digest()[0] % 2 else TUNING
