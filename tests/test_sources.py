"""The sources registry: loading, resolving names, and clear errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from archiver.sources import SourceError, load_registry, resolve

from .conftest import REPO


def test_registry_lists_the_embassy_network() -> None:
    registry = load_registry()
    embassies = [s for s in registry.values() if s.kind == "embassy"]
    assert len(embassies) >= 150
    la = registry["la"]
    assert (la.host, la.country, la.site_name) == ("la.usembassy.gov", "LA", "U.S. Embassy in Laos")
    assert all(s.base_url.startswith("https://") for s in embassies)
    hosts = [s.host for s in embassies]
    assert len(hosts) == len(set(hosts))
    for utility in ("sample.usembassy.gov", "common.usembassy.gov", "zblog.japan.usembassy.gov"):
        assert utility not in hosts


def test_resolve_single_several_and_all() -> None:
    assert [s.name for s in resolve("la", kind="embassy")] == ["la"]
    assert [s.name for s in resolve("la, th ,vn", kind="embassy")] == ["la", "th", "vn"]
    everything = resolve("all", kind="embassy")
    assert len(everything) == len([s for s in load_registry().values() if s.kind == "embassy"])


def test_unknown_name_suggests_close_matches() -> None:
    with pytest.raises(SourceError) as err:
        resolve("lao", kind="embassy")
    assert "unknown source 'lao'" in str(err.value)
    assert "la" in str(err.value).split("did you mean", 1)[1]


def test_empty_spec_is_an_error() -> None:
    with pytest.raises(SourceError):
        resolve(" , ", kind="embassy")


def test_malformed_registry_entries_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('[[source]]\nname = "x"\nkind = "embassy"\ncountry = "Laos"\nhost = "x.example"\n')
    with pytest.raises(SourceError, match="ISO 3166"):
        load_registry(tmp_path)
    (tmp_path / "bad.toml").write_text(
        '[[source]]\nname = "x"\nkind = "embassy"\ncountry = "LA"\nhost = "x.example"\n' * 2
    )
    with pytest.raises(SourceError, match="defined twice"):
        load_registry(tmp_path)


def test_cli_lists_sources_and_rejects_unknown_spider_argument() -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "sources", "--kind", "embassy"],
        capture_output=True, text=True, cwd=REPO, check=True,
    )
    assert "la.usembassy.gov" in listed.stdout and "U.S. Embassy in Laos" in listed.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "embassy", "-a", "site=lao", "-s", "LOG_LEVEL=ERROR"],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert bad.returncode != 0
    assert "unknown source 'lao'" in bad.stderr


def test_listing_without_links_or_article_pattern_is_rejected(tmp_path: Path) -> None:
    entry = ('[[source]]\nname = "x"\nkind = "news"\ncountry = "LA"\nbase_url = "https://x.example"\n'
             '[[source.discovery]]\nmethod = "listing"\nurl = "/news/"\n')
    (tmp_path / "news.toml").write_text(entry)
    with pytest.raises(SourceError, match="source 'x', field 'discovery' step 1 'links'.*article_pattern"):
        load_registry(tmp_path)
    (tmp_path / "news.toml").write_text(entry.replace('"listing"', '"sitemap"').replace(
        'url = "/news/"', 'url = "/news/"\nfollow = "("'))
    with pytest.raises(SourceError, match=r"step 1 'follow': pattern '\(' is not a valid RE2 regular expression"):
        load_registry(tmp_path)
    (tmp_path / "news.toml").write_text(entry.replace('"listing"', '"carrier-pigeon"'))
    with pytest.raises(SourceError, match="discovery method must be one of"):
        load_registry(tmp_path)


@pytest.mark.parametrize("declared", [
    "http://la.usembassy.gov/visa-news/",            # the registry's host over http
    "https://la.usembassy.gov:443/visa-news/",       # with its default port written out
    "https://LA.usembassy.gov/visa-news/",           # upper-case host
    "http://user:secret@127.0.0.1:5000/visa-news/",  # this run's fetch address, with user info
    "http://127.0.0.1:5000/visa-news/",              # this run's fetch address
])
def test_every_address_of_a_source_is_one_canonical_address(declared: str) -> None:
    local = load_registry()["la"].with_base_url("http://127.0.0.1:5000", ())
    assert local.canonical_url(declared) == "https://la.usembassy.gov/visa-news/"
    assert local.fetch_address(declared) == "http://127.0.0.1:5000/visa-news/"


def test_another_port_or_host_is_not_an_address_of_the_source() -> None:
    local = load_registry()["la"].with_base_url("http://127.0.0.1:5000", ())
    for elsewhere in ("http://127.0.0.1:5001/visa-news/", "https://la.usembassy.gov:8443/visa-news/",
                      "https://th.usembassy.gov/visa-news/"):
        assert local.fetch_address(elsewhere) is None
        assert local.canonical_url(elsewhere) != "https://la.usembassy.gov/visa-news/"
