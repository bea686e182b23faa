"""Which source each URL of a one-off run belongs to: a registry source by host, or an ad-hoc one.

Each URL goes to the registry source whose host (or mirror) it is on; when several entries share a host (KPL's
English and Lao editions), to the first whose article pattern accepts the URL, else the first in registry order.
``--source NAME`` gives every URL to that one source instead (those off its site are counted ``offsite``). A URL
on a host no registry entry names gets the ad-hoc source of its registered domain (``archiver.adhoc``). Lines
that hold no URL stay with the input and are counted there.

``--base-url`` maps an address to fetch from, as ``archiver crawl --base-url`` does: ``SOURCE=URL`` for a
registry source, ``HOST=URL`` for a host in no registry entry (records keep the host's own address).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from archiver.adhoc import AdhocSource, adhoc_name, new_adhoc_source, registered_domain
from archiver.sources import Source, SourceError, resolve
from archiver.spiders.registry import path_and_query
from archiver.url_input import InputLine

_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
_BASE = re.compile(r"https?://[^/?#\s]+(/[^?#\s]*)?")


@dataclass
class FetchPlan:
    """The sources of a one-off run, in the order first met, and each input line's source (None: no URL)."""

    sources: list[Source] = field(default_factory=list)
    lines: list[tuple[InputLine, str | None]] = field(default_factory=list)

    @property
    def adhoc(self) -> list[AdhocSource]:
        return [s for s in self.sources if isinstance(s, AdhocSource)]


def parse_base_urls(pairs: str | list[str] | dict[str, str] | None) -> dict[str, str]:
    """``NAME=URL`` pairs (a list, or one string separated by commas or spaces) as a dict; ``SourceError`` when
    a pair is malformed."""
    if not pairs:
        return {}
    if isinstance(pairs, dict):
        items = list(pairs.items())
    else:
        texts = re.split(r"[,\s]+", pairs.strip()) if isinstance(pairs, str) else list(pairs)
        items = []
        for text in (t for t in texts if t):
            key, sep, url = text.partition("=")
            if not sep or not key:
                raise SourceError(f"base_url {text!r}: give SOURCE=URL or HOST=URL")
            items.append((key, url))
    mapping = {}
    for key, url in items:
        key, url = key.strip().lower(), url.strip().rstrip("/")
        if not _BASE.fullmatch(url):
            raise SourceError(f"base_url {key}={url!r}: not an http(s) address")
        mapping[key] = url
    return mapping


def _registry_by_host(registry: dict[str, Source]) -> dict[str, list[Source]]:
    by_host: dict[str, list[Source]] = {}
    for source in registry.values():
        for host in dict.fromkeys((urlsplit(source.canonical_base_url).hostname or "", *source.mirrors)):
            by_host.setdefault(host, []).append(source)
    return by_host


def _pick(candidates: list[Source], url: str) -> Source:
    for source in candidates:
        pattern = source.article_pattern
        if pattern is not None and pattern.search(path_and_query(url)):
            return source
    return candidates[0]


def plan_fetch(lines: list[InputLine], registry: dict[str, Source], *, source: str | None = None,
               base_urls: dict[str, str] | None = None) -> FetchPlan:
    """Each line's source. ``SourceError`` for an unknown ``source`` or a ``base_urls`` key that is neither a
    registry source nor a host name."""
    base_urls = dict(base_urls or {})
    by_host = _registry_by_host(registry)
    registry_bases: dict[str, str] = {}
    host_bases: dict[str, str] = {}
    for key, url in base_urls.items():
        if key in registry:
            registry_bases[key] = url
        elif key in by_host and len(by_host[key]) == 1:
            registry_bases[by_host[key][0].name] = url
        elif _HOST.fullmatch(key):
            host_bases[key] = url
        else:
            raise SourceError(f"base_url {key}=...: {key!r} is neither a registry source nor a host name")
    plan = FetchPlan()
    chosen: dict[str, Source] = {}

    def registry_source(entry: Source) -> Source:
        if entry.name not in chosen:
            base = registry_bases.get(entry.name)
            chosen[entry.name] = entry.with_base_url(base) if base else entry
            plan.sources.append(chosen[entry.name])
        return chosen[entry.name]

    only = None
    if source:
        named = resolve(source, registry=registry)
        if len(named) != 1:
            raise SourceError(f"source {source!r}: name one registry source")
        only = named[0]
    adhoc_by_domain: dict[str, str] = {}  # registered domain (or host) -> ad-hoc source name
    taken = set(registry)
    for line in lines:
        if line.url is None:
            plan.lines.append((line, None))
            continue
        if only is not None:
            plan.lines.append((line, registry_source(only).name))
            continue
        parts = urlsplit(line.url)
        host = parts.hostname or ""
        if host in by_host:
            plan.lines.append((line, registry_source(_pick(by_host[host], line.url)).name))
            continue
        origin = f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"
        key = registered_domain(host) or host
        name = adhoc_by_domain.get(key)
        if name is None:
            name = adhoc_name(host, taken)
            taken.add(name)
            adhoc_by_domain[key] = name
            chosen[name] = new_adhoc_source(name, origin, host_bases)
            plan.sources.append(chosen[name])
        else:  # another host (or port) of the same site
            grown = chosen[name].with_origin(origin)  # type: ignore[attr-defined]
            plan.sources[plan.sources.index(chosen[name])] = chosen[name] = grown
        plan.lines.append((line, name))
    return plan

