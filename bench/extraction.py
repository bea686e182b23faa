"""Extraction bench: our extractor against open peers on the WCXB dev pages, in one run.

This is a measurement, not a test: it prints one table and writes it as JSON so that later runs can
be compared with earlier ones. Every tool sees the same decoded pages in the same process, and only
the extraction call itself is timed, so the speed columns compare like with like. Metrics follow
the dev set's README (``../shared/eval/README.md``):

- body word-F1: multiset overlap of lower-cased ``\\w+`` tokens with ``main_content``, mean over
  pages; ``with`` = share of must-have snippets found, ``without`` = share of boilerplate snippets
  wrongly kept (lower is better);
- title exact after whitespace normalisation;
- date exact-day over pages whose truth has a date, and ``date on null`` = share of pages whose
  truth has no date on which the tool still output one (a guessed date is a false positive);
- author exact: a normalised predicted name equals the truth or one of the names it lists;
- median and p95 ms of CPU time (``time.process_time``) per page for the extraction call alone, one
  process: CPU time, because the machine is shared and wall time measures the neighbours too.

Every figure is reported for the whole set and for each half of its fixed split (``devsplit.py``): the
tuning half, on which rules are made, and the checking half, on which they must hold too.

Usage: ``python bench/extraction.py [--limit N] [--half tuning|checking] [--tools ours,trafilatura,...]
[--out FILE]``.
Install the peers with ``pip install -e ".[bench]"``.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import math
import os
import platform
import re
import statistics
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "eval" / "wcxb-dev"
DEFAULT_OUT = REPO / "bench" / "results" / "extraction.json"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from devsplit import HALVES, half  # noqa: E402

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
CHUNK = 25  # pages each tool runs before the next takes its turn
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\|)\s*", re.IGNORECASE)


# --- what a tool returns -------------------------------------------------------------------------


@dataclass
class Output:
    """The fields one tool produced for one page; ``None`` where the tool does not offer the field."""

    body: str | None = None
    title: str | None = None
    date: str | None = None
    authors: list[str] = field(default_factory=list)


@dataclass
class Tool:
    """A named extraction call and which fields it is scored on."""

    name: str
    run: Callable[[str, str], Output]
    fields: frozenset[str]


def _ours() -> Tool:
    from archiver.extract import extract

    def run(html: str, url: str) -> Output:
        rec = extract(html, url)
        return Output(rec.get("body"), rec.get("title"), rec.get("published_at"), rec.get("authors", []))

    return Tool("ours", run, frozenset({"body", "title", "date", "author"}))


def _trafilatura(precision: bool) -> Tool:
    import trafilatura

    def run(html: str, url: str) -> Output:
        raw = trafilatura.extract(
            html, url=url, output_format="json", with_metadata=True, favor_precision=precision,
            deduplicate=False,
        )
        if not raw:
            return Output()
        doc = json.loads(raw)
        authors = [a.strip() for a in (doc.get("author") or "").split(";") if a.strip()]
        return Output(doc.get("text"), doc.get("title"), doc.get("date"), authors)

    name = "trafilatura (precision)" if precision else "trafilatura (default)"
    return Tool(name, run, frozenset({"body", "title", "date", "author"}))


def _readability() -> Tool:
    from lxml import html as lxml_html
    from readability import Document

    def run(html: str, url: str) -> Output:
        doc = Document(html, url=url)
        summary = doc.summary(html_partial=True)
        root = lxml_html.fromstring(summary) if summary.strip() else None
        body = _block_text(root) if root is not None else None
        return Output(body, doc.short_title())

    return Tool("readability-lxml", run, frozenset({"body", "title"}))


def _htmldate(extensive: bool) -> Tool:
    from htmldate import find_date

    def run(html: str, url: str) -> Output:
        return Output(date=find_date(html, url=url, extensive_search=extensive, original_date=True))

    return Tool(f"htmldate ({'extensive' if extensive else 'fast'})", run, frozenset({"date"}))


def _resiliparse() -> Tool:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    def run(html: str, url: str) -> Output:
        tree = HTMLTree.parse(html)
        return Output(extract_plain_text(tree, main_content=True))

    return Tool("resiliparse", run, frozenset({"body"}))


TOOLS: dict[str, Callable[[], Tool]] = {
    "ours": _ours,
    "trafilatura": lambda: _trafilatura(False),
    "trafilatura-precision": lambda: _trafilatura(True),
    "readability": _readability,
    "htmldate": lambda: _htmldate(True),
    "htmldate-fast": lambda: _htmldate(False),
    "resiliparse": _resiliparse,
}
DEFAULT_TOOLS = "ours,trafilatura,trafilatura-precision,readability,htmldate"


def _block_text(root: Any) -> str:
    """Text of an lxml tree with a line break after each block element (readability's output is
    HTML, and word-F1 needs the words not glued together across paragraphs)."""
    for el in root.iter("p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"):
        el.tail = "\n" + (el.tail or "")
    return root.text_content()


# --- metrics -------------------------------------------------------------------------------------


def word_f1(predicted: str | None, truth: str) -> float:
    """F1 of the multiset overlap of lower-cased ``\\w+`` tokens."""
    pred = Counter(_WORD.findall((predicted or "").lower()))
    gold = Counter(_WORD.findall(truth.lower()))
    if not pred or not gold:
        return 1.0 if not pred and not gold else 0.0
    overlap = sum((pred & gold).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(pred.values()), overlap / sum(gold.values())
    return 2 * precision * recall / (precision + recall)


def squash(text: str | None) -> str:
    """Whitespace collapsed and trimmed; case kept."""
    return _SPACE.sub(" ", text or "").strip()


def day_of(value: str | None) -> str | None:
    """``YYYY-MM-DD`` at the start of a date value, else ``None``."""
    match = _DAY.match((value or "").strip())
    return "-".join(match.groups()) if match else None


def _name(text: str) -> str:
    return squash(re.sub(r"^by\s+", "", text.strip(), flags=re.IGNORECASE)).casefold().strip(" .,")


def author_match(predicted: list[str], truth: str) -> bool:
    """A predicted name equals the truth, or one of the names the truth lists."""
    gold = {_name(truth)} | {_name(part) for part in _NAME_SPLIT.split(truth) if part.strip()}
    pred = {_name(p) for p in predicted} | {_name(", ".join(predicted))}
    return bool((gold & pred) - {""})


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Tally:
    """Running totals for one tool."""

    f1: list[float] = field(default_factory=list)
    with_found: int = 0
    with_total: int = 0
    without_kept: int = 0
    without_total: int = 0
    title_exact: int = 0
    title_total: int = 0
    date_exact: int = 0
    date_total: int = 0
    date_on_null: int = 0
    null_total: int = 0
    author_exact: int = 0
    author_total: int = 0
    ms: list[float] = field(default_factory=list)
    errors: int = 0


def score(tool: Tool, out: Output, truth: dict[str, Any], tally: Tally) -> dict[str, Any]:
    """Add one page's result to ``tally``; return the page-level scores for the details file."""
    row: dict[str, Any] = {}
    if "body" in tool.fields:
        if truth.get("main_content"):  # one dev page has snippets but no full text
            f1 = word_f1(out.body, truth["main_content"])
            tally.f1.append(f1)
            row["f1"] = round(f1, 4)
        body = squash(out.body).casefold()
        found = [squash(s).casefold() in body for s in truth.get("with") or []]
        kept = [squash(s).casefold() in body for s in truth.get("without") or []]
        tally.with_found += sum(found)
        tally.with_total += len(found)
        tally.without_kept += sum(kept)
        tally.without_total += len(kept)
    if "title" in tool.fields and truth.get("title"):
        tally.title_total += 1
        ok = squash(out.title) == squash(truth["title"])
        tally.title_exact += ok
        row["title_ok"] = ok
    if "date" in tool.fields:
        predicted = day_of(out.date)
        if truth.get("publish_date"):
            tally.date_total += 1
            ok = predicted == truth["publish_date"][:10]
            tally.date_exact += ok
            row["date_ok"] = ok
        else:
            tally.null_total += 1
            tally.date_on_null += predicted is not None
            row["date_on_null"] = predicted is not None
    if "author" in tool.fields and truth.get("author"):
        tally.author_total += 1
        ok = author_match(out.authors, truth["author"])
        tally.author_exact += ok
        row["author_ok"] = ok
    return row


def _share(part: int, total: int) -> float | None:
    return round(part / total, 4) if total else None


def summarise(name: str, tool: Tool, tally: Tally, timed: bool) -> dict[str, Any]:
    """One row of the table."""
    has = tool.fields
    return {
        "tool": name,
        "pages": len(tally.ms) + tally.errors,
        "body_f1": round(statistics.fmean(tally.f1), 4) if "body" in has and tally.f1 else None,
        "with_found": _share(tally.with_found, tally.with_total) if "body" in has else None,
        "without_kept": _share(tally.without_kept, tally.without_total) if "body" in has else None,
        "title_exact": _share(tally.title_exact, tally.title_total) if "title" in has else None,
        "date_exact_day": _share(tally.date_exact, tally.date_total) if "date" in has else None,
        "date_on_null": _share(tally.date_on_null, tally.null_total) if "date" in has else None,
        "author_exact": _share(tally.author_exact, tally.author_total) if "author" in has else None,
        "median_ms": round(statistics.median(tally.ms), 2) if timed and tally.ms else None,
        "p95_ms": round(percentile(tally.ms, 95), 2) if timed and tally.ms else None,
        "errors": tally.errors,
    }


COLUMNS = (
    ("tool", "tool", 24), ("body_f1", "body F1", 8), ("with_found", "with", 6),
    ("without_kept", "without", 8), ("title_exact", "title", 6), ("date_exact_day", "date", 6),
    ("date_on_null", "date|null", 9), ("author_exact", "author", 7), ("median_ms", "med ms", 7),
    ("p95_ms", "p95 ms", 7), ("errors", "errors", 6),
)


def render(rows: list[dict[str, Any]]) -> str:
    """The table as fixed-width text; ``-`` where a tool does not produce the field."""

    def cell(value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:.3f}" if value < 10 else f"{value:.1f}"
        return str(value)

    lines = [" ".join(f"{label:<{w}}" if key == "tool" else f"{label:>{w}}" for key, label, w in COLUMNS)]
    for row in rows:
        lines.append(" ".join(
            f"{cell(row[key]):<{w}}" if key == "tool" else f"{cell(row[key]):>{w}}" for key, _, w in COLUMNS
        ))
    return "\n".join(lines)


# --- the run -------------------------------------------------------------------------------------


def load_pages(data: Path, limit: int | None, only: str | None = None) -> list[tuple[str, str, dict[str, Any]]]:
    """``(page id, html, truth)`` for every page (of the half ``only``, when given), decoded before any
    timing starts."""
    pages = []
    for truth_file in sorted((data / "truth").glob("*.json")):
        page_id = truth_file.stem
        if only and half(page_id) != only:
            continue
        html_file = data / "html" / f"{page_id}.html.gz"
        if not html_file.exists():
            continue
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        html = gzip.decompress(html_file.read_bytes()).decode("utf-8", errors="replace")
        pages.append((page_id, html, truth))
        if limit and len(pages) >= limit:
            break
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="dev set folder (html/, truth/)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages (quick iterations)")
    parser.add_argument("--half", choices=HALVES, default=None, help="only the pages of one half of the split")
    parser.add_argument("--tools", default=DEFAULT_TOOLS, help=f"comma list of {', '.join(TOOLS)}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the table is written as JSON")
    parser.add_argument("--details", type=Path, default=None, help="optional JSONL of per-page scores")
    args = parser.parse_args(argv)

    if not (args.data / "truth").is_dir():
        print(f"no dev set at {args.data}", file=sys.stderr)
        return 2
    pages = load_pages(args.data, args.limit, args.half)
    tools = [TOOLS[name.strip()]() for name in args.tools.split(",") if name.strip()]
    details = args.details.open("w", encoding="utf-8") if args.details else None
    subsets = ("all", *HALVES)
    rows: dict[str, list[dict[str, Any]]] = {subset: [] for subset in subsets}
    # Tools take turns every CHUNK pages, so a change in the machine's load during the run weighs on every
    # tool alike (a tool-by-tool run put minutes between the two sides of the ratio we report), while each
    # tool still runs page after page as in a crawl's worker (turns on every page left each tool's caches
    # cold: ours measured 16% slower that way).
    tallies = {tool.name: {subset: Tally() for subset in subsets} for tool in tools}
    for tool in tools:
        for _, html, truth in pages[:3]:  # warm-up: imports and caches are not page costs
            with contextlib.suppress(Exception):
                tool.run(html, truth.get("url") or "")
    for first in range(0, len(pages), CHUNK):
        for tool in tools:
            for page_id, html, truth in pages[first:first + CHUNK]:
                url = truth.get("url") or ""
                page_half = half(page_id)
                tally = tallies[tool.name]
                start = time.process_time()
                try:
                    out = tool.run(html, url)
                except Exception:
                    for subset in ("all", page_half):
                        tally[subset].errors += 1
                    out = Output()
                    if details:
                        details.write(json.dumps({"tool": tool.name, "id": page_id, "half": page_half,
                                                  "error": traceback.format_exc(limit=2)}) + "\n")
                else:
                    cpu_ms = (time.process_time() - start) * 1000
                    for subset in ("all", page_half):
                        tally[subset].ms.append(cpu_ms)
                row = score(tool, out, truth, tally["all"])
                score(tool, out, truth, tally[page_half])
                if details:
                    details.write(json.dumps({"tool": tool.name, "id": page_id, "half": page_half,
                                              "ms": round(tally["all"].ms[-1], 2) if tally["all"].ms else None,
                                              **row}) + "\n")
    for tool in tools:
        for subset in subsets:
            if tallies[tool.name][subset].ms or tallies[tool.name][subset].errors:
                rows[subset].append(summarise(tool.name, tool, tallies[tool.name][subset], timed=True))
    if details:
        details.close()

    counts = {subset: sum(1 for page_id, _, _ in pages if subset == "all" or half(page_id) == subset)
              for subset in subsets}
    print(f"WCXB dev (CC-BY-4.0, Murrough Foley 2026): {len(pages)} pages, one process, CPU ms")
    for subset in subsets:
        if not rows[subset]:
            continue
        print(f"\n{subset} ({counts[subset]} pages)")
        print(render(rows[subset]))
        ratio = speed_ratio(rows[subset])
        if ratio is not None:
            print(f"median CPU ours/trafilatura (default): {ratio:.2f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "pages": len(pages),
        "halves": {h: counts[h] for h in HALVES},
        "split": "checking when the first byte of SHA-256(page id) is odd (bench/devsplit.py)",
        "timing": "CPU time (time.process_time) of the extraction call, ms per page",
        # relative to the repository, so a results file names no folder of the machine it ran on
        "data": os.path.relpath(Path(args.data).resolve(), REPO),
        "python": platform.python_version(),
        "machine": platform.platform(),
        "command": " ".join(["python", "bench/extraction.py", *(argv if argv is not None else sys.argv[1:])]),
        "rows": rows["all"],
        "rows_by_half": {h: rows[h] for h in HALVES},
        "speed_ratio": {subset: speed_ratio(rows[subset]) for subset in subsets},
    }, indent=2) + "\n", encoding="utf-8")
    print(f"table written to {args.out}", file=sys.stderr)
    return 0


def speed_ratio(rows: list[dict[str, Any]]) -> float | None:
    """Our median CPU per page over trafilatura's (default settings), when both ran."""
    by_tool = {row["tool"]: row for row in rows}
    ours, theirs = by_tool.get("ours"), by_tool.get("trafilatura (default)")
    if not ours or not theirs or not ours["median_ms"] or not theirs["median_ms"]:
        return None
    return round(ours["median_ms"] / theirs["median_ms"], 3)


if __name__ == "__main__":
    raise SystemExit(main())
