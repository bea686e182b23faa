"""Extraction profile: where the time per page goes, by stage, and which functions cost the most.

Why: the crawl bench (``bench/crawl.py``) says how far archiver is from bare Scrapy per page; this says what
that per-page cost is made of, so that fixes go where the time is. Each page runs through what the crawl runs
for it, outside Scrapy: ``decode_html`` (bytes to text), ``archiver.extract.extract``,
``archiver.normalise.normalise_record``, the schema check, and JSON serialisation plus gzip (the archive
writer's work).

Two passes over the same pages:

1. stage timing, without a profiler (so the figures are real): the extractor's own steps are wrapped in
   place by exclusive timers (a nested timed call is not counted twice) and reported in ms/page as
   ``decode, parse, metadata, body, assemble (the rest of extract), normalise, validate, serialise,
   compress``; ``metadata`` covers the structured metadata, family detection, headline, dates, language and
   the family's field selectors; ``body`` the family's body container with its furniture removal, or the
   trafilatura/resiliparse fallback for pages no family describes;
2. cProfile over the same loop, printing the top functions by own time and by cumulative time.

A trafilatura reference (``trafilatura.extract`` with metadata, JSON out) is timed on the same pages.

Corpora: the WCXB dev pages (``../shared/eval/wcxb-dev``, mostly sites no family describes, so the fallback
path) and, with ``--bench-pages N``, N pages of the crawl bench's generated usembassy/tagDiv site (the family
path, which is what a crawl of our registry runs).

Usage: ``python bench/profile_extraction.py [--limit N] [--bench-pages N] [--top N] [--no-cprofile]``.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import importlib
import io
import json
import pstats
import statistics
import sys
import tempfile
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "wcxb-dev"
sys.path.insert(0, str(REPO))

STAGES = ("decode", "parse", "metadata", "family", "headline", "dates", "byline", "language", "container",
          "trafilatura", "resiliparse", "assemble", "normalise", "validate", "serialise", "compress")

# (module, attribute, stage): functions of the extractor timed in place. Patched on the module that *calls*
# them (``assemble`` imported them by name), so the crawl code itself is untouched on disk.
WRAPPED: tuple[tuple[str, str, str], ...] = (
    ("archiver.extract.assemble", "page_source", "parse"),
    ("archiver.extract.assemble", "parse_source", "parse"),
    ("archiver.extract.assemble", "read_metadata", "metadata"),
    ("archiver.extract.assemble", "find_family", "family"),
    ("archiver.extract.assemble", "apply_rules", "family"),
    ("archiver.extract.assemble", "find_headline", "headline"),
    ("archiver.extract.assemble", "_fallback_titles", "headline"),
    ("archiver.extract.assemble", "strip_site_name", "headline"),
    ("archiver.extract.assemble", "_general_published", "dates"),
    ("archiver.extract.assemble", "markup_date", "dates"),
    ("archiver.extract.assemble", "find_byline", "byline"),
    ("archiver.extract.assemble", "detect_language", "language"),
    ("archiver.extract.assemble", "page_language", "language"),
    ("archiver.extract.fallback", "content_container", "container"),
    ("archiver.extract.fallback", "paragraph_lengths", "container"),
    ("archiver.extract.fallback", "fallback_body", "trafilatura"),
    ("archiver.extract.fallback", "_resiliparse_text", "resiliparse"),
)


class StageClock:
    """Exclusive time per stage: a timed call nested in another is subtracted from its parent."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self._stack: list[list[float]] = []  # per open call: [nested seconds]

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self._stack.append([0.0])
        started = time.process_time()
        try:
            yield
        finally:
            elapsed = time.process_time() - started
            nested = self._stack.pop()[0]
            self.totals[name] += elapsed - nested
            if self._stack:
                self._stack[-1][0] += elapsed

    def wrap(self, func: Callable[..., Any], name: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(name):
                return func(*args, **kwargs)

        timed.__wrapped__ = func  # type: ignore[attr-defined]
        return timed


@contextmanager
def instrumented(clock: StageClock) -> Iterator[None]:
    """Install the stage timers for the duration of the block, then put the real functions back."""
    originals = []
    for module_name, attr, stage in WRAPPED:
        module = importlib.import_module(module_name)
        original = getattr(module, attr)
        originals.append((module, attr, original))
        setattr(module, attr, clock.wrap(original, stage))
    try:
        yield
    finally:
        for module, attr, original in reversed(originals):
            setattr(module, attr, original)


# --- pages ------------------------------------------------------------------------------------------------------


def dev_pages(data: Path, limit: int | None) -> list[tuple[str, bytes]]:
    """``(url, raw bytes)`` of the dev pages, read before any timing starts."""
    pages = []
    for truth_file in sorted((data / "truth").glob("*.json")):
        html_file = data / "html" / f"{truth_file.stem}.html.gz"
        if not html_file.exists():
            continue
        url = json.loads(truth_file.read_text(encoding="utf-8")).get("url") or html_file.as_uri()
        pages.append((url, gzip.decompress(html_file.read_bytes())))
        if limit and len(pages) >= limit:
            break
    return pages


def bench_pages(count: int) -> list[tuple[str, bytes]]:
    """Pages of the crawl bench's generated site (usembassy and tagDiv markup), with their URLs."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from crawl import generate_site

    ports = {"usembassy": 8001, "tagdiv": 8002}
    with tempfile.TemporaryDirectory(prefix="profile-site-") as tmp:
        generate_site(Path(tmp), count, 0.25, ports)
        pages = []
        for family, port in ports.items():
            root = Path(tmp) / family
            for path in sorted(root.rglob("index.html")):
                rel = path.parent.relative_to(root).as_posix()
                if rel.startswith(("news-events", "category", "contact", "feed")) or rel == ".":
                    continue
                pages.append((f"http://127.0.0.1:{port}/{rel}/", path.read_bytes()))
    return pages


# --- one page, as the crawl handles it ---------------------------------------------------------------------------


def process(url: str, raw: bytes, clock: StageClock, compressor: Any) -> dict[str, Any]:
    from archiver.decoding import decode_html
    from archiver.extract import extract
    from archiver.normalise import normalise_record
    from archiver.schema import schema_errors

    with clock.stage("decode"):
        html = decode_html(raw, "text/html").text
    with clock.stage("assemble"):
        fields = extract(html, url)
    fields.pop("page_type", None)
    fields.pop("family", None)
    record = {"schema_version": 1, "url": url, "source": "bench", "source_kind": "news", "country": "LA",
              "fetched_at": "2026-01-01T00:00:00+00:00", "http_status": 200, "run_id": "bench", **fields}
    record.setdefault("canonical_url", url)
    with clock.stage("normalise"):
        record = normalise_record(record)
    with clock.stage("validate"):
        schema_errors(record)
    with clock.stage("serialise"):
        line = json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
    with clock.stage("compress"):
        compressor.compress(line)
    return record


def stage_pass(pages: list[tuple[str, bytes]]) -> tuple[dict[str, float], list[float], int]:
    """ms/page per stage, per-page totals (ms) and the number of pages that produced a body."""
    clock = StageClock()
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    per_page: list[float] = []
    with_body = 0
    with instrumented(clock):
        for url, raw in pages:
            started = time.process_time()
            record = process(url, raw, clock, compressor)
            per_page.append((time.process_time() - started) * 1000)
            with_body += bool(record.get("body"))
    return {s: 1000 * clock.totals.get(s, 0.0) / len(pages) for s in STAGES}, per_page, with_body


def trafilatura_pass(pages: list[tuple[str, bytes]]) -> list[float] | None:
    try:
        import trafilatura
    except ImportError:
        return None
    from archiver.decoding import decode_html

    times = []
    for url, raw in pages:
        html = decode_html(raw, "text/html").text
        started = time.process_time()
        trafilatura.extract(html, url=url, with_metadata=True, output_format="json", include_comments=False)
        times.append((time.process_time() - started) * 1000)
    return times


def profile_pass(pages: list[tuple[str, bytes]], top: int) -> str:
    clock = StageClock()
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    profiler = cProfile.Profile()
    profiler.enable()
    for url, raw in pages:
        process(url, raw, clock, compressor)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    out.write(f"-- top {top} by own time --\n")
    stats.sort_stats("tottime").print_stats(top)
    out.write(f"-- top {top} by cumulative time --\n")
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def report(name: str, pages: list[tuple[str, bytes]], args: argparse.Namespace) -> dict[str, Any]:
    process(*pages[0], StageClock(), zlib.compressobj())  # warm-up: imports, caches, schema compile
    stages, per_page, with_body = stage_pass(pages)
    total = sum(stages.values())
    print(f"\n== {name}: {len(pages)} pages, {statistics.mean(len(r) for _, r in pages) / 1e3:.0f} KB mean, "
          f"{with_body} with a body ==")
    print(f"{'stage':<10} {'ms/page':>8} {'share':>6}")
    for stage in STAGES:
        print(f"{stage:<10} {stages[stage]:>8.2f} {stages[stage] / total:>6.0%}")
    print(f"{'total':<10} {total:>8.2f}   (per page: median {statistics.median(per_page):.2f}, "
          f"p95 {statistics.quantiles(per_page, n=20)[-1]:.2f}, max {max(per_page):.1f} ms)")
    result: dict[str, Any] = {"pages": len(pages), "stages_ms": stages, "total_ms": total,
                              "median_ms": statistics.median(per_page)}
    if not args.no_trafilatura:
        times = trafilatura_pass(pages)
        if times:
            result["trafilatura_ms"] = statistics.mean(times)
            print(f"reference: trafilatura.extract (metadata, JSON) {statistics.mean(times):.2f} ms/page mean, "
                  f"median {statistics.median(times):.2f}")
    if not args.no_cprofile:
        print(profile_pass(pages, args.top))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="dev set folder (html/, truth/)")
    parser.add_argument("--limit", type=int, default=300, help="dev pages to run (default 300; 0 = all)")
    parser.add_argument("--bench-pages", type=int, default=200,
                        help="also profile N generated crawl-bench pages (family markup; 0 = skip; default 200)")
    parser.add_argument("--top", type=int, default=25, help="functions listed by cProfile")
    parser.add_argument("--no-cprofile", action="store_true", help="stage timing only")
    parser.add_argument("--no-trafilatura", action="store_true", help="skip the trafilatura reference")
    parser.add_argument("--out", type=Path, help="write the stage figures as JSON")
    args = parser.parse_args(argv)

    results: dict[str, Any] = {}
    if (args.data / "truth").is_dir():
        results["dev"] = report("WCXB dev pages", dev_pages(args.data, args.limit or None), args)
    else:
        print(f"no dev set at {args.data}; skipping it", file=sys.stderr)
    if args.bench_pages:
        results["bench"] = report("crawl-bench pages (usembassy + tagDiv)", bench_pages(args.bench_pages), args)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if results else 2


if __name__ == "__main__":
    sys.exit(main())
