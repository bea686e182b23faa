"""The sources registry: which sites archiver crawls, described as data.

Each ``*.toml`` file under ``data/sources/`` holds a ``[defaults]`` table and a list of ``[[source]]`` tables.
Adding a site is adding an entry; no Python changes. Names are unique across all files, so ``la`` always means
one site, and a mistyped name fails loudly with the closest real names instead of crawling nothing. Every field
of every entry is checked at load (``archiver.registry_fields``, ``archiver.discovery.plan``): a bad entry stops
the run before it starts, with one line naming the file, the source and the field.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from archiver.discovery.patterns import LinearPattern, UrlRewrite
from archiver.discovery.plan import (
    DiscoveryStep,
    PlanError,
    article_pattern,
    did_you_mean,
    discovery_plan,
    plan_as_registry,
    url_rewrites,
)
from archiver.paths import sources_dir
from archiver.registry_fields import KINDS, FieldError, check_fields, check_unknown_keys

__all__ = ["KINDS", "Source", "SourceError", "load_registry", "resolve"]
FILE_KEYS = ("defaults", "source")  # the tables a registry file may hold


class SourceError(ValueError):
    """A registry file is malformed, or a requested source name does not exist."""


@dataclass(frozen=True)
class Source:
    """One crawlable site."""

    name: str
    kind: str
    family: str
    country: str
    site_name: str
    base_url: str
    language: str = "en"
    languages: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @property
    def mirrors(self) -> tuple[str, ...]:
        """Other hosts that serve the same articles; their URLs are rewritten to ``base_url``'s host."""
        return tuple(self.extra.get("mirrors", ()))

    @property
    def hosts(self) -> tuple[str, ...]:
        return (self.host, *self.mirrors)

    @property
    def timezone(self) -> str | None:
        return self.extra.get("timezone")

    @cached_property
    def plan(self) -> tuple[DiscoveryStep, ...]:
        return discovery_plan(self.name, self.family, self.extra)

    @cached_property
    def article_pattern(self) -> LinearPattern | None:
        return article_pattern(self.name, self.extra)

    @cached_property
    def url_rewrites(self) -> tuple[UrlRewrite, ...]:
        return url_rewrites(self.name, self.extra)

    @property
    def canonical_base_url(self) -> str:
        """The registry's address of the site, even when this run fetches it from elsewhere (``base_url``)."""
        return self.extra.get("canonical_base_url") or self.base_url

    def _rewrite(self, url: str, hosts: tuple[str, ...], netlocs: tuple[str, ...], base: str) -> str:
        """``url`` moved to ``base`` when on one of ``hosts``/``netlocs``, with the rewrites applied. Never
        raises: the rewrites were compiled and checked at load, and a URL that does not even split (a broken
        ``[IPv6`` host) is returned as it is, for the caller's own on-site test to refuse."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return url
        if parts.hostname in hosts or parts.netloc in netlocs:
            target = urlsplit(base)
            parts = parts._replace(scheme=target.scheme, netloc=target.netloc)
        if self.url_rewrites:
            tail = parts.path + (f"?{parts.query}" if parts.query else "")
            for rewrite in self.url_rewrites:
                tail = rewrite.apply(tail)
            path, _, query = tail.partition("?")
            parts = parts._replace(path=path, query=query)
        return urlunsplit(parts)

    @cached_property
    def _netlocs(self) -> frozenset[tuple[str, int]]:
        """(host, port) pairs this source answers on in this run.

        A host counts only on its own port: the port the address gives, else 80 and 443. A URL on another
        port of the same host is another server (a hostile or stale sitemap can point there) and off-site.
        """
        pairs: set[tuple[str, int]] = set()
        base = urlsplit(self.base_url)
        base_ports = {base.port} if base.port else {80, 443}
        for host in (base.hostname, *self.mirrors):
            pairs |= {(host or "", port) for port in base_ports}
        canonical = urlsplit(self.canonical_base_url)
        pairs |= {(canonical.hostname or "", port) for port in ({canonical.port} if canonical.port else {80, 443})}
        return frozenset(pairs)

    def on_site(self, url: str) -> bool:
        """True when ``url`` is an http(s) address on this source's own hosts and ports."""
        try:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:  # an unparsable port ("host:99999", "host:abc")
            return False
        return parts.scheme in ("http", "https") and ((parts.hostname or ""), port) in self._netlocs

    def fetch_address(self, url: str, *, rewrite: bool = True) -> str | None:
        """Where to fetch a same-site ``url`` in this run, or None when it is off-site.

        The registry's own address and the mirrors are mapped to this run's base URL (so a crawl of a local
        copy never leaves it for the real site), then ``url_rewrites`` are applied (article URLs only:
        ``rewrite=False`` for discovery documents).
        """
        if not self.on_site(url):
            return None
        parts = urlsplit(url)
        base = urlsplit(self.base_url)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):  # one address per site: no user info,
            url = urlunsplit(parts._replace(scheme=base.scheme, netloc=base.netloc))  # default port or http
        return self.primary_url(url) if rewrite else url

    def primary_url(self, url: str) -> str:
        """Where to fetch ``url``: a mirror host replaced by this run's base URL, and the registry's
        ``url_rewrites`` applied (e.g. KPL's malformed ``/En/detail.aspx/detail.aspx?id=N``)."""
        return self._rewrite(url, self.mirrors, (), self.base_url)

    def canonical_url(self, url: str) -> str:
        """The article's lasting address: any address of this source (the registry's host over http or https,
        with or without an explicit default port or user info, a mirror, this run's fetch address: a local copy,
        a staging host) written as the registry's, rewrites applied. Record ids and the index use it, so the same
        article reached another way is still the same article."""
        if self.on_site(url):
            return self._rewrite(url, (), (urlsplit(url).netloc,), self.canonical_base_url)
        fetch_netloc = urlsplit(self.base_url).netloc
        return self._rewrite(url, self.mirrors, (fetch_netloc,), self.canonical_base_url)

    def with_base_url(self, base_url: str, mirrors: tuple[str, ...] | None = None) -> Source:
        """The same source served from another address (the offline demo server, a staging copy)."""
        extra = dict(self.extra)
        extra.setdefault("canonical_base_url", self.base_url)
        if mirrors is not None:
            extra["mirrors"] = list(mirrors)
        return replace(self, base_url=base_url.rstrip("/"), extra=extra)


def _label(entry: dict[str, Any], number: int) -> str:
    name = entry.get("name")
    return f"source {name!r}" if isinstance(name, str) and name.isprintable() and len(name) <= 64 else (
        f"source #{number} (name {name!r})" if name is not None else f"source #{number}")


def _build(entry: dict[str, Any], defaults: dict[str, Any], origin: Path, number: int = 0) -> Source:
    """The entry as a ``Source``, every field checked; ``SourceError`` names the file, source and field."""
    merged = {**defaults, **entry}
    try:
        fields = check_fields(merged)
        source = Source(**fields.core, extra=fields.extra)
        # Build what the crawl will use now, so a bad pattern, rewrite or step fails here, not mid-crawl.
        plan = discovery_plan(source.name, source.family, source.extra, on_site=source.on_site)
        source.article_pattern, source.url_rewrites  # noqa: B018
        if "discovery" in source.extra:  # absolute same-site step URLs now paths, for any later base URL
            source = replace(source, extra={**source.extra,
                                            "discovery": plan_as_registry(plan, source.extra["discovery"])})
        for i, step in enumerate(plan, 1):
            if (source.article_pattern is None and step.listing is not None
                    and step.listing.link == "a::attr(href)" and not step.listing.entry):
                raise PlanError(f"'discovery' step {i} 'links'",
                                "a listing step without a 'links' selector follows every link on the page; "
                                "give 'links' or an 'article_pattern' saying which URLs are articles")
    except (FieldError, PlanError) as exc:
        key = re.match(r"'([a-z_]+)", exc.field)
        inherited = " (from [defaults])" if key and key[1] in defaults and key[1] not in entry else ""
        raise SourceError(f"{origin}: {_label(entry, number)}, field {exc.field}{inherited}: {exc.problem}") \
            from None
    return source


def _read(path: Path) -> dict[str, Any]:
    """The file's TOML document, its tables checked; ``SourceError`` (one line) for anything unreadable."""
    try:
        document = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    for key in document:
        if key not in FILE_KEYS:
            raise SourceError(f"{path}: unknown table {key!r}" + did_you_mean(key, FILE_KEYS))
    if not isinstance(document.get("defaults", {}), dict):
        raise SourceError(f"{path}: 'defaults' must be a table ([defaults])")
    entries = document.get("source", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise SourceError(f"{path}: 'source' must be a list of tables ([[source]])")
    try:
        check_unknown_keys(document.get("defaults", {}), where_defaults=True)
    except FieldError as exc:
        raise SourceError(f"{path}: [defaults], field {exc.field}: {exc.problem}") from None
    return document


def load_registry(directory: Path | None = None) -> dict[str, Source]:
    """Every source in the registry, by name. Raises ``SourceError`` (a one-line message naming the file, the
    source and the field) on a malformed file, a bad field or a repeated name."""
    directory = directory or sources_dir()
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise SourceError(f"no sources registry found: {directory} has no *.toml files")
    registry: dict[str, Source] = {}
    origins: dict[str, Path] = {}
    for path in files:
        document = _read(path)
        defaults = document.get("defaults", {})
        for number, entry in enumerate(document.get("source", []), 1):
            source = _build(entry, defaults, path, number)
            if source.name in registry:
                raise SourceError(f"{path}: source name {source.name!r} is defined twice (first in "
                                  f"{origins[source.name].name})")
            registry[source.name] = source
            origins[source.name] = path
    return registry


def resolve(
    spec: str | Iterable[str], *, kind: str | None = None, registry: dict[str, Source] | None = None
) -> list[Source]:
    """Turn ``"la"``, ``"la,th,vn"`` or ``"all"`` into sources (of ``kind`` when given), in the order asked.

    An unknown name raises ``SourceError`` naming the closest registered names, because a silent empty crawl
    from a typo in a cron line is the worst outcome.
    """
    registry = registry if registry is not None else load_registry()
    pool = {n: s for n, s in registry.items() if kind is None or s.kind == kind}
    names = [p.strip().lower() for p in (spec.split(",") if isinstance(spec, str) else spec)]
    names = [n for n in names if n]
    if not names:
        raise SourceError("no source given: name one or more sources, or 'all'")
    if names == ["all"]:
        return [pool[n] for n in sorted(pool)]
    chosen: list[Source] = []
    for name in names:
        if name not in pool:
            raise SourceError(_unknown_message(name, pool, registry, kind))
        if pool[name] not in chosen:
            chosen.append(pool[name])
    return chosen


def _unknown_message(
    name: str, pool: dict[str, Source], registry: dict[str, Source], kind: str | None
) -> str:
    if name in registry and kind:
        return f"source {name!r} is a {registry[name].kind} source, not {kind}"
    by_site = {s.site_name.lower(): s.name for s in pool.values()}
    close = difflib.get_close_matches(name, list(pool), n=3, cutoff=0.5)
    close += [by_site[m] for m in difflib.get_close_matches(name, list(by_site), n=3, cutoff=0.6)]
    hint = f"; did you mean {', '.join(dict.fromkeys(close))}?" if close else ""
    return f"unknown source {name!r}{hint} (run `archiver sources` for the list)"
