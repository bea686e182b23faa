"""Every discovered URL accounted for: the per-source identity a run must satisfy.

For each source and run::

    discovered = archived + unchanged + dropped (by reason) + not fetched (by reason) + not stored

``discovered`` counts the distinct article URLs discovery produced (sitemap ``<loc>``s, feed items, listing
links that are articles); each then ends in exactly one place: archived (in a finalised, listed part), unchanged
(the archive already holds it), dropped (fetched or tried, and refused with a reason), not fetched (never
requested, with a reason: before ``--since``, over ``--limit``, off-site, too long, a duplicate, interrupted),
or not stored (a record the archive could not write). The counters come from Scrapy's stats
(``archiver/source/<name>/...``, see ``archiver.outcomes``), so the check needs nothing but a finished crawl's
stats. A source whose identity does not hold has lost pages without a reason: that is reported and the source
fails, because a run that says ``ok`` after losing data is the worst outcome this project can have.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Accounting:
    source: str
    discovered: int = 0
    archived: int = 0
    unchanged: int = 0
    not_stored: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    not_fetched: dict[str, int] = field(default_factory=dict)

    @property
    def accounted(self) -> int:
        return (self.archived + self.unchanged + self.not_stored + sum(self.dropped.values())
                + sum(self.not_fetched.values()))

    @property
    def unaccounted(self) -> int:
        """Discovered URLs with no outcome (positive), or outcomes with no discovered URL (negative)."""
        return self.discovered - self.accounted

    @property
    def balanced(self) -> bool:
        return self.unaccounted == 0

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("source")
        out["accounted"] = self.accounted
        out["balanced"] = self.balanced
        return out

    def explain(self) -> str:
        """One line for the log and the summary."""
        dropped = sum(self.dropped.values())
        not_fetched = sum(self.not_fetched.values())
        return (f"{self.source}: discovered {self.discovered} = archived {self.archived} + unchanged {self.unchanged}"
                f" + dropped {dropped} + not fetched {not_fetched} + not stored {self.not_stored}"
                + ("" if self.balanced else f"; {self.unaccounted:+d} unaccounted"))


def account(stats: dict[str, Any], source: str) -> Accounting:
    """The identity's terms for ``source`` from a crawl's stats."""
    prefix = f"archiver/source/{source}/"
    result = Accounting(source)
    for key, value in stats.items():
        if not key.startswith(prefix) or not isinstance(value, int):
            continue
        rest = key[len(prefix):].split("/")
        if rest == ["discovered"]:
            result.discovered = value
        elif rest == ["unchanged"]:
            result.unchanged = value
        elif rest == ["not_stored"]:
            result.not_stored = value
        elif rest[0] == "dropped" and len(rest) == 2:
            result.dropped[rest[1]] = value
        elif rest[0] == "not_fetched" and len(rest) == 2:
            result.not_fetched[rest[1]] = value
    # Records are archived once they are in a finalised part; until the storage reports that (``archived``),
    # every record handed to the archive counts, and ``not_stored`` says which of them were not written.
    archived = stats.get(prefix + "archived")
    result.archived = archived if isinstance(archived, int) else stats.get(prefix + "records", 0) - result.not_stored
    return result
