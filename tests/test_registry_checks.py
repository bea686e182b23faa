"""Registry entries are checked at load: every class of bad entry is refused with one line naming the file, the
source and the field; registry patterns run in linear time; rewrites are checked before the crawl."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from archiver.sources import SourceError, load_registry
from archiver.spiders.news import NewsSpider

from .conftest import REPO

# A complete, valid news entry; each case below replaces or adds one key. Values are TOML literals.
GOOD: dict[str, str] = {
    "name": '"riverpost"',
    "kind": '"news"',
    "site_name": '"The River Post"',
    "country": '"KH"',
    "language": '"km"',
    "languages": '["km", "en"]',
    "base_url": '"https://riverpost.example"',
    "family": '"tagdiv"',
    "timezone": '"+07:00"',
    "mirrors": '["riverpost.example.net"]',
    "article_pattern": r"'^/\d{4}/\d{2}/\d{2}/[^/]+/$'",
    "url_rewrites": r"""[['^/amp(/\d{4}/.*)$', '\1'], ['^/(?P<lang>en|km)/news/', '/news/\g<lang>/']]""",
}
GOOD_STEPS: list[dict[str, str]] = [
    {"method": '"sitemap"', "url": '"/sitemap_index.xml"', "follow": r"'post-sitemap\d*\.xml$'"},
    {"method": '"feed"', "url": '"https://riverpost.example.net/feed/"'},
    {"method": '"listing"', "urls": '["/category/news/", "/category/world/"]',
     "links": '"h3.entry-title a::attr(href), .td-module-title a::attr(href)"',
     "next_page": '"a[aria-label=next-page]::attr(href), link[rel=next]::attr(href)"',
     "entry": '".td_module_wrap"', "entry_date": '["time::attr(datetime)", ".entry-date::text"]',
     "page_date": '"#issue-date::text"', "max_pages": "50"},
]
GOOD_SELECTORS = {"section": '".breadcrumb a:last-child::text"'}


def toml_entry(fields: dict[str, str], steps: list[dict[str, str]], selectors: dict[str, str]) -> str:
    lines = ["[[source]]", *(f"{k} = {v}" for k, v in fields.items())]
    for step in steps:
        lines += ["[[source.discovery]]", *(f"{k} = {v}" for k, v in step.items())]
    if selectors:
        lines += ["[source.selectors]", *(f"{k} = {v}" for k, v in selectors.items())]
    return "\n".join(lines) + "\n"


def write_registry(directory: Path, fields: dict[str, str] | None = None, steps: list[dict[str, str]] | None = None,
                   selectors: dict[str, str] | None = None, prefix: str = "") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "news.toml"
    path.write_text(prefix + toml_entry(GOOD if fields is None else fields, GOOD_STEPS if steps is None else steps,
                                        GOOD_SELECTORS if selectors is None else selectors), "utf-8")
    return path


def load_error(directory: Path) -> str:
    with pytest.raises(SourceError) as caught:
        load_registry(directory)
    message = str(caught.value)
    assert "\n" not in message, f"not one line: {message!r}"
    return message


def test_the_complete_good_entry_loads_with_its_values(tmp_path: Path) -> None:
    write_registry(tmp_path)
    source = load_registry(tmp_path)["riverpost"]
    assert (source.kind, source.country, source.language, source.languages) == ("news", "KH", "km", ("km", "en"))
    assert (source.base_url, source.mirrors, source.timezone) == (
        "https://riverpost.example", ("riverpost.example.net",), "+07:00")
    assert [(s.method, s.urls, s.max_pages) for s in source.plan] == [
        ("wp-rest", ("/wp-json/wp/v2/posts",), 1000),  # a tagDiv (WordPress) site: the API is tried first
        ("sitemap", ("/sitemap_index.xml",), 1000),
        ("feed", ("/feed/",), 1000),  # an absolute URL on a mirror becomes a path, fetched from the base URL
        ("listing", ("/category/news/", "/category/world/"), 50),
    ]
    listing = source.plan[3].listing
    assert listing is not None
    assert listing.date == ("time::attr(datetime)", ".entry-date::text")
    assert listing.next_page == ("a[aria-label=next-page]::attr(href)", "link[rel=next]::attr(href)")
    assert source.canonical_url("https://riverpost.example.net/amp/2024/06/20/x/") == (
        "https://riverpost.example/2024/06/20/x/")
    assert source.canonical_url("https://riverpost.example/en/news/7/") == "https://riverpost.example/news/en/7/"


# (case id, top-level keys to set (None: remove), field the message must name, words it must hold)
FIELD_CASES = [
    ("name-newline", {"name": '"riverpost\\n"'}, "'name'", "is not a name"),
    ("name-upper", {"name": '"RiverPost"'}, "'name'", "is not a name"),
    ("name-reserved", {"name": '"all"'}, "'name'", "reserved"),
    ("name-number", {"name": "7"}, "'name'", "must be a string"),
    ("kind", {"kind": '"blog"'}, "'kind'", "embassy, news"),
    ("country-word", {"country": '"Cambodia"'}, "'country'", "ISO 3166-1"),
    ("country-lower", {"country": '"kh"'}, "'country'", "ISO 3166-1"),
    ("country-newline", {"country": '"KH\\n"'}, "'country'", "ISO 3166-1"),
    ("country-not-iso", {"country": '"UK"'}, "'country'", "'GB'"),
    ("country-missing", {"country": None}, "'country'", "missing"),
    ("language", {"language": '"khm"', "languages": None}, "'language'", "ISO 639-1"),
    ("language-unassigned", {"language": '"qq"', "languages": None}, "'language'", "ISO 639-1"),
    ("languages-string", {"languages": '"km"'}, "'languages'", "list of strings"),
    ("languages-order", {"languages": '["en", "km"]'}, "'languages'", "main language first"),
    ("languages-code", {"languages": '["km", "english"]'}, "'languages'", "ISO 639-1"),
    ("base-url-scheme", {"base_url": '"ftp://riverpost.example"'}, "'base_url'", "http(s)://host"),
    ("base-url-query", {"base_url": '"https://riverpost.example?x=1"'}, "'base_url'", "no query"),
    ("base-url-fragment", {"base_url": '"https://riverpost.example/news/#top"'}, "'base_url'", "no query"),
    ("base-url-user", {"base_url": '"https://me@riverpost.example"'}, "'base_url'", "user"),
    ("base-url-port", {"base_url": '"https://riverpost.example:99999"'}, "'base_url'", "out of range"),
    ("base-url-upper", {"base_url": '"https://RiverPost.example"'}, "'base_url'", "lower case"),
    ("base-url-host", {"base_url": '"https://river_post.example"'}, "'base_url'", "not a host name"),
    ("base-url-ip", {"base_url": '"http://999.0.0.1:8080"'}, "'base_url'", "IPv4"),
    ("host-and-base-url", {"host": '"riverpost.example"'}, "'host'", "not both"),
    ("neither-host-nor-base-url", {"base_url": None}, "'host'", "give either"),
    ("host-with-path", {"base_url": None, "host": '"riverpost.example/news"'}, "'host'", "host[:port]"),
    ("mirrors-string", {"mirrors": '"abc"'}, "'mirrors'", "list of strings"),
    ("mirrors-bad-host", {"mirrors": '["riverpost example"]'}, "'mirrors'", "not a host name"),
    ("mirrors-with-port", {"mirrors": '["riverpost.example.net:8080"]'}, "'mirrors'", "not a host name"),
    ("mirrors-own-host", {"mirrors": '["riverpost.example"]'}, "'mirrors'", "own host"),
    ("timezone-short", {"timezone": '"+7"'}, "'timezone'", "+HH:MM"),
    ("timezone-range", {"timezone": '"+15:00"'}, "'timezone'", "+HH:MM"),
    ("timezone-name", {"timezone": '"Asia/Vientiane"'}, "'timezone'", "+HH:MM"),
    ("family", {"family": '"tagdiv2"'}, "'family'", "did you mean 'tagdiv'"),
    ("site-name-empty", {"site_name": '""'}, "'site_name'", "site's name"),
    ("site-name-bidi", {"site_name": '"River \\u202ePost"'}, "'site_name'", "bidi"),
    ("unknown-key", {"article_patern": "'^/x/'"}, "'article_patern'", "did you mean 'article_pattern'"),
    ("article-pattern-lookahead", {"article_pattern": "'^/(?=news)'"}, "'article_pattern'", "lookaround"),
    ("article-pattern-backreference", {"article_pattern": r"'^/(\w+)/\1/$'"}, "'article_pattern'",
     "backreference"),
    ("article-pattern-invalid", {"article_pattern": "'^/(news'"}, "'article_pattern'", "not a valid RE2"),
    ("article-pattern-empty", {"article_pattern": "''"}, "'article_pattern'", "empty"),
    ("article-pattern-number", {"article_pattern": "5"}, "'article_pattern'", "string"),
    ("rewrite-missing-group", {"url_rewrites": r"[['^/amp(/.*)$', '\9']]"}, "'url_rewrites' entry 1",
     "refers to group 9, but pattern '^/amp(/.*)$' has 1 group"),
    ("rewrite-missing-name", {"url_rewrites": r"[['^/(?P<y>\d+)/', '/\g<year>/']]"}, "'url_rewrites' entry 1",
     "does not name"),
    ("rewrite-escape", {"url_rewrites": r"[['^/amp/', '/\n']]"}, "'url_rewrites' entry 1", "\\n"),
    ("rewrite-octal", {"url_rewrites": r"[['^/amp(/.*)$', '\01']]"}, "'url_rewrites' entry 1", "octal"),
    ("rewrite-pattern", {"url_rewrites": r"[['^/(?!amp)', '/']]"}, "'url_rewrites' entry 1", "lookaround"),
    ("rewrite-not-pair", {"url_rewrites": "[['^/amp/']]"}, "'url_rewrites' entry 1", "pairs"),
    ("rewrites-string", {"url_rewrites": "'^/amp/'"}, "'url_rewrites'", "list of [regex, replacement]"),
    ("rewrite-to-an-address", {"url_rewrites": r"[['^/amp(/.*)$', 'http://evil.example\1']]"},
     "'url_rewrites' entry 1", r"replacement 'http://evil.example\1' is an address, not a path"),
    ("rewrite-protocol-relative", {"url_rewrites": r"[['^/amp(/.*)$', '//evil.example\1']]"},
     "'url_rewrites' entry 1", "is an address, not a path"),
    ("rewrite-space", {"url_rewrites": r"[['^/amp(/.*)$', '/\1 x']]"}, "'url_rewrites' entry 1",
     r"replacement '/\1 x' would put ' ' (space) into the URL"),
    ("rewrite-tab", {"url_rewrites": "[['^/amp(/.*)$', \"/\\\\1\\tx\"]]"}, "'url_rewrites' entry 1",
     "U+0009 (whitespace)"),
    ("rewrite-bidi", {"url_rewrites": "[['^/amp(/.*)$', \"/\\u202e\\\\1\"]]"}, "'url_rewrites' entry 1",
     "U+202E (right-to-left override)"),
    ("rewrite-fragment", {"url_rewrites": r"[['^/amp(/.*)$', '/x#\1']]"}, "'url_rewrites' entry 1",
     "'#' (number sign)"),
    ("rewrite-no-leading-slash", {"url_rewrites": r"[['^/(.*)$', 'x/\1']]"}, "'url_rewrites' entry 1",
     "does not begin with '/'"),
    ("rewrite-eats-the-slash", {"url_rewrites": "[['^/amp', '']]"}, "'url_rewrites' entry 1",
     "removes the start of the path"),
    ("rewrite-tried-on-samples", {"url_rewrites": r"[['(/)(\d{4})/', '\2/']]"}, "'url_rewrites' entry 1",
     "turns the path '/2024/06/20/sample-article/' into '2024/06/20/sample-article/', which does not start "
     "with '/'"),
    ("discovery-string", {"discovery": "'oops'"}, "'discovery'", "list of tables"),
    ("discovery-empty", {"discovery": "[]"}, "'discovery'", "list of tables"),
]


@pytest.mark.parametrize(("changes", "field", "words"), [c[1:] for c in FIELD_CASES],
                         ids=[c[0] for c in FIELD_CASES])
def test_a_bad_field_is_refused_naming_file_source_and_field(
    tmp_path: Path, changes: dict[str, str | None], field: str, words: str
) -> None:
    fields = {k: v for k, v in ({**GOOD, **changes}).items() if v is not None}
    steps = [] if "discovery" in changes else None
    path = write_registry(tmp_path, fields, steps)
    message = load_error(tmp_path)
    assert message.startswith(f"{path}: source ")
    named = "riverpost" if "name" not in changes else tomllib.loads(f"v = {changes['name']}")["v"]
    assert f"source {named!r}" in message or f"(name {named!r})" in message
    assert f"field {field}" in message
    assert words in message


STEP_CASES = [
    ("max-pages-text", 2, {"max_pages": "'abc'"}, "'discovery' step 3 'max_pages'", "positive integer"),
    ("max-pages-zero", 2, {"max_pages": "0"}, "'discovery' step 3 'max_pages'", "positive integer"),
    ("max-pages-bool", 2, {"max_pages": "true"}, "'discovery' step 3 'max_pages'", "positive integer"),
    ("method", 0, {"method": '"sitemaps"'}, "'discovery' step 1 'method'", "did you mean 'sitemap'"),
    ("url-relative", 1, {"url": '"feed/"'}, "'discovery' step 2 'url'", "path starting with '/'"),
    ("url-protocol-relative", 1, {"url": '"//evil.example/feed/"'}, "'discovery' step 2 'url'", "'/'"),
    ("url-off-site", 1, {"url": '"https://elsewhere.example/feed/"'}, "'discovery' step 2 'url'", "own host"),
    ("url-other-port", 1, {"url": '"https://riverpost.example:8443/feed/"'}, "'discovery' step 2 'url'",
     "own host"),
    ("url-space", 1, {"url": '"/my feed/"'}, "'discovery' step 2 'url'", "whitespace"),
    ("url-and-urls", 1, {"urls": '["/feed/"]'}, "'discovery' step 2 'urls'", "not both"),
    ("urls-string", 2, {"urls": '"/category/news/"'}, "'discovery' step 3 'urls'", "non-empty list"),
    ("urls-repeated", 2, {"urls": '["/news/", "/news/"]'}, "'discovery' step 3 'urls'", "twice"),
    ("no-url", 1, {"url": None}, "'discovery' step 2 'url'", "needs 'url' or 'urls'"),
    ("follow-on-feed", 1, {"follow": "'x'"}, "'discovery' step 2 'follow'", "belongs to sitemap steps"),
    ("follow-catastrophic-backreference", 0, {"follow": r"'(a+)\1'"}, "'discovery' step 1 'follow'",
     "backreference"),
    ("unknown-step-key", 2, {"next_pages": '"a.next::attr(href)"'}, "'discovery' step 3 'next_pages'",
     "did you mean 'next_page'"),
    ("links-element", 2, {"links": '"h3.entry-title a"'}, "'discovery' step 3 'links'", "::attr(name)"),
    ("links-broken", 2, {"links": '"h3[::attr(href)"'}, "'discovery' step 3 'links'", "does not parse"),
    ("next-page-unknown-pseudo", 2, {"next_page": '"a.next::href"'}, "'discovery' step 3 'next_page'",
     "does not parse"),
    ("entry-value", 2, {"entry": '".td_module_wrap::text"'}, "'discovery' step 3 'entry'", "select elements"),
    ("entry-date-without-entry", 2, {"entry": None}, "'discovery' step 3 'entry_date'", "no 'entry'"),
    ("page-date-list-of-numbers", 2, {"page_date": "[1]"}, "'discovery' step 3 'page_date'", "string"),
    ("step-name", 0, {"name": '"Yoast Sitemap"'}, "'discovery' step 1 'name'", "step name"),
]


@pytest.mark.parametrize(("index", "changes", "field", "words"), [c[1:] for c in STEP_CASES],
                         ids=[c[0] for c in STEP_CASES])
def test_a_bad_discovery_step_is_refused_naming_source_step_and_key(
    tmp_path: Path, index: int, changes: dict[str, str | None], field: str, words: str
) -> None:
    steps = [dict(step) for step in GOOD_STEPS]
    steps[index] = {k: v for k, v in ({**steps[index], **changes}).items() if v is not None}
    path = write_registry(tmp_path, steps=steps)
    message = load_error(tmp_path)
    assert message.startswith(f"{path}: source 'riverpost', field {field}")
    assert words in message


@pytest.mark.parametrize(("selectors", "field", "words"), [
    ({"body": '"div.content::text"'}, "'selectors.body'", "not a record field"),
    ({"titel": '"h1::text"'}, "'selectors.titel'", "did you mean 'title'"),
    ({"title": '"h1.entry-title"'}, "'selectors.title'", "::text or ::attr(name)"),
    ({"title": '"h1["'}, "'selectors.title'", "does not parse"),
], ids=["body", "typo", "element", "broken"])
def test_a_bad_selector_is_refused(tmp_path: Path, selectors: dict[str, str], field: str, words: str) -> None:
    write_registry(tmp_path, selectors=selectors)
    message = load_error(tmp_path)
    assert f"source 'riverpost', field {field}" in message and words in message


def test_a_bad_default_is_refused_where_it_is_written(tmp_path: Path) -> None:
    path = write_registry(tmp_path, prefix='[defaults]\nkind = "news"\nfamly = "tagdiv"\n\n')
    assert load_error(tmp_path) == f"{path}: [defaults], field 'famly': unknown key; did you mean 'family'?"
    path = write_registry(tmp_path, prefix='[defaults]\nname = "riverpost"\n\n')
    assert "field 'name': differs for every source" in load_error(tmp_path)
    # A bad value given as a default is reported on the source that receives it, saying where it came from.
    fields = {k: v for k, v in GOOD.items() if k != "timezone"}
    write_registry(tmp_path, fields, prefix='[defaults]\ntimezone = "GMT+7"\n\n')
    assert "source 'riverpost', field 'timezone' (from [defaults]): 'GMT+7'" in load_error(tmp_path)


def test_a_bad_file_is_refused_in_one_line(tmp_path: Path) -> None:
    path = write_registry(tmp_path, prefix='[[sources]]\nname = "stray"\n\n')
    assert load_error(tmp_path) == f"{path}: unknown table 'sources'; did you mean 'source'?"
    path.write_bytes(toml_entry(GOOD, GOOD_STEPS, {}).replace("The River Post", "The River \xff").encode("latin-1"))
    assert load_error(tmp_path).startswith(f"{path}: not UTF-8 text")
    path.write_text('[[source]]\nname = "riverpost\n', "utf-8")
    assert load_error(tmp_path).startswith(f"{path}: not valid TOML")
    path.write_text('source = "riverpost"\n', "utf-8")
    assert load_error(tmp_path) == f"{path}: 'source' must be a list of tables ([[source]])"


def test_a_name_defined_in_two_files_names_both(tmp_path: Path) -> None:
    write_registry(tmp_path)
    (tmp_path / "more.toml").write_text(toml_entry(GOOD, [], {}), "utf-8")
    message = load_error(tmp_path)
    assert message == f"{tmp_path / 'news.toml'}: source name 'riverpost' is defined twice (first in more.toml)"


# -- patterns run in linear time -------------------------------------------------------------------------------

HOSTILE_RUN = 200_000  # "/aaa…a!": Python's re would try every way of splitting the run between the loops

LINEAR_TIME_CHECK = r"""
import sys, time
from pathlib import Path
from archiver.sources import load_registry
from archiver.spiders.news import NewsSpider

source = load_registry(Path(sys.argv[1]))["riverpost"]
spider = NewsSpider(source="riverpost")
hostile = "https://riverpost.example/" + "a" * int(sys.argv[2]) + "!"
started = time.perf_counter()
article = spider.is_article_url(source, hostile)
sitemap_step = next(step for step in source.plan if step.follow is not None)
children = [hostile + ".xml"] if sitemap_step.follow.search(hostile + ".xml") else []
fetched = source.primary_url(hostile)
print(article, len(children), fetched == hostile, round(time.perf_counter() - started, 3))
"""


def test_catastrophic_patterns_run_in_linear_time_on_a_hostile_path(tmp_path: Path) -> None:
    """'^/(a+)+$' backtracks exponentially under Python's re (hours on this path, uninterruptible); under RE2 the
    article test, the child-sitemap test and the rewrite all finish in milliseconds. Run in a child process with
    a timeout, so a regression fails the test instead of hanging the suite."""
    fields = {**GOOD, "article_pattern": "'^/(a+)+$'", "url_rewrites": "[['^/(a+)+$', '/x']]"}
    steps = [{**GOOD_STEPS[0], "follow": "'^https?://[^/]+/(a+)+$'"}]
    write_registry(tmp_path, fields, steps)
    done = subprocess.run([sys.executable, "-c", LINEAR_TIME_CHECK, str(tmp_path), str(HOSTILE_RUN)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    article, children, unchanged, seconds = done.stdout.split()
    assert (article, children, unchanged) == ("False", "0", "True")
    assert float(seconds) < 1.0


def test_dollar_ends_the_url_and_lone_surrogates_do_not_raise(tmp_path: Path) -> None:
    write_registry(tmp_path, {**GOOD, "article_pattern": r"'^/news/\d+$'"}, [])
    source = load_registry(tmp_path)["riverpost"]
    spider = NewsSpider(source="riverpost")
    assert spider.is_article_url(source, "https://riverpost.example/news/12")
    assert source.article_pattern is not None
    assert re.search(source.article_pattern.pattern, "/news/12\n")  # Python's re: $ before a final newline
    assert source.article_pattern.search("/news/12\n") is None
    assert not spider.is_article_url(source, "https://riverpost.example/news/\udc80")
    assert source.canonical_url("https://riverpost.example/amp/\udc80") == "https://riverpost.example/amp/\udc80"


# -- rewrites ---------------------------------------------------------------------------------------------------


def test_rewrites_keep_non_ascii_text_and_fill_unmatched_groups_with_nothing(tmp_path: Path) -> None:
    rewrites = (r"[['^/lo/(?P<rest>.*)$', '/ລາວ/\g<rest>'], ['^/(a)?b/', '/[\1]\\/']]")
    write_registry(tmp_path, {**GOOD, "url_rewrites": rewrites}, [])
    source = load_registry(tmp_path)["riverpost"]
    assert source.primary_url("https://riverpost.example/lo/ຂ່າວ/1") == "https://riverpost.example/ລາວ/ຂ່າວ/1"
    assert source.primary_url("https://riverpost.example/b/x") == "https://riverpost.example/[]\\/x"
    assert source.primary_url("https://riverpost.example/ab/x") == "https://riverpost.example/[a]\\/x"


def test_rewriting_an_address_that_does_not_split_returns_it_unchanged(tmp_path: Path) -> None:
    write_registry(tmp_path, steps=[])
    source = load_registry(tmp_path)["riverpost"]
    broken = "https://[riverpost.example/amp/2024/01/01/x/"
    assert source.primary_url(broken) == broken
    assert source.canonical_url(broken) == broken
    assert source.fetch_address(broken) is None


def test_the_real_kpl_rewrite_still_canonicalises_its_malformed_links() -> None:
    kpl = load_registry()["kpl"]
    assert kpl.primary_url("https://kpl.gov.la/En/detail.aspx/detail.aspx?id=81234") == (
        "https://kpl.gov.la/En/detail.aspx?id=81234")
    spider = NewsSpider(source="kpl")
    address, unusable = spider._address(kpl, "https://kpl.gov.la/En/detail.aspx/detail.aspx?id=81234")
    assert address == "https://kpl.gov.la/En/detail.aspx?id=81234" and not unusable
    assert spider.is_article_url(kpl, address)


# -- the real registry ----------------------------------------------------------------------------------------


def test_the_real_registry_loads_with_the_values_its_files_hold() -> None:
    """Every entry of data/sources/ loads, and what the crawl sees is what the TOML says."""
    registry = load_registry()
    seen = 0
    for path in sorted((REPO / "data" / "sources").glob("*.toml")):
        document = tomllib.loads(path.read_text("utf-8"))
        defaults = document.get("defaults", {})
        for entry in document["source"]:
            raw = {**defaults, **entry}
            source = registry[raw["name"]]
            seen += 1
            assert source.kind == raw["kind"] and source.country == raw["country"]
            assert source.site_name == raw.get("site_name", raw["name"])
            assert source.base_url == (raw.get("base_url") or f"https://{raw['host']}")
            assert source.family == raw.get("family", "general")
            assert source.language == raw.get("language", "en")
            assert source.languages == tuple(raw.get("languages", [source.language]))
            assert source.mirrors == tuple(raw.get("mirrors", ()))
            assert source.timezone == raw.get("timezone")
            pattern = source.article_pattern
            assert (pattern.pattern if pattern else None) == raw.get("article_pattern")
            assert [(r.pattern.pattern, r.replacement) for r in source.url_rewrites] == [
                tuple(pair) for pair in raw.get("url_rewrites", [])]
            if "discovery" in raw:
                api_first = [("wp-rest", ("/wp-json/wp/v2/posts",))] if source.family in ("usembassy", "tagdiv") else []
                assert [(s.method, s.urls) for s in source.plan] == api_first + [
                    (step["method"], tuple(step.get("urls") or [step["url"]])) for step in raw["discovery"]]
    assert seen == len(registry) == 194


def test_the_readme_example_entry_loads(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    example = readme.split("## The sources registry", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "news.toml").write_text(example, "utf-8")
    source = load_registry(tmp_path)["riverpost"]
    assert [step.method for step in source.plan] == ["wp-rest", "sitemap", "feed", "listing"]
    assert source.primary_url("https://riverpost.example/amp/2024/06/20/x/") == "https://riverpost.example/2024/06/20/x/"


# -- the commands ---------------------------------------------------------------------------------------------


def bad_data_dir(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the real registry whose 'la' entry is named "la2\\n"."""
    sources = tmp_path / "data" / "sources"
    sources.mkdir(parents=True)
    for path in (REPO / "data" / "sources").glob("*.toml"):
        (sources / path.name).write_text(path.read_text("utf-8"), "utf-8")
    embassies = sources / "embassies.toml"
    text = embassies.read_text("utf-8")
    assert text.count('name = "la"\n') == 1
    embassies.write_text(text.replace('name = "la"\n', 'name = "la2\\n"\n'), "utf-8")
    return tmp_path / "data", embassies


@pytest.mark.parametrize("command", [
    ["-m", "archiver.cli", "sources"],
    ["-m", "archiver.cli", "crawl", "la"],
    ["-m", "scrapy", "crawl", "embassy", "-a", "site=la"],
], ids=["archiver-sources", "archiver-crawl", "scrapy-crawl"])
def test_commands_stop_on_a_bad_registry_with_one_line(tmp_path: Path, command: list[str]) -> None:
    data, embassies = bad_data_dir(tmp_path)
    done = subprocess.run([sys.executable, *command], capture_output=True, text=True, cwd=REPO, timeout=120,
                          env={**os.environ, "ARCHIVER_DATA_DIR": str(data)})
    assert done.returncode == (2 if "archiver.cli" in command else 1)
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if str(embassies) in line]
    assert len(errors) == 1
    assert "source #" in errors[0] and "(name 'la2\\n'), field 'name'" in errors[0]
    if "scrapy" not in command:  # Scrapy logs its start-up lines first; archiver prints only the error
        assert done.stderr.strip() == errors[0]


@pytest.mark.parametrize("command", [["crawl", "la"], ["fetch", "https://la.usembassy.gov/visa-news/"]])
def test_commands_read_the_registry_of_the_data_dir_setting(tmp_path: Path, command: list[str]) -> None:
    """``-s ARCHIVER_DATA_DIR=...`` names the registry the crawl will use, so it is the one checked up front."""
    data, embassies = bad_data_dir(tmp_path)
    done = subprocess.run([sys.executable, "-m", "archiver.cli", *command, "-s", f"ARCHIVER_DATA_DIR={data}"],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().startswith(f"archiver: {embassies}") or f"{embassies}" in done.stderr.strip()
    assert len(done.stderr.strip().splitlines()) == 1
