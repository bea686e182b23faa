"""Ad-hoc sources: a site in no registry entry, met in a one-off run (``archiver fetch``).

An ad-hoc source is named after the URL's registered domain ("www.example.org" and "blog.example.org" are both
``example.org``; "news.bbc.co.uk" is ``bbc.co.uk``), found with the Public Suffix List as tldextract bundles it:
tldextract is already Scrapy's own dependency (its cookie middleware uses it), and it is built here with its
bundled snapshot only (no list fetched from the network, no cache written), so naming is offline and the same on
every machine running the same version. A host without a registered domain (an IP address, ``localhost``, a
name under no public suffix) names its source itself.

Its kind is ``web``, which is a record kind and never a registry kind: it has no country, site name, language,
timezone, discovery plan or article pattern, so records carry only what the page itself says, and extraction
recognises the family from the markup (general extraction otherwise). Any host of its registered domain is on
its site (on the default ports), so ``http://example.org/x`` redirecting to ``https://www.example.org/x`` is
followed; a host with no registered domain is on-site only on the origins given.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from functools import cache, cached_property
from urllib.parse import urlsplit, urlunsplit

from archiver.sources import Source

ADHOC_KIND = "web"
_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")


@cache
def _extractor():  # type: ignore[no-untyped-def]
    import tldextract

    # the bundled Public Suffix List snapshot only: no network fetch, no cache directory
    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), include_psl_private_domains=True)


def registered_domain(host: str) -> str:
    """The host's registered domain under the Public Suffix List (private suffixes such as ``github.io``
    included), or "" when it has none (an IP address, ``localhost``, an unknown top-level domain)."""
    if not host:
        return ""
    return _extractor()(host.lower().strip(".")).top_domain_under_public_suffix


def adhoc_name(host: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """The ad-hoc source name for ``host``: its registered domain, else the host; made a valid source name
    (lowercase letters, digits, ``.``, ``_``, ``-``; at most 64) and kept apart from registry names."""
    name = registered_domain(host) or host.lower().strip(".")
    name = re.sub(r"[^a-z0-9_.-]", "-", name).strip("-._") or "host"
    if not _NAME.fullmatch(name):  # longer than 64: keep it readable and unique
        name = f"{name[:55].rstrip('-._')}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"
    if name in taken:  # a registry source already has this name (say, a registry entry named "localhost")
        name = f"{name[:60]}-web"
    return name


def _default_ports(scheme: str, port: int | None) -> set[int]:
    return {port} if port else {80, 443}


@dataclass(frozen=True)
class AdhocSource(Source):
    """A site met in a one-off run: one registered domain (or one host), any of its hosts given.

    ``origins`` are the scheme and host (and port) of each host given, as written in the URLs: records keep
    these addresses. ``fetch_from`` maps a host to another address to fetch it from (``--base-url HOST=URL``: a
    local copy, a staging server), as ``base_url`` does for a registry source.
    """

    domain: str = ""
    origins: tuple[str, ...] = ()
    fetch_from: tuple[tuple[str, str], ...] = ()

    @property
    def hosts(self) -> tuple[str, ...]:
        own = [urlsplit(o).hostname or "" for o in self.origins]
        fetched = [urlsplit(base).hostname or "" for _, base in self.fetch_from]
        return tuple(dict.fromkeys(h for h in (*own, *fetched, self.domain) if h))

    @property
    def mirrors(self) -> tuple[str, ...]:
        return ()

    @cached_property
    def _netlocs(self) -> frozenset[tuple[str, int]]:
        pairs: set[tuple[str, int]] = set()
        for address in (*self.origins, *(base for _, base in self.fetch_from)):
            parts = urlsplit(address)
            pairs |= {(parts.hostname or "", port) for port in _default_ports(parts.scheme, parts.port)}
        return frozenset(pairs)

    def on_site(self, url: str) -> bool:
        """On one of the origins given (or their fetch addresses), or any host of the registered domain on the
        default ports."""
        if super().on_site(url):
            return True
        if not self.domain:
            return False
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return False
        host = parts.hostname or ""
        return (parts.scheme in ("http", "https") and port in (None, 80, 443)
                and (host == self.domain or host.endswith("." + self.domain)))

    def fetch_address(self, url: str, *, rewrite: bool = True) -> str | None:
        if not self.on_site(url):
            return None
        parts = urlsplit(url)
        base = dict(self.fetch_from).get(parts.hostname or "")
        if base and parts.netloc != urlsplit(base).netloc:
            target = urlsplit(base)
            return urlunsplit(parts._replace(scheme=target.scheme, netloc=target.netloc))
        return url

    def primary_url(self, url: str) -> str:
        return self.fetch_address(url) or url

    def canonical_url(self, url: str) -> str:
        """The address as given: a fetch address (``--base-url``) mapped back to the host it stands for."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return url
        for host, base in self.fetch_from:
            if parts.netloc == urlsplit(base).netloc:
                origin = next((o for o in self.origins if urlsplit(o).hostname == host), f"https://{host}")
                target = urlsplit(origin)
                return urlunsplit(parts._replace(scheme=target.scheme, netloc=target.netloc))
        return url

    @property
    def canonical_base_url(self) -> str:
        return self.base_url

    def with_origin(self, origin: str) -> AdhocSource:
        """The same source with one more host given."""
        if origin in self.origins:
            return self
        return replace(self, origins=(*self.origins, origin))

    def describe(self) -> dict[str, object]:
        """What the run report says of the source."""
        return {"source_kind": self.kind, "domain": self.domain or None, "origins": list(self.origins),
                "fetched_from": dict(self.fetch_from)}


def new_adhoc_source(name: str, origin: str, fetch_from: dict[str, str]) -> AdhocSource:
    """An ad-hoc source for the URL origin ``scheme://host[:port]`` (``fetch_from``: host -> fetch address)."""
    host = urlsplit(origin).hostname or ""
    domain = registered_domain(host)
    mapped = tuple((h, base) for h, base in fetch_from.items()
                   if h == host or (domain and (h == domain or h.endswith("." + domain))))
    return AdhocSource(name=name, kind=ADHOC_KIND, family="general", country="", site_name="", base_url=origin,
                       language="", domain=domain, origins=(origin,), fetch_from=mapped)
