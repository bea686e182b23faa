#!/usr/bin/env python3
"""Build the offline demo copies of four news sites and their ground truth (news_expected.json).

Why this exists: the news spider and the per-family extraction rules must be tested without touching the live
sites, which change daily, sit behind bot checks (Anubis, Cloudflare) and are slow or unreachable from CI. This
script holds a small invented news archive (our own text: every headline, paragraph, name and quotation was
written for this demo and is fictional) and renders it in the markup of each site family:

* ``laotiantimes.com``: WordPress, tagDiv "Newspaper" theme with page-builder (``tdb``) templates, Yoast SEO:
  weather and date header widgets, ``td_spot_img_all`` ads, relative "6 hours ago" sidebar dates that come
  before the article's own date, Previous/Next and "Latest article" boxes, Yoast sitemaps, RSS feed, category
  listings; plus one Anubis bot-check page and one Cloudflare challenge (HTTP 403) among the post URLs.
* ``kpl.gov.la``: KPL Lao News Agency, ASP.NET WebForms pages (``aspnetForm``, ``__VIEWSTATE``), English and
  Lao editions, day-first visible dates, a malformed ``/En/detail.aspx/detail.aspx?id=N`` link.
* ``www.vientianetimes.org.la``: hand-made static PHP pages in a table layout; the issue date is only on the
  index pages, article pages carry no date; one story is linked through the mirror host ``vientianetimes.la``.
* ``mekongobserver.example``: a fictional WordPress outlet in the classic tagDiv single template, to show that a
  new WordPress site needs only a registry entry.

Markup structure and class names follow the real pages studied (see ../shared/pages and its SITES.md); no text,
CSS or script was copied from them. Because the HTML and news_expected.json are written from the same data, the
expected values cannot drift from the pages. Output is deterministic (no clock, no randomness) and the script
uses the standard library only:

    python3 data/demo/build_news_demo.py

Every absolute URL is written with the site's real ``https://<host>`` prefix; the demo server rewrites it (and
mirror hosts) to its local address at serve time (see the demo server spec).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import shutil
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote, quote_plus

HERE = Path(__file__).resolve().parent
EXPECTED = HERE / "news_expected.json"

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ICT = timezone(timedelta(hours=7))


# --------------------------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------------------------

def esc(text: str) -> str:
    """Escape text for an HTML text node or attribute."""
    return html.escape(text, quote=True)


_TEXTURIZE = {"’": "&#8217;", "‘": "&#8216;", "“": "&#8220;", "”": "&#8221;", "–": "&#8211;", "—": "&#8212;",
              "…": "&#8230;"}


def wp(text: str) -> str:
    """Escape like WordPress output (wptexturize numeric entities for typographic characters)."""
    out = html.escape(text, quote=False)
    for ch, ent in _TEXTURIZE.items():
        out = out.replace(ch, ent)
    return out


def wp_fragment(fragment: str) -> str:
    """WordPress-style entities for a body fragment that may contain inline tags (text nodes only)."""
    parts = re.split(r"(<[^>]+>)", fragment)
    return "".join(p if p.startswith("<") else wp(html.unescape(p)) for p in parts)


def plain(fragment: str) -> str:
    """Plain text of an HTML fragment: tags removed, entities decoded, whitespace collapsed, NFC."""
    text = html.unescape(re.sub(r"<[^>]+>", "", fragment))
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text).strip())


def parse_local(stamp: str) -> datetime:
    """Parse an ISO stamp that carries its own offset."""
    dt = datetime.fromisoformat(stamp)
    assert dt.tzinfo is not None, stamp
    return dt


def utc_iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat()


def long_date(dt: datetime) -> str:
    return f"{MONTHS[dt.month - 1]} {dt.day}, {dt.year}"


def header_date(dt: datetime) -> str:
    return f"{DAYS[dt.weekday()]}, {MONTHS[dt.month - 1]} {dt.day}, {dt.year}"


def ago(then: datetime, now: datetime) -> str:
    """tagDiv's relative date text ("6 hours ago", "3 weeks ago")."""
    secs = int((now - then).total_seconds())
    assert secs >= 0
    for size, unit in ((365 * 86400, "year"), (30 * 86400, "month"), (7 * 86400, "week"), (86400, "day"),
                       (3600, "hour"), (60, "minute")):
        if secs >= size:
            n = secs // size
            return f"{n} {unit}{'s' if n > 1 else ''} ago"
    return "just now"


def fake_token(seed: str, nbytes: int) -> str:
    """Deterministic opaque token (base64) standing in for view state, nonces and challenge data."""
    out = b""
    counter = 0
    while len(out) < nbytes:
        out += hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        counter += 1
    return base64.b64encode(out[:nbytes]).decode()


def fake_hex(seed: str, n: int) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()[:n]


def word_count(paragraphs: list[str]) -> int:
    return sum(len(plain(p).split()) for p in paragraphs)


class Site:
    """One demo site folder: writes files and remembers what it wrote."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.base = f"https://{host}"
        self.out = HERE / host
        self.files: list[str] = []

    def reset(self) -> None:
        if self.out.exists():
            shutil.rmtree(self.out)
        self.out.mkdir(parents=True)

    def write(self, rel: str, text: str) -> None:
        """Write one file; ``rel`` is the file path under the site folder (no leading slash)."""
        assert not rel.startswith("/"), rel
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        self.files.append(rel)

    def write_url(self, url_path: str, text: str, index: str = "index.html") -> None:
        """Write the file served for a URL path (+ optional ?query), per the demo server's mapping."""
        path, _, query = url_path.partition("?")
        rel = path.lstrip("/")
        if not rel or rel.endswith("/"):
            rel += index
        if query:
            rel += "@" + query
        self.write(rel, text)


def rss(*, site_title: str, base: str, description: str, build: datetime, items: list[dict], lang: str) -> str:
    """RSS 2.0 as WordPress writes it."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
        '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n'
        '\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"\n\t>\n\n<channel>\n',
        f"\t<title>{esc(site_title)}</title>\n",
        f'\t<atom:link href="{base}/feed/" rel="self" type="application/rss+xml" />\n',
        f"\t<link>{base}</link>\n",
        f"\t<description>{esc(description)}</description>\n",
        f"\t<lastBuildDate>{format_datetime(build.astimezone(UTC), usegmt=False).replace('-0000', '+0000')}"
        "</lastBuildDate>\n",
        f"\t<language>{lang}</language>\n",
        "\t<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n\t<sy:updateFrequency>\n\t1\t</sy:updateFrequency>\n",
        "\t<generator>https://wordpress.org/?v=6.5.4</generator>\n",
    ]
    for it in items:
        pub = format_datetime(it["published"].astimezone(UTC)).replace("-0000", "+0000")
        cats = "".join(f"\t\t<category><![CDATA[{c}]]></category>\n" for c in it["categories"])
        parts.append(
            "\t<item>\n"
            f"\t\t<title>{esc(it['title'])}</title>\n"
            f"\t\t<link>{it['url']}</link>\n"
            f"\t\t<comments>{it['url']}#respond</comments>\n"
            f"\t\t<dc:creator><![CDATA[{it['author']}]]></dc:creator>\n"
            f"\t\t<pubDate>{pub}</pubDate>\n"
            f"{cats}"
            f'\t\t<guid isPermaLink="false">{base}/?p={it["id"]}</guid>\n\n'
            f"\t\t<description><![CDATA[{it['excerpt']} [&#8230;]]]></description>\n"
            f"\t\t<wfw:commentRss>{it['url']}feed/</wfw:commentRss>\n"
            "\t\t<slash:comments>0</slash:comments>\n"
            "\t</item>\n")
    parts.append("\t</channel>\n</rss>\n")
    return "".join(parts)


def yoast_urlset(base: str, entries: list[tuple[str, str]]) -> str:
    rows = "".join(f"\t<url>\n\t\t<loc>{loc}</loc>\n\t\t<lastmod>{lastmod}</lastmod>\n\t</url>\n"
                   for loc, lastmod in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" href="//'
            f'{base.split("//")[1]}/main-sitemap.xsl"?>\n'
            '<urlset xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1" '
            'xsi:schemaLocation="http://www.sitemaps.org/schemas/sitemap/0.9 '
            'http://www.sitemaps.org/schemas/sitemap/0.9/sitemap.xsd '
            'http://www.google.com/schemas/sitemap-image/1.1 '
            'http://www.google.com/schemas/sitemap-image/1.1/sitemap-image.xsd" '
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{rows}</urlset>\n<!-- XML Sitemap generated by Yoast SEO -->")


def yoast_index(base: str, entries: list[tuple[str, str]]) -> str:
    rows = "".join(f"\t<sitemap>\n\t\t<loc>{loc}</loc>\n\t\t<lastmod>{lastmod}</lastmod>\n\t</sitemap>\n"
                   for loc, lastmod in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" href="//'
            f'{base.split("//")[1]}/main-sitemap.xsl"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{rows}</sitemapindex>\n<!-- XML Sitemap generated by Yoast SEO -->")


# --------------------------------------------------------------------------------------------------------------
# tagDiv sites: data
# --------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """An image with caption (featured image, or a captioned image inside the content)."""

    file: str
    alt: str
    caption: str


@dataclass
class TdPost:
    """One WordPress post on a tagDiv site. ``published`` / ``modified`` carry the site's own offset."""

    post_id: int
    slug: str
    title: str
    published: str
    modified: str
    categories: list[str]
    author: tuple[str, str]          # (display name, author slug)
    body: list[str]                  # paragraphs, inline HTML allowed
    excerpt: str = ""
    featured: Figure | None = None
    inline_figure: tuple[int, Figure] | None = None   # (insert after paragraph index, figure)
    relative_date: bool = False      # the page's own date is shown as "N hours ago" (newest post)
    challenge: str | None = None     # "anubis" | "cloudflare": the URL serves a bot check instead

    @property
    def pub_dt(self) -> datetime:
        return parse_local(self.published)

    @property
    def mod_dt(self) -> datetime:
        return parse_local(self.modified)

    @property
    def path(self) -> str:
        d = self.pub_dt
        return f"/{d:%Y/%m/%d}/{self.slug}/"


LT_HOST = "laotiantimes.com"
LT_CAPTURE = parse_local("2024-06-18T14:10:00+07:00")
LT_CATEGORIES: dict[str, str] = {
    "All News": "allnews", "Business": "business", "Economy": "economy", "Government": "government",
    "Politics": "politic", "Society": "society", "This Week": "this-week", "Tourism": "tourism",
}

LT_POSTS: list[TdPost] = [
    TdPost(
        post_id=118862, slug="us-and-laos-cooperate-in-anti-human-trafficking-learning-event",
        title="US and Laos Cooperate in Anti-Human Trafficking Learning Event",
        published="2023-03-21T16:45:12+07:00", modified="2023-03-22T10:02:41+07:00",
        categories=["This Week"], author=("Souphaphone Keomany", "souphaphone-k"),
        featured=Figure("anti-trafficking-learning-event", "Participants at the learning event in Vientiane",
                        "Participants at the anti-human trafficking learning event in Vientiane. (Photo: Laotian "
                        "Times)"),
        body=[
            "Lao and US officials met in Vientiane on Friday for a two-day learning event on preventing human "
            "trafficking, bringing together police investigators, prosecutors, social workers and staff of "
            "non-profit associations from several provinces.",
            "The event was organized by the Lao anti-human trafficking authorities together with the US Embassy "
            "in Vientiane, and focused on how agencies can identify victims earlier and refer them to shelters, "
            "legal aid and vocational training.",
            "Participants worked through case studies from border provinces, where labor migration and "
            "&#8220;too good to be true&#8221; online job offers have created new risks for young people. "
            "Trainers stressed that survivors should be interviewed in a way that avoids causing further harm.",
            "&#8220;No single agency can solve this problem alone,&#8221; a senior Lao official told "
            "participants in opening remarks, adding that closer cooperation between ministries, provincial "
            "authorities and international partners had already helped investigators open more cases.",
            "A representative of the US Embassy said the United States would keep supporting training for "
            "frontline officials as well as <strong>awareness campaigns</strong> in communities along major "
            "transport routes, including the Laos-China Railway corridor.",
            "Organizers said a follow-up session for provincial officials is planned for later this year, and "
            "urged members of the public to report suspected cases to the police hotline.",
        ],
    ),
    TdPost(
        post_id=121904, slug="national-assembly-opens-session-with-focus-on-public-debt",
        title="National Assembly Opens Session with Focus on Public Debt",
        published="2023-05-09T11:20:05+07:00", modified="2023-05-09T11:58:30+07:00",
        categories=["Politics"], author=("Anna Lindqvist", "anna-l"),
        featured=Figure("national-assembly-session", "The National Assembly building in Vientiane",
                        "The National Assembly building in Vientiane."),
        body=[
            "Lawmakers gathered in Vientiane on Tuesday for the opening of the National Assembly&#8217;s "
            "ordinary session, with public debt and the rising cost of living expected to dominate debates over "
            "the coming weeks.",
            "Members will review the government&#8217;s report on the implementation of the socio-economic "
            "development plan, the state budget and several draft laws, including amendments concerning "
            "investment promotion and the management of state enterprises.",
            "Several members said before the session that voters in their constituencies had raised the price "
            "of fuel, food and school fees as their main concerns, and asked for clear measures rather than "
            "general commitments.",
            "The session is scheduled to run for about a month. Sittings are broadcast live on national "
            "television and radio, and citizens can submit questions through a hotline and the "
            "assembly&#8217;s website.",
        ],
    ),
    TdPost(
        post_id=127311, slug="vientiane-logistics-park-signs-new-tenants-along-laos-china-railway",
        title="Vientiane Logistics Park Signs New Tenants Along Laos-China Railway",
        published="2023-08-14T09:05:47+07:00", modified="2023-08-15T08:31:02+07:00",
        categories=["Business"], author=("Somphone Vilayvong", "somphone-v"),
        featured=Figure("vientiane-logistics-park", "Containers stacked at a dry port near Vientiane",
                        "Containers at a dry port on the outskirts of Vientiane."),
        inline_figure=(1, Figure("logistics-park-warehouse", "A new warehouse under construction",
                                 "A warehouse under construction at the logistics park. (Photo: Laotian Times)")),
        body=[
            "A logistics park on the outskirts of Vientiane has signed agreements with four new tenants, "
            "including two cold-storage operators, as companies look for space close to the freight terminal "
            "of the Laos-China Railway.",
            "The park&#8217;s management said the new tenants would invest in warehouses for fruit, frozen food "
            "and consumer goods bound for markets in China and Thailand, and would employ several hundred local "
            "workers once operations begin.",
            "Exporters have welcomed shorter transit times since the railway opened, but say paperwork at the "
            "border and the cost of empty return containers still limit how much they can ship by rail.",
            "The park plans to open a one-stop service center next year where customs, quarantine and "
            "transport permits can be handled in one place.",
        ],
    ),
    TdPost(
        post_id=133450, slug="kip-steadies-as-central-bank-tightens-foreign-exchange-rules",
        title="Kip Steadies as Central Bank Tightens Foreign Exchange Rules",
        published="2023-11-02T15:30:00+07:00", modified="2023-11-03T09:14:26+07:00",
        categories=["Business", "Economy"], author=("Anna Lindqvist", "anna-l"),
        body=[
            "The Lao kip held steady against the US dollar and the Thai baht this week after the central bank "
            "introduced stricter rules on foreign exchange trading by commercial banks and licensed exchange "
            "bureaus.",
            "Under the new rules, exchange bureaus must report their daily transactions and may not quote "
            "rates that differ from the reference rate by more than a set margin. Unlicensed traders face "
            "fines and the closure of their businesses.",
            "Business owners in Vientiane said a stable currency would make it easier to price imported goods, "
            "but some warned that a gap between official and market rates could reappear if the supply of "
            "foreign currency stays tight.",
            "Economists have long argued that the kip&#8217;s stability depends on higher export earnings and "
            "on progress in restructuring the country&#8217;s external debt.",
        ],
    ),
    TdPost(
        post_id=136188, slug="laos-thailand-agree-new-bus-route-between-pakse-and-ubon",
        title="Laos, Thailand Agree New Bus Route Between Pakse and Ubon",
        published="2023-09-19T10:10:10+07:00", modified="2023-09-19T10:10:10+07:00",
        categories=["Tourism"], author=("Somphone Vilayvong", "somphone-v"),
        body=["(Served as an Anubis bot check in the demo.)"], challenge="anubis",
        excerpt="Bus operators from both sides of the border will run a daily service between Pakse and Ubon "
                "Ratchathani from next month.",
    ),
    TdPost(
        post_id=138902, slug="vientiane-night-market-moves-to-riverside-for-dry-season",
        title="Vientiane Night Market Moves to Riverside for Dry Season",
        published="2023-12-06T18:22:40+07:00", modified="2023-12-06T18:22:40+07:00",
        categories=["Society"], author=("Souphaphone Keomany", "souphaphone-k"),
        body=["(Served as a Cloudflare challenge in the demo.)"], challenge="cloudflare",
        excerpt="Stalls selling clothes, snacks and handicrafts have returned to the riverside promenade for the "
                "cool, dry months.",
    ),
    TdPost(
        post_id=140517, slug="luang-prabang-sees-busy-high-season-as-visitors-return",
        title="Luang Prabang Sees Busy High Season as Visitors Return",
        published="2024-01-22T10:12:09+07:00", modified="2024-01-22T13:40:55+07:00",
        categories=["This Week", "Tourism"], author=("Souphaphone Keomany", "souphaphone-k"),
        featured=Figure("luang-prabang-high-season", "Visitors on a street in Luang Prabang",
                        "Visitors walk past shophouses in Luang Prabang&#8217;s old town."),
        body=[
            "Hotels and guesthouses in Luang Prabang reported high occupancy over the past month as visitors "
            "from Thailand, China, Vietnam and Europe returned to the former royal capital for the cool season.",
            "Tour operators said the railway had changed travel patterns, with many domestic tourists now "
            "arriving from Vientiane for short weekend trips rather than spending several days in the town.",
            "Local authorities have asked businesses to keep prices clearly displayed and reminded visitors to "
            "dress modestly and keep a respectful distance during the morning alms-giving.",
            "The provincial tourism office said it would use the busy season to collect feedback from visitors "
            "on transport, signage and waste collection in the World Heritage area.",
        ],
    ),
    TdPost(
        post_id=143066, slug="laos-prepares-to-host-asean-meetings-throughout-2024",
        title="Laos Prepares to Host ASEAN Meetings Throughout 2024",
        published="2024-03-05T13:48:27+07:00", modified="2024-03-05T14:02:10+07:00",
        categories=["Government", "Politics"], author=("Anna Lindqvist", "anna-l"),
        featured=Figure("asean-meetings-preparation", "Flags outside a conference venue in Vientiane",
                        "Flags outside a conference venue in Vientiane."),
        body=[
            "Government agencies are finalizing preparations for a busy calendar of regional meetings that "
            "Laos will host this year, from ministerial gatherings to summits of heads of state and government.",
            "Officials said hotels, conference halls and transport services in Vientiane and Luang Prabang had "
            "been inspected, and that volunteers were being trained to welcome delegations and journalists.",
            "&#8220;These meetings are a chance to show what Laos can offer as a partner,&#8221; an official "
            "involved in the preparations said, adding that local businesses were being encouraged to "
            "showcase handicrafts and food.",
            "Residents have been asked to expect road closures on meeting days and to follow announcements from "
            "the traffic police.",
        ],
    ),
    TdPost(
        post_id=146215, slug="inflation-eases-slightly-in-may-statistics-bureau-says",
        title="Inflation Eases Slightly in May, Statistics Bureau Says",
        published="2024-05-27T17:02:44+07:00", modified="2024-05-28T08:45:19+07:00",
        categories=["Economy"], author=("Somphone Vilayvong", "somphone-v"),
        body=[
            "Consumer prices rose at a slightly slower pace in May than in April, according to the latest "
            "monthly figures published by the national statistics bureau, although food and transport remain "
            "markedly more expensive than a year ago.",
            "The bureau said the prices of rice, meat and vegetables had stabilized in several provinces, while "
            "fuel prices eased after recent adjustments by the authorities.",
            "Traders at markets in Vientiane said customers were still buying smaller quantities and looking "
            "for cheaper alternatives, and that a stable exchange rate mattered more to them than any single "
            "monthly figure.",
            "The government has set a target of bringing inflation down further by the end of the year through "
            "tighter management of the money supply and support for domestic production.",
        ],
    ),
    TdPost(
        post_id=148733, slug="savannakhet-economic-zone-opens-solar-panel-assembly-plant",
        title="Savannakhet Economic Zone Opens Solar Panel Assembly Plant",
        published="2024-06-17T19:40:10+07:00", modified="2024-06-17T20:05:37+07:00",
        categories=["Business"], author=("Somphone Vilayvong", "somphone-v"),
        featured=Figure("savannakhet-solar-plant", "Workers inside a solar panel assembly hall",
                        "Workers inside the new assembly hall in Savannakhet."),
        body=[
            "A solar panel assembly plant has started operating in a special economic zone in Savannakhet "
            "province, adding to a growing cluster of manufacturers near the border crossing with Thailand.",
            "The company behind the plant said the first production line would assemble panels for export, "
            "with a second line planned once the factory has trained enough technicians.",
            "Provincial officials said most of the workers hired so far come from nearby districts and that "
            "vocational colleges were adjusting courses to match the skills factories need.",
            "The zone&#8217;s administration expects more investors in electronics and renewable energy "
            "components over the next two years.",
        ],
    ),
    TdPost(
        post_id=148790, slug="vientiane-launches-rainy-season-flood-preparedness-drive",
        title="Vientiane Launches Rainy Season Flood Preparedness Drive",
        published="2024-06-18T08:05:33+07:00", modified="2024-06-18T09:12:08+07:00",
        categories=["This Week"], author=("Souphaphone Keomany", "souphaphone-k"),
        relative_date=True,
        featured=Figure("vientiane-flood-preparedness", "Workers clearing a drainage canal in Vientiane",
                        "Workers clear a drainage canal in Vientiane ahead of heavy rain."),
        body=[
            "Authorities in Vientiane Capital have launched a drive to prepare neighborhoods for flooding as "
            "the rainy season gets under way, clearing drains and canals and checking pumping stations.",
            "Village chiefs have been asked to identify families living in low-lying areas and to plan where "
            "residents and their belongings can be moved if water levels rise quickly.",
            "The city&#8217;s public works department said it had repaired several sections of drainage "
            "channels that overflowed last year and would keep teams on standby during heavy storms.",
            "Residents are being urged not to dump waste into drains, which officials say is one of the main "
            "causes of flash flooding in the city center.",
        ],
    ),
]


MO_HOST = "mekongobserver.example"
MO_CAPTURE = parse_local("2024-06-20T10:30:00+07:00")
MO_CATEGORIES: dict[str, str] = {"Agriculture": "agriculture", "Business": "business", "Cities": "cities",
                                 "Environment": "environment", "Region": "region"}

MO_POSTS: list[TdPost] = [
    TdPost(
        post_id=2211, slug="fishing-communities-prepare-for-low-water-on-the-mekong",
        title="Fishing Communities Prepare for Low Water on the Mekong",
        published="2024-05-14T09:30:00+07:00", modified="2024-05-14T11:02:45+07:00",
        categories=["Environment", "Region"], author=("Mara Chen", "mara-chen"),
        featured=Figure("mekong-low-water", "Fishing boats moored on a sandbank", "Boats moored on a sandbank "
                        "exposed by low water."),
        body=[
            "Fishing families along the middle stretch of the Mekong say they are adjusting their nets and "
            "routines as the river runs lower than usual for the time of year.",
            "Several village heads said catches of small fish had fallen and that some families had turned to "
            "vegetable gardens on exposed riverbanks to make up for lost income.",
            "Researchers working with the communities are recording water levels and catches each week, hoping "
            "the data will help local authorities plan support during dry spells.",
            "&#8220;The river is still the center of our lives,&#8221; one fisherman told The Mekong Observer. "
            "&#8220;We just need to know earlier what to expect.&#8221;",
        ],
    ),
    TdPost(
        post_id=2248, slug="cross-border-rail-freight-grows-between-laos-and-thailand",
        title="Cross-Border Rail Freight Grows Between Laos and Thailand",
        published="2024-05-29T14:15:20+07:00", modified="2024-05-29T15:00:00+07:00",
        categories=["Business"], author=("Tomas Varga", "tomas-varga"),
        body=[
            "Freight volumes on the short rail link across the Mekong between Laos and Thailand have grown "
            "steadily this year, according to operators, as shippers combine it with the railway to China.",
            "Logistics firms say the main bottleneck is now the transfer between the two railways&#8217; "
            "different track gauges, which requires containers to be lifted from one train to another.",
            "A new transfer yard is under construction and is expected to shorten handling times once it opens.",
            "Exporters of fruit, rubber and cassava are among the main users of the route.",
        ],
    ),
    TdPost(
        post_id=2290, slug="phnom-penh-opens-new-river-ferry-terminal",
        title="Phnom Penh Opens New River Ferry Terminal",
        published="2024-06-11T08:45:00+07:00", modified="2024-06-11T09:30:12+07:00",
        categories=["Cities"], author=("Mara Chen", "mara-chen"),
        featured=Figure("phnom-penh-ferry-terminal", "Passengers boarding a river ferry", "Passengers board a "
                        "ferry at the new terminal."),
        body=[
            "A new passenger terminal for river ferries has opened on the Phnom Penh riverfront, offering "
            "covered waiting areas, ticket counters and step-free access to the boats.",
            "City officials said the ferries are meant to ease road traffic by giving commuters from "
            "riverside districts a faster way into the center.",
            "Fares have been kept low during the first months of operation, and timetables are posted at the "
            "terminal and online.",
            "Operators plan to add evening services if demand holds up through the rainy season.",
            "Residents interviewed at the opening said they hoped the service would also run on public holidays.",
        ],
    ),
    TdPost(
        post_id=2317, slug="rice-traders-expect-strong-harvest-in-the-mekong-delta",
        title="Rice Traders Expect Strong Harvest in the Mekong Delta",
        published="2024-06-19T16:20:05+07:00", modified="2024-06-19T17:41:30+07:00",
        categories=["Agriculture", "Business"], author=("Tomas Varga", "tomas-varga"),
        body=[
            "Rice traders in the Mekong Delta expect a strong summer-autumn harvest after favorable weather "
            "in recent weeks, though they warn that prices depend heavily on export demand.",
            "Farmers have planted more high-quality fragrant varieties this season, hoping to benefit from "
            "premium prices in Asian and European markets.",
            "Agricultural officials advised farmers to stagger their harvests to avoid shortages of drying "
            "and storage capacity.",
            "Traders said shipping costs and exchange rates would decide how much of the crop is sold abroad.",
        ],
    ),
]


# --------------------------------------------------------------------------------------------------------------
# tagDiv sites: rendering (shared between the tdb and the classic single templates)
# --------------------------------------------------------------------------------------------------------------

@dataclass
class TdSite:
    """Presentation settings of one tagDiv site."""

    site: Site
    name: str                       # og:site_name
    title_sep: str                  # between post title and site name in <title>
    tagline: str
    description: str
    capture: datetime               # when the demo snapshot was "taken" (header date, relative dates)
    weather: tuple[str, str, str, str]   # (degrees, unit, city, icon class)
    categories: dict[str, str]
    posts: list[TdPost]
    logo: str
    social: list[tuple[str, str]]   # (network, url)
    top_menu: list[tuple[str, str]]
    main_menu: list[tuple[str, str, list[tuple[str, str]]]]   # (label, url, submenu)
    ads: list[tuple[str, str]]      # (target url, image url) for a.td_spot_img_all
    org_id: str = ""
    template_id: int = 0
    counter: int = 0

    @property
    def base(self) -> str:
        return self.site.base

    def tdi(self) -> str:
        self.counter += 1
        return f"tdi_{self.counter}"

    def cat_url(self, name: str) -> str:
        return f"{self.base}/category/{self.categories[name]}/"

    def upload(self, dt: datetime, file: str, size: str = "") -> str:
        return f"{self.base}/wp-content/uploads/{dt:%Y/%m}/{file}{'-' + size if size else ''}.jpg"

    def live_posts(self) -> list[TdPost]:
        """Posts that render as articles, newest first."""
        return sorted((p for p in self.posts if not p.challenge), key=lambda p: p.pub_dt, reverse=True)

    def all_posts(self) -> list[TdPost]:
        return sorted(self.posts, key=lambda p: p.pub_dt, reverse=True)


def css(selector_rules: list[tuple[str, str]]) -> str:
    """A tdc-style inline <style> block (our own rules)."""
    body = "".join(f"{sel}{{\n{rules}\n}}" for sel, rules in selector_rules)
    return f"<style>\n/* custom css */\n{body}\n</style>"


def td_head(ts: TdSite, *, title: str, canonical: str, desc: str, og_type: str, post: TdPost | None,
            schema: dict, body_class: str, extra_meta: str = "") -> str:
    """<head> of a tagDiv page with Yoast meta and the theme's furniture, then the opening <body>."""
    b = ts.base
    meta = [
        '<meta name="robots" content="index, follow, max-image-preview:large, max-snippet:-1, '
        'max-video-preview:-1" />',
        f'<meta name="description" content="{esc(desc)}" />',
        f'<link rel="canonical" href="{canonical}" />',
        '<meta property="og:locale" content="en_US" />',
        f'<meta property="og:type" content="{og_type}" />',
        f'<meta property="og:title" content="{esc(title)}" />',
        f'<meta property="og:description" content="{esc(desc)}" />',
        f'<meta property="og:url" content="{canonical}" />',
        f'<meta property="og:site_name" content="{esc(ts.name)}" />',
    ]
    social = dict(ts.social)
    if post is not None:
        meta += [
            f'<meta property="article:publisher" content="{social.get("Facebook", "")}" />',
            f'<meta property="article:published_time" content="{utc_iso(post.pub_dt)}" />',
            f'<meta property="article:modified_time" content="{utc_iso(post.mod_dt)}" />',
        ]
        if post.featured:
            meta += [
                f'<meta property="og:image" content="{ts.upload(post.pub_dt, post.featured.file)}" />',
                '<meta property="og:image:width" content="1200" />',
                '<meta property="og:image:height" content="800" />',
                '<meta property="og:image:type" content="image/jpeg" />',
            ]
        words = word_count(post.body)
        meta += [
            f'<meta name="author" content="{esc(post.author[0])}" />',
            '<meta name="twitter:card" content="summary_large_image" />',
            '<meta name="twitter:label1" content="Written by" />',
            f'<meta name="twitter:data1" content="{esc(post.author[0])}" />',
            '<meta name="twitter:label2" content="Est. reading time" />',
            f'<meta name="twitter:data2" content="{max(1, round(words / 200))} minute'
            f'{"s" if round(words / 200) > 1 else ""}" />',
        ]
    plugins = ["td-composer/legacy/Newspaper/assets/css/td_legacy_main.css",
               "td-standard-pack/Newspaper/assets/css/td_standard_pack_main.css",
               "td-cloud-library/assets/css/tdb_main.css", "td-composer/assets/fonts/open-iconic/open-iconic.css",
               "td-newsletter/style.css"]
    links = [f'<link rel="stylesheet" id="td-plugin-{i}-css" href="{b}/wp-content/plugins/{p}?ver=12.6.5" '
             f'type="text/css" media="all" />' for i, p in enumerate(plugins)]
    links.append(f'<link rel="stylesheet" id="td-theme-css" href="{b}/wp-content/themes/Newspaper/style.css'
                 f'?ver=12.6.5" type="text/css" media="all" />')
    scripts = [f'<script type="text/javascript" src="{b}/wp-includes/js/jquery/{j}" id="{i}-js"></script>'
               for i, j in (("jquery-core", "jquery.min.js?ver=3.7.1"),
                            ("jquery-migrate", "jquery-migrate.min.js?ver=3.4.1"))]
    td_vars = {
        "tdBlocksArray": [], "td_ajax_url": f"{b}/wp-admin/admin-ajax.php?td_theme_name=Newspaper&v=12.6.5",
        "td_get_template_directory_uri": f"{b}/wp-content/plugins/td-composer/legacy/common",
        "tds_snap_menu": "", "tds_logo_on_sticky": "", "tds_header_style": "", "td_please_wait": "Please wait...",
        "td_email_user_pass_incorrect": "User or password incorrect!", "td_email_user_incorrect":
        "Email or username incorrect!", "td_email_incorrect": "Email incorrect!", "td_user_incorrect":
        "Username incorrect!", "td_email_user_empty": "Email or username empty!", "td_pass_empty": "Pass empty!",
        "td_pass_pattern_incorrect": "Invalid Pass Pattern!", "td_retype_pass_incorrect":
        "Retyped Pass incorrect!", "tds_more_articles_on_post_enable": "", "tds_more_articles_on_post_time_to_wait":
        "", "tds_more_articles_on_post_pages_distance_from_top": 0, "tds_captcha": "", "tds_theme_color_site_wide":
        "#c4161c", "tds_smart_sidebar": "", "tdThemeName": "Newspaper", "tdThemeNameWl": "Newspaper",
        "td_magnific_popup_translation_tPrev": "Previous (Left arrow key)", "td_magnific_popup_translation_tNext":
        "Next (Right arrow key)", "td_magnific_popup_translation_tCounter": "%curr% of %total%",
        "td_magnific_popup_translation_ajax_tError": "The content from %url% could not be loaded.",
        "td_magnific_popup_translation_image_tError": "The image #%curr% could not be loaded.", "tdsDateFormat":
        "l, F j, Y", "tdDateNamesI18n": {"month_names": MONTHS, "month_names_short": [m[:3] for m in MONTHS],
                                         "day_names": DAYS[6:] + DAYS[:6],
                                         "day_names_short": [d[:3] for d in DAYS[6:] + DAYS[:6]]},
        "tdb_modal_confirm": "Save", "tdb_modal_cancel": "Cancel", "tdb_modal_confirm_alt": "Yes",
        "tdb_modal_cancel_alt": "No", "td_deploy_mode": "deploy", "td_ad_background_click_link": "",
        "td_ad_background_click_target": "",
    }
    td_js = "\n".join(f"var {k}={json.dumps(v, ensure_ascii=False)};" for k, v in td_vars.items())
    global_css = css([
        (":root", "--td_theme_color: #c4161c;\n--td_slider_text: rgba(196,22,28,0.7);\n"
                  "--td_header_color: #1c1c1c;\n--td_text_header_color: #ffffff;"),
        (".td-header-wrap .td-header-top-menu-full, .td-header-wrap .top-header-menu .sub-menu",
         "background-color: #1c1c1c;"),
        ("body, p", "font-family: 'Source Serif Pro', Georgia, serif;\nfont-size: 17px;\nline-height: 28px;"),
        (".td-post-content p, .tdb_single_content p", "margin-bottom: 22px;"),
        (".td_spot_img_all img", "max-width: 100%;\nheight: auto;"),
        (".tdb-head-date-txt, .tdb-weather-city", "text-transform: uppercase;\nletter-spacing: .5px;"),
    ])
    generator = ('<meta name="generator" content="WordPress 6.5.4" />\n'
                 f'<link rel="shortlink" href="{b}/?p={post.post_id}" />' if post else
                 '<meta name="generator" content="WordPress 6.5.4" />')
    return f"""<!doctype html >
<!--[if IE 8]>    <html class="ie8" lang="en"> <![endif]-->
<!--[if IE 9]>    <html class="ie9" lang="en"> <![endif]-->
<!--[if gt IE 8]><!--> <html lang="en-US"> <!--<![endif]-->
<head>
    <title>{wp(title)}{ts.title_sep}{wp(ts.name)}</title>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <link rel="pingback" href="{b}/xmlrpc.php" />
    <link rel="icon" type="image/png" href="{b}/wp-content/uploads/2021/03/favicon.png">
{chr(10).join(meta)}
{extra_meta}<script type="application/ld+json" class="yoast-schema-graph">{json.dumps(schema, ensure_ascii=False, separators=(",", ":"))}</script>
<link rel='dns-prefetch' href='//fonts.googleapis.com' />
<link rel="alternate" type="application/rss+xml" title="{esc(ts.name)} &raquo; Feed" href="{b}/feed/" />
<link rel="alternate" type="application/rss+xml" title="{esc(ts.name)} &raquo; Comments Feed" href="{b}/comments/feed/" />
{chr(10).join(links)}
{chr(10).join(scripts)}
<link rel="https://api.w.org/" href="{b}/wp-json/" />
{generator}
<!-- JS generated by theme -->
<script>
{td_js}
</script>
{global_css}
</head>

<body class="{body_class} td-standard-pack global-block-template-1 tdb_template_{ts.template_id} tdb-template td-full-layout" itemscope="itemscope" itemtype="https://schema.org/WebPage">
"""


def td_social_icons(ts: TdSite) -> str:
    return "".join(
        f'<span class="td-social-icon-wrap"><a target="_blank" href="{url}" title="{net}">'
        f'<i class="td-icon-font td-icon-{net.lower()}"></i><span style="display: none">{net}</span></a></span>'
        for net, url in ts.social)


def td_menu_items(ts: TdSite, *, tdb: bool, current: set[str]) -> str:
    out = []
    item_id = 1000
    for label, url, sub in ts.main_menu:
        item_id += 7
        cls = "menu-item menu-item-type-taxonomy menu-item-object-category"
        if sub:
            cls += " menu-item-has-children"
        if label in current:
            cls += " current-post-ancestor current-menu-parent current-post-parent"
        cls += f" td-menu-item td-normal-menu menu-item-{item_id}" if not tdb else \
            f" tdb-cur-menu-item tdb-menu-item-button tdb-menu-item tdb-normal-menu menu-item-{item_id}"
        text = f'<div class="tdb-menu-item-text">{wp(label)}</div>' if tdb else wp(label)
        icon = '<i class="tdb-sub-menu-icon td-icon-down tdb-main-sub-menu-icon"></i>' if (tdb and sub) else ""
        subs = ""
        if sub:
            lis = []
            for j, (sl, su) in enumerate(sub):
                stext = f'<div class="tdb-menu-item-text">{wp(sl)}</div>' if tdb else wp(sl)
                lis.append(f'<li class="menu-item menu-item-type-taxonomy menu-item-object-category '
                           f'{"tdb-menu-item tdb-normal-menu" if tdb else "td-menu-item td-normal-menu"} '
                           f'menu-item-{item_id * 10 + j}"><a href="{su}">{stext}</a></li>')
            subs = f'<ul class="sub-menu">{"".join(lis)}</ul>'
        out.append(f'<li class="{cls}"><a href="{url}">{text}{icon}</a>{subs}</li>')
    return "".join(out)


def td_mobile_nav(ts: TdSite) -> str:
    b = ts.base
    return f"""<div class="td-scroll-up  td-hide-scroll-up-on-mob" data-style="style1"><i class="td-icon-menu-up"></i></div>
<div class="td-menu-background" style="visibility:hidden"></div>
<div id="td-mobile-nav" style="visibility:hidden">
<div class="td-mobile-container">
<div class="td-menu-socials-wrap"><div class="td-menu-socials">{td_social_icons(ts)}</div>
<div class="td-mobile-close"><span><i class="td-icon-close-mobile"></i></span></div></div>
<div class="td-menu-login-section"><div class="td-guest-wrap"><div class="td-menu-login"><a id="login-link-mob">Sign in</a></div></div></div>
<div class="td-mobile-content"><div class="menu-main-menu-container"><ul id="menu-main-menu" class="td-mobile-main-menu">{td_menu_items(ts, tdb=False, current=set())}</ul></div></div>
</div>
<div id="login-form-mobile" class="td-register-section">
<div id="td-login-mob" class="td-login-animation td-login-hide-mob">
<div class="td-login-close"><span class="td-back-button"><i class="td-icon-read-down"></i></span><div class="td-login-title">Sign in</div>
<div class="td-mobile-content-wrap"><div class="td-login-inputs"><input class="td-login-input" autocomplete="username" type="text" name="login_email" id="login_email-mob" value="" required><label for="login_email-mob">your username</label></div>
<div class="td-login-inputs"><input class="td-login-input" autocomplete="current-password" type="password" name="login_pass" id="login_pass-mob" value="" required><label for="login_pass-mob">your password</label></div>
<input type="button" name="login_button" id="login_button-mob" class="td-login-button" value="LOG IN">
<div class="td-login-info-text"><a href="#" id="forgot-pass-link-mob">Forgot your password?</a></div>
<div class="td-login-info-text"><a class="privacy-policy-link" href="{b}/privacy-policy/">Privacy Policy</a></div></div></div></div>
</div>
</div>
<div class="td-search-background" style="visibility:hidden"></div>
<div class="td-search-wrap-mob" style="visibility:hidden">
<div class="td-drop-down-search">
<form method="get" class="td-search-form" action="{b}/">
<div class="td-search-close"><span><i class="td-icon-close-mobile"></i></span></div>
<div role="search" class="td-search-input"><span>Search</span><input id="td-header-search-mob" type="text" value="" name="s" autocomplete="off" /></div>
</form>
<div id="td-aj-search-mob" class="td-ajax-search-flex"></div>
</div>
</div>
"""


def td_spot(ts: TdSite, n: int, cls: str = "td-a-rec td-a-rec-id-custom-spot td-a-rec-img") -> str:
    """An image ad as tagDiv's custom-spot block writes it (the source of stray "spot_img" text)."""
    target, img = ts.ads[n % len(ts.ads)]
    uid = ts.tdi()
    return (f'<div class="td_block_wrap {cls} {uid} td_block_template_1">'
            f'{css([(f".{uid}", "text-align: center !important;")])}'
            f'<div style="display: inline-block"><a href="{target}" target="_blank" rel="noopener" '
            f'class="td_spot_img_all"><img src="{img}"  alt="spot_img" width="728" height="90" /></a></div></div>')


def td_login_modal(ts: TdSite) -> str:
    return f"""<div id="login-form" class="white-popup-block mfp-hide mfp-with-anim td-login-modal-wrap">
<div class="td-login-wrap"><a href="#" aria-label="Back" class="td-back-button"><i class="td-icon-modal-back"></i></a>
<div id="td-login-div" class="td-login-form-div td-display-block"><div class="td-login-panel-title">Sign in</div>
<div class="td-login-panel-descr">Welcome! Log into your account</div><div class="td_display_err"></div>
<form id="loginForm" action="#" method="post"><div class="td-login-inputs"><input class="td-login-input" autocomplete="username" type="text" name="login_email" id="login_email" value="" required><label for="login_email">your username</label></div>
<div class="td-login-inputs"><input class="td-login-input" autocomplete="current-password" type="password" name="login_pass" id="login_pass" value="" required><label for="login_pass">your password</label></div>
<input type="button" name="login_button" id="login_button" class="wpb_button btn td-login-button" value="Login"></form>
<div class="td-login-info-text"><a href="#" id="forgot-pass-link">Forgot your password? Get help</a></div>
<div class="td-login-info-text"><a class="privacy-policy-link" href="{ts.base}/privacy-policy/">Privacy Policy</a></div></div>
<div id="td-forgot-pass-div" class="td-login-form-div td-display-none"><div class="td-login-panel-title">Password recovery</div>
<div class="td-login-panel-descr">Recover your password</div><div class="td_display_err"></div>
<form id="forgotpassForm" action="#" method="post"><div class="td-login-inputs"><input class="td-login-input" type="text" name="forgot_email" id="forgot_email" value="" required><label for="forgot_email">your email</label></div>
<input type="button" name="forgot_button" id="forgot_button" class="wpb_button btn td-login-button" value="Send My Password"></form>
<div class="td-login-info-text">A password will be e-mailed to you.</div></div></div></div>
"""


def tdb_block(ts: TdSite, kind: str, inner: str, extra_cls: str = "", rules: str = "") -> str:
    uid = ts.tdi()
    style = css([(f".{kind}", "margin-bottom: 0;\nclear: none;"), (f".{uid}", rules or "display: block;")])
    return (f'<div class="td_block_wrap {kind} {uid} td-pb-border-top td_block_template_1{extra_cls}" '
            f'data-td-block-uid="{uid}" >\n{style}\n{inner}</div>')


def tdb_row(ts: TdSite, columns: list[tuple[str, str]], row_cls: str = "") -> str:
    """A tdc row with columns given as (span class, inner html)."""
    rid, vid = ts.tdi(), ts.tdi()
    cols = []
    for span, inner in columns:
        cid = ts.tdi()
        cols.append(f'<div class="vc_column {cid}  wpb_column vc_column_container tdc-column {span}">\n'
                    f'{css([(f".{cid}", "vertical-align: baseline;")])}'
                    f'<div class="wpb_wrapper" >{inner}</div></div>')
    return (f'<div id="{rid}" class="tdc-row{row_cls}"><div class="vc_row {vid}  wpb_row td-pb-row" >\n'
            f'{css([(f".{vid}, .{vid} .tdc-columns", "min-height: 0;")])}{"".join(cols)}</div></div>')


def tdb_header(ts: TdSite, current: set[str]) -> str:
    """Desktop + mobile header built with tdb header blocks: weather, logo, date, menus, top ad."""
    b = ts.base
    deg, unit, city, icon = ts.weather
    logo = (f'<div class="tdb-block-inner td-fix-index"><a class="tdb-logo-a" href="{b}/">'
            f'<span class="tdb-logo-img-wrap"><img class="tdb-logo-img td-retina-data" src="{ts.logo}" '
            f'alt="{esc(ts.name)}"  title="{esc(ts.name)}"  width="544" height="180" /></span>'
            f'<span class="tdb-logo-text-wrap"><span class="tdb-logo-text-title">{wp(ts.name)}</span>'
            f'<span class="tdb-logo-text-tagline">{wp(ts.tagline)}</span></span></a></div>')
    mobile = tdb_row(ts, [("td-pb-span12",
                           tdb_block(ts, "tdb_header_logo", logo, " tdb-header-align")
                           + tdb_block(ts, "tdb_mobile_menu", '<div class="tdb-block-inner td-fix-index">'
                                       '<span class="tdb-mobile-menu-button"><i class="tdb-mobile-menu-icon '
                                       'td-icon-mobile"></i></span></div>', " tdb-header-align")
                           + tdb_block(ts, "tdb_mobile_search", '<div class="tdb-block-inner td-fix-index">'
                                       '<span class="tdb-header-search-button-mob dropdown-toggle">'
                                       '<i class="tdb-mobile-search-icon td-icon-search"></i></span></div>',
                                       " tdb-header-align"))])
    top_links = "".join(f'<li class="menu-item menu-item-type-post_type menu-item-object-page"><a href="{u}">'
                        f'<div class="tdb-menu-item-text">{wp(t)}</div></a></li>' for t, u in ts.top_menu)
    weather = (f'<div class="tdb-block-inner td-fix-index"> <i class="td-icons {icon}"></i>\n'
               f'<div class="tdb-weather-deg-wrap" data-block-uid="tdb_header_weather_uid">\n'
               f'<span class="tdb-weather-deg">{deg}</span>\n<span class="tdb-weather-unit">{unit}</span>\n'
               f'</div>\n<div class="tdb-weather-city">{esc(city)}</div>\n</div>')
    date = f'<div class="tdb-block-inner td-fix-index"><div class="tdb-head-date-txt">{header_date(ts.capture)}</div></div>'
    search = (f'<div class="tdb-block-inner td-fix-index"><div class="tdb-drop-down-search" aria-labelledby='
              f'"td-header-search-button"><div class="tdb-drop-down-search-inner"><form method="get" '
              f'class="tdb-search-form" action="{b}/"><div class="tdb-search-form-inner"><input class='
              f'"tdb-head-search-form-input" placeholder=" " type="text" value="" name="s" autocomplete="off" />'
              f'<button class="wpb_button wpb_btn-inverse btn tdb-head-search-form-btn" title="Search" '
              f'type="submit" aria-label="Search"><span>Search</span></button></div></form>'
              f'<div class="tdb-aj-search"></div></div></div><a href="#" role="button" aria-label="Search" '
              f'class="tdb-head-search-btn dropdown-toggle" data-toggle="dropdown"><i class="tdb-search-icon '
              f'td-icon-search"></i></a></div>')
    menu_ul = (f'<div id="{{uid}}" class="td_block_inner td-fix-index"><div class="tdb-main-sub-icon-fake">'
               f'<i class="tdb-sub-menu-icon td-icon-down tdb-main-sub-menu-icon"></i></div><div class='
               f'"tdb-sub-icon-fake"><i class="tdb-sub-menu-icon td-icon-right"></i></div><ul id="menu-main-'
               f'menu-{{n}}" class="tdb-block-menu tdb-menu tdb-menu-items-visible">'
               f'{td_menu_items(ts, tdb=True, current=current)}</ul></div>')
    desktop = (
        tdb_row(ts, [("td-pb-span12",
                      tdb_block(ts, "tdb_header_menu", f'<div class="tdb-block-inner td-fix-index"><ul class='
                                f'"tdb-block-menu tdb-menu">{top_links}</ul></div>', " tdb-header-align")
                      + tdb_block(ts, "tdb_header_user", '<div class="tdb-block-inner td-fix-index"><a class='
                                  '"td-login-modal-js tdb-head-usr-item tdb-head-usr-log" href="#login-form" '
                                  'data-effect="mpf-td-login-effect"><span class="tdb-head-usr-log-txt">Sign in '
                                  '/ Join</span></a></div>', " tdb-header-align")
                      + tdb_block(ts, "tdb_header_socials", f'<div class="tdb-block-inner td-fix-index">'
                                  f'{td_social_icons(ts)}</div>', " tdb-header-align"))],
                " stretch_row_1400 td-stretch-content")
        + tdb_row(ts, [("td-pb-span4", tdb_block(ts, "tdb_header_weather", weather, " tdb-header-align")),
                       ("td-pb-span4", tdb_block(ts, "tdb_header_logo", logo, " tdb-header-align")),
                       ("td-pb-span4", tdb_block(ts, "tdb_header_date", date, " tdb-header-align"))],
                  " stretch_row_1400 td-stretch-content")
        + tdb_row(ts, [("td-pb-span12",
                        tdb_block(ts, "tdb_header_search", search, " tdb-header-align")
                        + tdb_block(ts, "tdb_header_menu", menu_ul.replace("{uid}", "menu-d").replace("{n}", "1"),
                                    " tds_menu_active1 tds_menu_sub_active1 tdb-mm-align-screen"))],
                  " stretch_row_1400 td-stretch-content")
        + tdb_row(ts, [("td-pb-span12", td_spot(ts, 0))]))
    sticky = tdb_row(ts, [("td-pb-span12",
                           tdb_block(ts, "tdb_header_logo", logo, " tdb-header-align")
                           + tdb_block(ts, "tdb_header_menu", menu_ul.replace("{uid}", "menu-s").replace("{n}", "2"),
                                       " tds_menu_active1 tds_menu_sub_active1 tdb-head-menu-inline"))])
    return f"""<div id="td-outer-wrap" class="td-theme-wrap">
<div class="td-header-template-wrap" style="position: relative">
<div class="td-header-mobile-wrap "><div id="{ts.tdi()}" class="tdc-zone"><div class="tdc_zone {ts.tdi()}  wpb_row td-pb-row tdc-element-style"  >
{mobile}</div></div></div>
<div class="td-header-desktop-wrap ">
{td_login_modal(ts)}<div id="{ts.tdi()}" class="tdc-zone"><div class="tdc_zone {ts.tdi()}  wpb_row td-pb-row tdc-element-style"  >
{desktop}</div></div></div>
<div class="td-header-desktop-sticky-wrap tdc-zone-sticky-invisible tdc-zone-sticky-inactive" style="height:60px">
<div id="{ts.tdi()}" class="tdc-zone"><div class="tdc_zone {ts.tdi()}  wpb_row td-pb-row tdc-element-style" data-sticky-offset="0" >
{sticky}</div></div></div>
</div>
"""


def tdb_footer(ts: TdSite) -> str:
    b = ts.base
    cats = "".join(f'<li class="menu-item menu-item-type-taxonomy menu-item-object-category"><a href="'
                   f'{ts.cat_url(c)}"><div class="tdb-menu-item-text">{wp(c)}</div></a></li>'
                   for c in ts.categories)
    about = [("About Us", f"{b}/about-us/"), ("Advertise", f"{b}/advertise/"), ("Contact", f"{b}/contact/"),
             ("Privacy Policy", f"{b}/privacy-policy/"), ("Terms of Use", f"{b}/terms-of-use/")]
    about_ul = "".join(f'<li class="menu-item menu-item-type-post_type menu-item-object-page"><a href="{u}">'
                       f'<div class="tdb-menu-item-text">{t}</div></a></li>' for t, u in about)
    title = lambda t: (f'<div class="td_block_wrap td_block_title {ts.tdi()} td-pb-border-top td_block_template_2 '  # noqa: E731
                       f'td-fix-index"><div class="td-block-title-wrap"><h4 class="td-block-title"><span>{t}'
                       f'</span></h4></div></div>')
    row = tdb_row(ts, [
        ("td-pb-span4", tdb_block(ts, "tdb_header_logo", f'<div class="tdb-block-inner td-fix-index"><a class='
                                  f'"tdb-logo-a" href="{b}/"><span class="tdb-logo-img-wrap"><img class='
                                  f'"tdb-logo-img" src="{ts.logo}" alt="{esc(ts.name)}" /></span></a></div>')
         + f'<div class="tdm_block td_block_wrap tdm_block_inline_text {ts.tdi()} td-pb-border-top '
           f'td_block_template_1"><p class="tdm-descr">{wp(ts.description)}</p></div>'),
        ("td-pb-span4", title("Sections") + tdb_block(ts, "tdb_header_menu", f'<div class="tdb-block-inner '
                                                      f'td-fix-index"><ul class="tdb-block-menu tdb-menu">{cats}'
                                                      f'</ul></div>')),
        ("td-pb-span4", title("Company") + tdb_block(ts, "tdb_header_menu", f'<div class="tdb-block-inner '
                                                     f'td-fix-index"><ul class="tdb-block-menu tdb-menu">'
                                                     f'{about_ul}</ul></div>')
         + tdb_block(ts, "tdb_header_socials", f'<div class="tdb-block-inner td-fix-index">{td_social_icons(ts)}'
                     f'</div>')),
    ], " stretch_row_1400 td-stretch-content")
    copy = tdb_row(ts, [("td-pb-span12", f'<div class="tdm_block td_block_wrap tdm_block_inline_text {ts.tdi()} '
                                         f'td-pb-border-top td_block_template_1"><p class="tdm-descr">&copy; '
                                         f'{wp(ts.name)}. All rights reserved.</p></div>')])
    return f"""<div class="td-footer-template-wrap" style="position: relative">
<div class="td-footer-wrap "><div id="{ts.tdi()}" class="tdc-zone"><div class="tdc_zone {ts.tdi()}  wpb_row td-pb-row tdc-element-style"  >
{row}{copy}</div></div></div>
</div>
</div><!--close td-outer-wrap-->
<script type="text/javascript" src="{b}/wp-content/plugins/td-composer/legacy/Newspaper/js/tagdiv_theme.min.js?ver=12.6.5" id="td-site-min-js"></script>
<script type="text/javascript" src="{b}/wp-content/plugins/td-cloud-library/assets/js/js_files_for_front.min.js?ver=b33652f2" id="tdb_js_files_for_front-js"></script>
<script type="text/javascript" src="{b}/wp-includes/js/comment-reply.min.js?ver=6.5.4" id="comment-reply-js" async="async" data-wp-strategy="async"></script>
<!-- JS generated by theme -->
<script>
jQuery().ready(function jQueryReady() {{ tdAjaxCount.tdGetViewsCountsAjax("post", "[]"); }});
</script>
</body>
</html>
"""


def post_url(ts: TdSite, p: TdPost) -> str:
    return ts.base + p.path


def post_excerpt(p: TdPost, words: int = 24) -> str:
    if p.excerpt:
        return p.excerpt
    w = plain(p.body[0]).split()
    return " ".join(w[:words]) + ("&#8230;" if len(w) > words else "")


def yoast_graph(ts: TdSite, p: TdPost) -> dict:
    """Yoast SEO schema graph of a post (dates in UTC, as Yoast writes them)."""
    b, url = ts.base, post_url(ts, p)
    person = f"{b}/#/schema/person/{fake_hex(p.author[1], 32)}"
    img = ts.upload(p.pub_dt, p.featured.file) if p.featured else None
    article = {
        "@type": "Article", "@id": f"{url}#article", "isPartOf": {"@id": url},
        "author": {"name": p.author[0], "@id": person}, "headline": p.title,
        "datePublished": utc_iso(p.pub_dt), "dateModified": utc_iso(p.mod_dt), "mainEntityOfPage": {"@id": url},
        "wordCount": word_count(p.body), "commentCount": 0, "publisher": {"@id": f"{b}/#organization"},
    }
    if img:
        article["image"] = {"@id": f"{url}#primaryimage"}
        article["thumbnailUrl"] = img
    article["articleSection"] = p.categories
    article["inLanguage"] = "en-US"
    article["potentialAction"] = [{"@type": "CommentAction", "name": "Comment", "target": [f"{url}#respond"]}]
    webpage = {
        "@type": "WebPage", "@id": url, "url": url, "name": f"{p.title}{ts.title_sep}{ts.name}",
        "isPartOf": {"@id": f"{b}/#website"},
    }
    if img:
        webpage.update({"primaryImageOfPage": {"@id": f"{url}#primaryimage"}, "image": {"@id": f"{url}#primaryimage"},
                        "thumbnailUrl": img})
    webpage.update({"datePublished": utc_iso(p.pub_dt), "dateModified": utc_iso(p.mod_dt),
                    "description": plain(post_excerpt(p, 30)), "breadcrumb": {"@id": f"{url}#breadcrumb"},
                    "inLanguage": "en-US", "potentialAction": [{"@type": "ReadAction", "target": [url]}]})
    graph: list[dict] = [article, webpage]
    if img and p.featured:
        graph.append({"@type": "ImageObject", "inLanguage": "en-US", "@id": f"{url}#primaryimage", "url": img,
                      "contentUrl": img, "width": 1200, "height": 800, "caption": plain(p.featured.caption)})
    graph += [
        {"@type": "BreadcrumbList", "@id": f"{url}#breadcrumb", "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{b}/"},
            {"@type": "ListItem", "position": 2, "name": p.categories[0], "item": ts.cat_url(p.categories[0])},
            {"@type": "ListItem", "position": 3, "name": p.title}]},
        {"@type": "WebSite", "@id": f"{b}/#website", "url": f"{b}/", "name": ts.name,
         "description": ts.tagline, "publisher": {"@id": f"{b}/#organization"},
         "potentialAction": [{"@type": "SearchAction", "target": {"@type": "EntryPoint",
                                                                  "urlTemplate": f"{b}/?s={{search_term_string}}"},
                              "query-input": {"@type": "PropertyValueSpecification", "valueRequired": True,
                                              "valueName": "search_term_string"}}],
         "inLanguage": "en-US"},
        {"@type": "Organization", "@id": f"{b}/#organization", "name": ts.name, "url": f"{b}/",
         "logo": {"@type": "ImageObject", "inLanguage": "en-US", "@id": f"{b}/#/schema/logo/image/",
                  "url": ts.logo, "contentUrl": ts.logo, "width": 544, "height": 180, "caption": ts.name},
         "image": {"@id": f"{b}/#/schema/logo/image/"}, "sameAs": [u for _, u in ts.social]},
        {"@type": "Person", "@id": person, "name": p.author[0],
         "url": f"{b}/author/{p.author[1]}/"},
    ]
    return {"@context": "https://schema.org", "@graph": graph}


def listing_graph(ts: TdSite, url: str, name: str) -> dict:
    b = ts.base
    return {"@context": "https://schema.org", "@graph": [
        {"@type": "CollectionPage", "@id": url, "url": url, "name": f"{name}{ts.title_sep}{ts.name}",
         "isPartOf": {"@id": f"{b}/#website"}, "breadcrumb": {"@id": f"{url}#breadcrumb"}, "inLanguage": "en-US"},
        {"@type": "BreadcrumbList", "@id": f"{url}#breadcrumb", "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{b}/"},
            {"@type": "ListItem", "position": 2, "name": name}]},
        {"@type": "WebSite", "@id": f"{b}/#website", "url": f"{b}/", "name": ts.name, "description": ts.tagline,
         "inLanguage": "en-US"},
    ]}


def share_block(ts: TdSite, p: TdPost, where: str) -> str:
    url = quote(post_url(ts, p), safe="")
    text = quote_plus(p.title)
    nets = [("facebook", "Facebook", f"https://www.facebook.com/sharer.php?u={url}"),
            ("twitter", "Twitter", f"https://twitter.com/intent/tweet?text={text}&amp;url={url}"),
            ("whatsapp", "WhatsApp", f"https://api.whatsapp.com/send?text={text}%20%0A%0A%20{url}"),
            ("linkedin", "Linkedin", f"https://www.linkedin.com/shareArticle?mini=true&amp;url={url}&amp;title={text}"),
            ("mail", "Email", f"mailto:?subject={text}&amp;body={url}"),
            ("print", "Print", "#")]
    buttons = "".join(
        f'<a class="td-social-sharing-button td-social-sharing-button-js td-social-network td-social-{k}" '
        f'href="{u}" title="{t}" ><div class="td-social-but-icon"><i class="td-icon-{k}"></i></div>'
        f'<div class="td-social-but-text">{t}</div></a>' for k, t, u in nets)
    return (f'<div id="{where}" class="td-post-sharing tdb-block td-ps-bg td-ps-notext td-post-sharing-style1 ">'
            f'<div class="td-post-sharing-visible"><div class="td-social-sharing-button td-social-sharing-button-js '
            f'td-social-handler td-social-share-text"><div class="td-social-but-icon"><i class="td-icon-share"></i>'
            f'</div><div class="td-social-but-text">Share</div></div>{buttons}</div><div class="td-social-sharing-'
            f'hidden"><ul class="td-pulldown-filter-list"></ul><a class="td-social-sharing-button td-social-handler '
            f'td-social-expand-tabs" href="#" data-block-uid="{where}" title="More"><div class="td-social-but-icon">'
            f'<i class="td-icon-plus td-social-expand-tabs-icon"></i></div></a></div></div>')


def flex_module(ts: TdSite, p: TdPost, date_text: str, *, with_cat: bool = False, excerpt: bool = False) -> str:
    url = post_url(ts, p)
    thumb = ts.upload(p.pub_dt, p.featured.file if p.featured else "placeholder", "324x400")
    cat = (f'<a href="{ts.cat_url(p.categories[0])}" class="td-post-category" >{wp(p.categories[0])}</a>'
           if with_cat else "")
    exc = f'<div class="td-excerpt">{post_excerpt(p)}</div>' if excerpt else ""
    return (f'<div class="td_module_flex td_module_flex_1 td_module_wrap td-animation-stack td-cpt-post">\n'
            f'<div class="td-module-container td-category-pos-above">\n<div class="td-image-container">\n'
            f'<div class="td-module-thumb"><a href="{url}"  rel="bookmark" class="td-image-wrap " title="'
            f'{wp(p.title)}" ><span class="entry-thumb td-thumb-css " style="background-image: url(\'{thumb}\')">'
            f'</span></a></div> </div>\n<div class="td-module-meta-info">\n{cat}'
            f'<h3 class="entry-title td-module-title"><a href="{url}"  rel="bookmark" title="{wp(p.title)}">'
            f'{wp(p.title)}</a></h3>\n<div class="td-editor-date">\n<span class="td-author-date">\n'
            f'<span class="td-post-date"><time class="entry-date updated td-module-date" datetime="{p.published}" '
            f'>{date_text}</time></span> </span>\n</div>\n{exc}</div>\n</div>\n</div>\n')


def flex_block(ts: TdSite, title: str, modules: str, extra: str = "") -> str:
    uid = ts.tdi()
    block_js = (f'<script>var block_{uid} = new tdBlock();\nblock_{uid}.id = "{uid}";\n'
                f'block_{uid}.atts = {json.dumps(json.dumps({"modules_on_row": "", "limit": "4", "block_type": "td_flex_block_1", "separator": "", "custom_title": title}))};\n'
                f'block_{uid}.td_column_number = "1";\nblock_{uid}.block_type = "td_flex_block_1";\n'
                f'tdBlocksArray.push(block_{uid});\n</script>')
    head = (f'<div class="td-block-title-wrap"><h4 class="td-block-title"><span class="td-pulldown-size">'
            f'{wp(title)}</span></h4></div>' if title else '<div class="td-block-title-wrap"></div>')
    return (f'<div class="td_block_wrap td_flex_block_1 {uid} td_with_ajax_pagination td-pb-border-top '
            f'td_block_template_1 td_flex_block{extra}" data-td-block-uid="{uid}" >\n'
            f'{css([(f".{uid} .td-module-title", "font-size: 15px; line-height: 1.3;")])}'
            f'{block_js}{head}<div id={uid} class="td_block_inner td-mc1-wrap">\n{modules}</div></div>')


def just_in(ts: TdSite) -> str:
    """Sidebar "Just In" module: relative dates ("6 hours ago") for the newest posts."""
    mods = "".join(flex_module(ts, p, ago(p.pub_dt, ts.capture)) for p in ts.live_posts()[:4])
    return flex_block(ts, "Just In", mods, " td-column-1")


def newsletter(ts: TdSite) -> str:
    uid = ts.tdi()
    return (f'<div class="tdm_block td_block_wrap tdn_block_newsletter_subscribe {uid} tds_newsletter8_block '
            f'tdn-content-horiz-left td-pb-border-top td_block_template_1  td-fix-index" data-td-block-uid="{uid}">'
            f'<div class="tds-newsletter tds-newsletter8 {ts.tdi()} tdn-style-dark td-fix-index"><div class="tdn-info'
            f'-wrap"><div class="tdn-info"><h3 class="tdn-title">Get the {wp(ts.name)} newsletter</h3><p class="tdn-'
            f'descr">The day&#8217;s top stories, every morning in your inbox.</p></div><form class="tdn-form" '
            f'action="#" method="post"><div class="tdn-email-bar"><div class="tdn-input-wrap"><input type="email" '
            f'name="email" aria-label="email" placeholder="Your email address" required></div><div class="tdn-btn-'
            f'wrap"><button class="tdn-submit-btn" type="submit" name="subscribe">Subscribe</button></div></div>'
            f'</form></div></div></div>')


def sidebar(ts: TdSite) -> str:
    return just_in(ts) + td_spot(ts, 1) + newsletter(ts) + td_spot(ts, 2)


def comments_form(ts: TdSite, p: TdPost) -> str:
    return (f'<div class="comments" id="comments"><div id="respond" class="comment-respond"><h3 id="reply-title" '
            f'class="comment-reply-title">LEAVE A REPLY <small><a rel="nofollow" id="cancel-comment-reply-link" '
            f'href="{p.path}#respond" style="display:none;">Cancel reply</a></small></h3><form action="'
            f'{ts.base}/wp-comments-post.php" method="post" id="commentform" class="comment-form" novalidate><div '
            f'class="clearfix"></div><div class="comment-form-input-wrap td-form-comment"><textarea placeholder='
            f'"Comment:" id="comment" name="comment" cols="45" rows="8" aria-required="true"></textarea><div class='
            f'"td-warning-comment">Please enter your comment!</div></div><div class="comment-form-input-wrap '
            f'td-form-author"><input class="" id="author" name="author" placeholder="Name:*" type="text" value="" '
            f'size="30"  aria-required=\'true\' /><div class="td-warning-author">Please enter your name here</div>'
            f'</div><div class="comment-form-input-wrap td-form-email"><input class="" id="email" name="email" '
            f'placeholder="Email:*" type="text" value="" size="30"  aria-required=\'true\' /><div class="td-warning-'
            f'email-error">You have entered an incorrect email address!</div><div class="td-warning-email">Please '
            f'enter your email address here</div></div><p class="comment-form-cookies-consent"><input id="wp-comment'
            f'-cookies-consent" name="wp-comment-cookies-consent" type="checkbox" value="yes" /><label for="wp-'
            f'comment-cookies-consent">Save my name, email, and website in this browser for the next time I '
            f'comment.</label></p><p class="form-submit"><input name="submit" type="submit" id="submit" class='
            f'"submit" value="Post Comment" /> <input type=\'hidden\' name=\'comment_post_ID\' value=\'{p.post_id}\' '
            f'id=\'comment_post_ID\' /><input type=\'hidden\' name=\'comment_parent\' id=\'comment_parent\' value='
            f'\'0\' /></p></form></div></div>')


def content_ad(ts: TdSite, n: int, where: str) -> str:
    target, img = ts.ads[n % len(ts.ads)]
    return (f'<div class="td-a-rec td-a-rec-id-{where}  {ts.tdi()} td_block_template_1"><span class="td-adspot-'
            f'title">- Advertisement -</span><div style="display: inline-block"><a href="{target}" target="_blank" '
            f'rel="noopener" class="td_spot_img_all"><img src="{img}"  alt="spot_img" width="300" height="250" />'
            f'</a></div></div>')


def render_body(ts: TdSite, p: TdPost) -> str:
    """Entry content: paragraphs with an inline ad (and a captioned figure where the post has one)."""
    out = []
    for i, para in enumerate(p.body):
        out.append(f"<p>{wp_fragment(para)}</p>")
        if i == 1:
            out.append(content_ad(ts, i + p.post_id, "content_inline"))
        if p.inline_figure and p.inline_figure[0] == i:
            fig = p.inline_figure[1]
            src = ts.upload(p.pub_dt, fig.file, "1024x683")
            out.append(f'<figure class="wp-block-image size-large"><img decoding="async" width="1024" height="683" '
                       f'src="{src}" alt="{esc(fig.alt)}" class="wp-image-{p.post_id + 3}"/><figcaption class='
                       f'"wp-element-caption">{fig.caption}</figcaption></figure>')
    return "\n".join(out)


def neighbours(ts: TdSite, p: TdPost) -> tuple[TdPost | None, TdPost | None]:
    """(previous = older, next = newer) among all posts, as WordPress links them."""
    ordered = sorted(ts.posts, key=lambda q: q.pub_dt)
    i = ordered.index(p)
    return (ordered[i - 1] if i > 0 else None, ordered[i + 1] if i + 1 < len(ordered) else None)


def related(ts: TdSite, p: TdPost, n: int = 3) -> list[TdPost]:
    same = [q for q in ts.live_posts() if q is not p and set(q.categories) & set(p.categories)]
    rest = [q for q in ts.live_posts() if q is not p and q not in same]
    return (same + rest)[:n]


def render_tdb_post(ts: TdSite, p: TdPost) -> str:
    """A post in the tdb single template (The Laotian Times)."""
    b, url = ts.base, post_url(ts, p)
    head = td_head(ts, title=p.title, canonical=url, desc=plain(post_excerpt(p, 30)), og_type="article", post=p,
                   schema=yoast_graph(ts, p),
                   body_class=f"post-template-default single single-post postid-{p.post_id} single-format-standard "
                              f"{p.slug}")
    header = tdb_header(ts, set(p.categories))
    cats = "".join(f'<a class="tdb-entry-category" href="{ts.cat_url(c)}" ><span class="tdb-cat-bg"></span>'
                   f'{wp(c)}</a>' for c in p.categories)
    date_text = ago(p.pub_dt, ts.capture) if p.relative_date else long_date(p.pub_dt)
    crumbs = (f'<div class="tdb-block-inner td-fix-index"><span><a title="" class="tdb-entry-crumb" href="{b}/">'
              f'Home</a></span><i class="tdb-bread-sep td-icon-right"></i><span><a title="View all posts in '
              f'{esc(p.categories[0])}" class="tdb-entry-crumb" href="{ts.cat_url(p.categories[0])}">'
              f'{wp(p.categories[0])}</a></span><i class="tdb-bread-sep tdb-bred-no-url-last td-icon-right"></i>'
              f'<span class="tdb-bred-no-url-last">{wp(p.title)}</span></div>')
    author_url = f"{b}/author/{p.author[1]}/"
    avatar = f"https://secure.gravatar.com/avatar/{fake_hex(p.author[1], 32)}?s=96&#038;d=mm&#038;r=g"
    featured = ""
    if p.featured:
        featured = tdb_block(ts, "tdb_single_featured_image",
                             f'<div class="tdb-block-inner td-fix-index"><figure><img class="entry-thumb" src="'
                             f'{ts.upload(p.pub_dt, p.featured.file, "696x464")}" alt="{esc(p.featured.alt)}" '
                             f'title="{esc(p.featured.alt)}" width="696" height="464" /><figcaption class="tdb-'
                             f'caption-text">{p.featured.caption}</figcaption></figure></div>',
                             " tdb-content-horiz-left")
    prev_p, next_p = neighbours(ts, p)
    nav = ""
    if prev_p:
        nav += (f'<div class="tdb-next-post tdb-next-post-bg tdb-post-prev"><span>Previous article</span>'
                f'<a href="{post_url(ts, prev_p)}">{wp(prev_p.title)}</a></div>')
    if next_p:
        nav += (f'<div class="tdb-next-post tdb-next-post-bg tdb-post-next"><span>Next article</span>'
                f'<a href="{post_url(ts, next_p)}">{wp(next_p.title)}</a></div>')
    latest = ts.live_posts()[0]
    main_col = (
        tdb_block(ts, "tdb_single_categories", f'<div class="tdb-category td-fix-index">{cats}</div>')
        + tdb_block(ts, "tdb_title", f'<div class="tdb-block-inner td-fix-index"><h1 class="tdb-title-text">'
                                     f'{wp(p.title)}</h1><div></div><div class="tdb-title-line"></div></div>',
                    " tdb-single-title")
        + tdb_block(ts, "tdb_single_author", f'<div class="tdb-block-inner td-fix-index"><a class="tdb-author-photo" '
                                             f'href="{author_url}" title="{esc(p.author[0])}"><img alt=\'\' src=\''
                                             f'{avatar}\' class=\'avatar avatar-96 photo\' height=\'96\' width=\'96\' '
                                             f'loading=\'lazy\' decoding=\'async\'/></a><div class="tdb-author-name-'
                                             f'wrap"><span class="tdb-author-by">By</span> <a class="tdb-author-name" '
                                             f'href="{author_url}">{wp(p.author[0])}</a></div></div>',
                    " tdb-post-meta")
        + tdb_block(ts, "tdb_single_date", f'<div class="tdb-block-inner td-fix-index"><time class="entry-date '
                                           f'updated td-module-date" datetime="{p.published}" >{date_text}</time>'
                                           f'</div>', " tdb-post-meta")
        + tdb_block(ts, "tdb_single_post_share", share_block(ts, p, ts.tdi()))
        + featured
        + content_ad(ts, 3, "content_top")
        + tdb_block(ts, "tdb_single_content", f'<div class="tdb-block-inner td-fix-index">{render_body(ts, p)}\n'
                                              f'{content_ad(ts, 4, "content_bottom")}</div>',
                    " td-post-content tagdiv-type")
        + tdb_block(ts, "tdb_single_author_box", f'<div class="tdb-block-inner td-fix-index"><a href="{author_url}" '
                                                 f'class="tdb-author-photo" title="{esc(p.author[0])}"><img alt=\'\' '
                                                 f'src=\'{avatar}\' class=\'avatar avatar-500 photo\' height=\'500\' '
                                                 f'width=\'500\' /></a><div class="tdb-author-info"><a href="'
                                                 f'{author_url}" class="tdb-author-name">{wp(p.author[0])}</a><div '
                                                 f'class="tdb-author-descr">Reporter at {wp(ts.name)}.</div><div '
                                                 f'class="tdb-author-social"></div></div></div>',
                    " tdb-author-box tdb-content-vert-top")
        + tdb_block(ts, "tdb_single_post_share", share_block(ts, p, ts.tdi()))
        + tdb_block(ts, "tdb_single_next_prev", f'<div class="tdb-block-inner td-fix-index">{nav}</div>')
        + flex_block(ts, "Latest article", flex_module(ts, latest, long_date(latest.pub_dt), with_cat=True))
        + flex_block(ts, "More like this", "".join(flex_module(ts, q, long_date(q.pub_dt), with_cat=True)
                                                   for q in related(ts, p)), " tdb_single_related")
        + tdb_block(ts, "tdb_single_comments", f'<div class="tdb-block-inner td-fix-index">'
                                               f'{comments_form(ts, p)}</div>', " tdb-comm-layout3")
    )
    # The sidebar column comes first in the source and is shown on the right (row-reverse): its relative
    # "N hours ago" dates precede the article's own <time> in document order.
    body_row = tdb_row(ts, [("td-pb-span4 td-is-sticky", sidebar(ts)), ("td-pb-span8", main_col)],
                       " tdc-row-content-row-reverse")
    top_row = tdb_row(ts, [("td-pb-span12", tdb_block(ts, "tdb_breadcrumbs", crumbs) + td_spot(ts, 5))])
    page_meta = (f'<span class="td-page-meta" itemprop="author" itemscope itemtype="https://schema.org/Person">'
                 f'<meta itemprop="name" content="{esc(p.author[0])}"><meta itemprop="url" content="{author_url}">'
                 f'</span><meta itemprop="datePublished" content="{p.published}"><meta itemprop="dateModified" '
                 f'content="{p.modified}"><meta itemscope itemprop="mainEntityOfPage" itemType="https://schema.org/'
                 f'WebPage" itemid="{url}"/><meta itemprop="headline" content="{esc(p.title)}">')
    return (head + td_mobile_nav(ts) + header
            + f'<div id="tdb-autoload-article" data-autoload="off" data-autoload-org-post-id="{p.post_id}" '
              f'data-autoload-tpl-id="{ts.template_id}" data-autoload-type="" data-autoload-count="5" >\n'
              f'<div class="td-main-content-wrap td-container-wrap">\n<div class="tdc-content-wrap">\n'
              f'<article id="template-id-{ts.template_id}" class="post-{ts.template_id} tdb_templates type-tdb_'
              f'templates status-publish post" itemscope itemtype="https://schema.org/Article">\n'
              f'<div id="{ts.tdi()}" class="tdc-zone"><div class="tdc_zone {ts.tdi()}  wpb_row td-pb-row"  >\n'
              f'{top_row}\n{body_row}\n</div></div>\n{page_meta}\n</article>\n</div>\n</div>\n</div>\n'
            + tdb_footer(ts))


def page_nav(base_path_url: str, n: int, pages: int) -> str:
    """tagDiv numbered pagination."""
    if pages <= 1:
        return ""
    url = lambda k: base_path_url if k == 1 else f"{base_path_url}page/{k}/"  # noqa: E731
    out = ['<div class="page-nav td-pb-padding-side">']
    if n > 1:
        out.append(f'<a href="{url(n - 1)}"  aria-label="prev-page" ><i class="page-nav-icon td-icon-menu-left">'
                   f'</i></a>')
    for k in range(1, pages + 1):
        out.append(f'<span class="current">{k}</span>' if k == n else
                   f'<a href="{url(k)}" class="page" title="{k}">{k}</a>')
    if n < pages:
        out.append(f'<a href="{url(n + 1)}"  aria-label="next-page" ><i class="page-nav-icon td-icon-menu-right">'
                   f'</i></a>')
    out.append(f'<span class="pages">Page {n} of {pages}</span><div class="clearfix"></div></div>')
    return "".join(out)


def render_tdb_listing(ts: TdSite, *, heading: str, base_url: str, posts: list[TdPost], n: int, pages: int,
                       body_class: str, current: set[str]) -> str:
    """A category archive (or the home page) in the tdb category template."""
    page_url = base_url if n == 1 else f"{base_url}page/{n}/"
    rel = ""
    if n > 1:
        rel += f'<link rel="prev" href="{base_url if n == 2 else f"{base_url}page/{n - 1}/"}" />\n'
    if n < pages:
        rel += f'<link rel="next" href="{base_url}page/{n + 1}/" />\n'
    title = heading if n == 1 else f"{heading} - Page {n} of {pages}"
    head = td_head(ts, title=title, canonical=page_url, desc=f"{heading} news from {ts.name}.", og_type="website", post=None, schema=listing_graph(ts, page_url, heading),
                   body_class=body_class, extra_meta=rel)
    loop_items = []
    for p in posts:
        url = post_url(ts, p)
        thumb = ts.upload(p.pub_dt, p.featured.file if p.featured else "placeholder", "218x150")
        loop_items.append(
            f'<div class="tdb_module_loop td_module_wrap td-animation-stack td-cpt-post">\n<div class="td-module-'
            f'container td-category-pos-">\n<div class="td-image-container">\n<div class="td-module-thumb"><a href="'
            f'{url}"  rel="bookmark" class="td-image-wrap " title="{wp(p.title)}" ><span class="entry-thumb td-thumb-'
            f'css " style="background-image: url(\'{thumb}\')" ></span></a></div></div>\n<div class="td-module-meta-'
            f'info">\n<a href="{ts.cat_url(p.categories[0])}" class="td-post-category" >{wp(p.categories[0])}</a>'
            f'<h3 class="entry-title td-module-title"><a href="{url}"  rel="bookmark" title="{wp(p.title)}">'
            f'{wp(p.title)}</a></h3>\n<div class="td-editor-date">\n<span class="td-author-date">\n<span class="td-'
            f'post-author-name"><a href="{ts.base}/author/{p.author[1]}/">{wp(p.author[0])}</a> <span>-</span> '
            f'</span><span class="td-post-date"><time class="entry-date updated td-module-date" datetime="'
            f'{p.published}" >{long_date(p.pub_dt)}</time></span> </span>\n</div>\n<div class="td-excerpt">'
            f'{post_excerpt(p)}</div>\n</div>\n</div>\n</div>\n')
    uid = ts.tdi()
    loop = (f'<div class="td_block_wrap tdb_loop {uid} tdb-numbered-pagination td_with_ajax_pagination td-pb-border-'
            f'top td_block_template_1 tdb-category-loop-posts" data-td-block-uid="{uid}" >\n'
            f'{css([(f".{uid} .td_module_wrap", "padding-bottom: 22px;")])}<div id="{uid}" class="td_block_inner '
            f'tdb-block-inner td-fix-index">{"".join(loop_items)}</div>{page_nav(base_url, n, pages)}</div>')
    crumbs = (f'<div class="tdb-block-inner td-fix-index"><span><a title="" class="tdb-entry-crumb" href="'
              f'{ts.base}/">Home</a></span><i class="tdb-bread-sep td-icon-right"></i><span class="tdb-bred-no-url-'
              f'last">{wp(heading)}</span></div>')
    top = tdb_row(ts, [("td-pb-span12", tdb_block(ts, "tdb_breadcrumbs", crumbs)
                        + tdb_block(ts, "tdb_category_title", f'<div class="tdb-block-inner td-fix-index"><h1 '
                                    f'class="tdb-title-text">{wp(heading)}</h1><div></div><div class="tdb-title-'
                                    f'line"></div></div>'))])
    body = tdb_row(ts, [("td-pb-span8", loop), ("td-pb-span4 td-is-sticky", sidebar(ts))])
    return (head + td_mobile_nav(ts) + tdb_header(ts, current)
            + f'<div class="td-main-content-wrap td-container-wrap">\n<div class="tdc-content-wrap">\n<div id="tdb-'
              f'category-template" class="tdb-template-{ts.template_id + 1}">\n<div id="{ts.tdi()}" class="tdc-zone">'
              f'<div class="tdc_zone {ts.tdi()}  wpb_row td-pb-row"  >\n{top}\n{body}\n</div></div>\n</div>\n</div>\n'
              f'</div>\n'
            + tdb_footer(ts))


# --------------------------------------------------------------------------------------------------------------
# Bot-check pages (served at post URLs of the Laotian Times)
# --------------------------------------------------------------------------------------------------------------

def anubis_page(seed: str) -> str:
    """An Anubis proof-of-work interstitial (HTTP 200), written for the demo."""
    ver = "v1.18.0"
    challenge = fake_hex("anubis:" + seed, 64)
    static = "/.within.website/x/cmd/anubis/static"
    return f"""<!doctype html><html lang="en"><head><title>Making sure you&#39;re not a bot!</title><link rel="stylesheet" href="/.within.website/x/xess/xess.min.css?cachebuster={ver}"><meta name="viewport" content="width=device-width, initial-scale=1.0"><meta name="robots" content="noindex,nofollow"><style>
body,html{{height:100%;display:flex;justify-content:center;align-items:center;margin-left:auto;margin-right:auto}}
.centered-div{{text-align:center}}
#status{{font-variant-numeric:tabular-nums}}
#progress{{display:none;width:min(20rem,90%);height:2rem;border-radius:1rem;overflow:hidden;margin:1rem 0 2rem;outline:3px solid #b16286;outline-offset:2px}}
.bar-inner{{background-color:#b16286;height:100%;width:0;transition:width .25s ease-in}}
</style><script id="anubis_version" type="application/json">"{ver}"</script><script id="anubis_challenge" type="application/json">{{"rules":{{"algorithm":"fast","difficulty":4,"report_as":4}},"challenge":"{challenge}"}}</script><script id="anubis_base_prefix" type="application/json">""</script></head><body id="top"><main><h1 id="title" class="centered-div">Making sure you&#39;re not a bot!</h1><div class="centered-div"><img id="image" style="width:100%;max-width:256px;" src="{static}/img/pensive.webp?cacheBuster={ver}" alt=""> <img style="display:none;" src="{static}/img/happy.webp?cacheBuster={ver}" alt=""><p id="status">Loading...</p><script async type="module" src="{static}/js/main.mjs?cacheBuster={ver}"></script><div id="progress" role="progressbar" aria-labelledby="status"><div class="bar-inner"></div></div><details><summary>Why am I seeing this?</summary><p>This site checks that visitors are real browsers before serving pages, to keep automated scrapers from overloading it. Your browser is solving a small computation; when it finishes you will be sent on to the page you asked for.</p><p>The check needs JavaScript and may take a few seconds on older devices.</p></details><noscript><p>Please enable JavaScript to pass this check.</p></noscript><div id="testarea"></div></div><footer><div class="centered-div"><p>Protected by <a href="https://github.com/TecharoHQ/anubis">Anubis</a> From <a href="https://techaro.lol">Techaro</a>.</p></div></footer></main></body></html>
"""


def cloudflare_page(host: str, path: str) -> str:
    """A Cloudflare managed-challenge interstitial (served with HTTP 403), written for the demo."""
    ray = fake_hex("ray:" + path, 16)
    token = fake_token("cf:" + path, 48).replace("+", "-").replace("/", "_").rstrip("=")
    return f"""<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><meta http-equiv="X-UA-Compatible" content="IE=Edge"><meta name="robots" content="noindex,nofollow"><meta name="viewport" content="width=device-width,initial-scale=1"><style>*{{box-sizing:border-box;margin:0;padding:0}}html{{line-height:1.15;color:#313131;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}}body{{display:flex;flex-direction:column;height:100vh;min-height:100vh}}.main-content{{margin:8rem auto;max-width:60rem;padding-left:1.5rem;padding-right:1.5rem}}.h1{{font-size:2.5rem;font-weight:500;line-height:3.75rem}}.h2{{font-size:1.5rem;font-weight:500;line-height:2.25rem}}.core-msg{{font-size:1rem;line-height:1.5rem}}.footer{{font-size:.75rem;line-height:1.125rem;margin:0 auto;max-width:60rem;padding-left:1.5rem;padding-right:1.5rem;width:100%}}</style><meta http-equiv="refresh" content="375"></head><body class="no-js"><div class="main-wrapper" role="main"><div class="main-content"><h1 class="zone-name-title h1">{host}</h1><div id="challenge-running" class="h2">Checking your browser before you reach the site.</div><noscript><div id="challenge-error-title"><div class="h2"><span class="icon-wrapper"><div class="heading-icon warning-icon"></div></span><span id="challenge-error-text">Enable JavaScript and cookies to continue</span></div></div></noscript><div id="challenge-body-text" class="core-msg spacer">{host} is running a quick check on this connection. You will be sent on automatically.</div><div id="challenge-success" style="display: none;"><div class="h2">Verification successful</div></div><form id="challenge-form" action="{path}?__cf_chl_f_tk={token[:43]}" method="POST" enctype="application/x-www-form-urlencoded"><input type="hidden" name="md" value="{token}"></form></div></div><script>(function(){{window._cf_chl_opt={{cvId: '3',cZone: "{host}",cType: 'managed',cNounce: '{int(fake_hex("n" + path, 5), 16) % 100000}',cRay: '{ray}',cHash: '{fake_hex("h" + path, 15)}',cUPMDTk: "{path}?__cf_chl_tk={token[:40]}",cFPWv: 'g',cTTimeMs: '1000',cMTimeMs: '390000',cTplV: 5,cTplB: 'cf',cK: "",fa: "{path}?__cf_chl_f_tk={token[:43]}",md: "{token}",cRq: {{ru: '{base64.b64encode(("https://" + host + path).encode()).decode()}',ra: 'TW96aWxsYS81LjA=',rm: 'R0VU',d: '{fake_token("d" + path, 24)}',t: 'MTcxODY5NDcwMC4wMDAwMDA=',cT: Math.floor(Date.now() / 1000),m: '{fake_token("m" + path, 12)}',i1: '{fake_token("i1" + path, 6)}',i2: '{fake_token("i2" + path, 6)}',zh: '{fake_token("zh" + path, 9)}',uh: '{fake_token("uh" + path, 9)}',hh: '{fake_token("hh" + path, 9)}',}}}};var cpo = document.createElement('script');cpo.src = '/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray={ray}';window._cf_chl_opt.cOgUHash = location.hash === '' && location.href.indexOf('#') !== -1 ? '#' : location.hash;window._cf_chl_opt.cOgUQuery = location.search === '' && location.href.slice(0, location.href.length - window._cf_chl_opt.cOgUHash.length).indexOf('?') !== -1 ? '?' : location.search;if (window.history && window.history.replaceState) {{var ogU = location.pathname + window._cf_chl_opt.cOgUQuery + window._cf_chl_opt.cOgUHash;history.replaceState(null, null, "{path}?__cf_chl_rt_tk={token[:40]}" + window._cf_chl_opt.cOgUHash);cpo.onload = function() {{history.replaceState(null, null, ogU);}};}}document.getElementsByTagName('head')[0].appendChild(cpo);}}());</script><div class="footer" role="contentinfo"><div class="footer-inner"><div class="clearfix diagnostic-wrapper"><div class="ray-id">Ray ID: <code>{ray}</code></div></div><div class="text-center" id="footer-text">Performance &amp; security by <a rel="noopener noreferrer" href="https://www.cloudflare.com?utm_source=challenge&amp;utm_campaign=m" target="_blank">Cloudflare</a></div></div></div></body></html>
"""


# --------------------------------------------------------------------------------------------------------------
# tagDiv classic single template (The Mekong Observer)
# --------------------------------------------------------------------------------------------------------------

def classic_header(ts: TdSite) -> str:
    b = ts.base
    deg, unit, city, icon = ts.weather
    top = "".join(f'<li class="menu-item menu-item-type-post_type menu-item-object-page td-menu-item td-normal-menu">'
                  f'<a href="{u}">{wp(t)}</a></li>' for t, u in ts.top_menu)
    target, img = ts.ads[0]
    return f"""<div id="td-outer-wrap" class="td-theme-wrap">
<div class="tdc-header-wrap ">
<div class="td-header-wrap td-header-style-1 ">
<div class="td-header-top-menu-full td-container-wrap ">
<div class="td-container td-header-row td-header-top-menu">
<div class="top-bar-style-1">
<div class="td-header-sp-top-menu">
<div class="td_data_time"><div style="visibility:hidden;">{header_date(ts.capture)}</div></div>
<div class="td-weather-top-widget" id="td_top_weather_uid"><i class="td-icons {icon}"></i><div class="td-weather-now" data-block-uid="td_top_weather_uid"><span class="td-big-degrees">{deg}</span><span class="td-weather-unit">{unit}</span></div><div class="td-weather-header"><div class="td-weather-city">{esc(city)}</div></div></div>
<div class="menu-top-container"><ul id="menu-top-menu" class="top-header-menu">{top}</ul></div></div>
<div class="td-header-sp-top-widget">{td_social_icons(ts)}</div>
</div>
{td_login_modal(ts)}</div>
</div>
<div class="td-banner-wrap-full td-logo-wrap-full td-container-wrap ">
<div class="td-container td-header-row td-header-header">
<div class="td-header-sp-logo"><a class="td-main-logo" href="{b}/"><img class="td-retina-data" src="{ts.logo}" alt="{esc(ts.name)}" title="{esc(ts.name)}" width="272" height="90" /><span class="td-visual-hidden">{wp(ts.name)}</span></a></div>
<div class="td-header-sp-recs"><div class="td-header-rec-wrap"><div class="td-a-rec td-a-rec-id-header  td_uid_1_header td_block_template_1"><div style="display: inline-block"><a href="{target}" target="_blank" rel="noopener" class="td_spot_img_all"><img src="{img}"  alt="spot_img" width="728" height="90" /></a></div></div></div></div>
</div>
</div>
<div class="td-header-menu-wrap-full td-container-wrap ">
<div class="td-header-menu-wrap td-header-gradient ">
<div class="td-container td-header-row td-header-main-menu">
<div id="td-header-menu" role="navigation">
<div id="td-top-mobile-toggle"><a href="#" aria-label="mobile-toggle"><i class="td-icon-font td-icon-mobile"></i></a></div>
<div class="td-main-menu-logo td-logo-in-header"><a class="td-mobile-logo td-sticky-disable" aria-label="Logo" href="{b}/"><img class="td-retina-data" src="{ts.logo}" alt="{esc(ts.name)}" title="{esc(ts.name)}" /></a></div>
<div class="menu-main-menu-container"><ul id="menu-main-menu-1" class="sf-menu">{td_menu_items(ts, tdb=False, current=set())}</ul></div></div>
<div class="header-search-wrap"><div class="td-search-btns-wrap"><a id="td-header-search-button" href="#" aria-label="Search" role="button" class="dropdown-toggle " data-toggle="dropdown"><i class="td-icon-search"></i></a></div>
<div class="td-drop-down-search" aria-labelledby="td-header-search-button"><form method="get" class="td-search-form" action="{b}/"><div role="search" class="td-head-form-search-wrap"><input id="td-header-search" type="text" value="" name="s" autocomplete="off" /><input class="wpb_button wpb_btn-inverse btn" type="submit" id="td-header-search-top" value="Search" /></div></form><div id="td-aj-search"></div></div></div>
</div>
</div>
</div>
</div>
</div>
"""


def td_module_6(ts: TdSite, p: TdPost) -> str:
    url = post_url(ts, p)
    thumb = ts.upload(p.pub_dt, p.featured.file if p.featured else "placeholder", "100x70")
    return (f'<div class="td-block-span12"><div class="td_module_6 td_module_wrap td-animation-stack">\n<div class='
            f'"td-module-thumb"><a href="{url}" rel="bookmark" class="td-image-wrap " title="{wp(p.title)}" ><img '
            f'class="entry-thumb" src="{thumb}" alt="" title="{wp(p.title)}" width="100" height="70" /></a></div>\n'
            f'<div class="item-details"><h3 class="entry-title td-module-title"><a href="{url}" rel="bookmark" title='
            f'"{wp(p.title)}">{wp(p.title)}</a></h3><div class="td-module-meta-info"><span class="td-post-date"><time '
            f'class="entry-date updated td-module-date" datetime="{p.published}" >{long_date(p.pub_dt)}</time></span>'
            f'</div></div>\n</div></div>')


def classic_sidebar(ts: TdSite) -> str:
    mods = "".join(td_module_6(ts, q) for q in ts.live_posts()[:4])
    target, img = ts.ads[1 % len(ts.ads)]
    return (f'<div class="td-pb-span4 td-main-sidebar" role="complementary"><div class="td-ss-main-sidebar">'
            f'<div class="td_block_wrap td_block_7 td_uid_9_sidebar td-pb-border-top td_block_template_1 td-column-1 '
            f'td_block_padding"><div class="td-block-title-wrap"><h4 class="block-title td-block-title"><span class='
            f'"td-pulldown-size">Latest</span></h4></div><div id=td_uid_9_sidebar class="td_block_inner">{mods}</div>'
            f'</div><div class="td-a-rec td-a-rec-id-sidebar  td_uid_10_sidebar td_block_template_1"><div style='
            f'"display: inline-block"><a href="{target}" target="_blank" rel="noopener" class="td_spot_img_all">'
            f'<img src="{img}"  alt="spot_img" width="300" height="250" /></a></div></div>{newsletter(ts)}</div></div>')


def classic_footer(ts: TdSite) -> str:
    b = ts.base
    cats = "".join(f'<li class="cat-item"><a href="{ts.cat_url(c)}">{wp(c)}</a></li>' for c in ts.categories)
    return f"""<div class="td-footer-page td-footer-container td-container-wrap ">
<div class="td-footer-wrapper td-footer-container td-container-wrap td-footer-template-14 ">
<div class="td-container"><div class="td-pb-row">
<div class="td-pb-span4"><aside class="footer-logo-wrap"><a href="{b}/"><img class="td-retina-data" src="{ts.logo}" alt="{esc(ts.name)}" title="{esc(ts.name)}" /></a></aside></div>
<div class="td-pb-span4"><aside class="footer-text-wrap"><div class="block-title"><span>ABOUT US</span></div>{wp(ts.description)}<div class="footer-email-wrap">Contact us: <a href="mailto:newsroom@{ts.site.host}">newsroom@{ts.site.host}</a></div></aside></div>
<div class="td-pb-span4"><aside class="widget widget_categories"><div class="block-title"><span>SECTIONS</span></div><ul>{cats}</ul></aside><aside class="footer-social-wrap td-social-style-2">{td_social_icons(ts)}</aside></div>
</div></div></div>
<div class="td-sub-footer-container td-container-wrap ">
<div class="td-container"><div class="td-pb-row">
<div class="td-pb-span td-sub-footer-menu"><div class="menu-footer-container"><ul id="menu-footer" class="td-subfooter-menu"><li class="menu-item"><a href="{b}/about/">About</a></li><li class="menu-item"><a href="{b}/privacy-policy/">Privacy Policy</a></li><li class="menu-item"><a href="{b}/contact/">Contact</a></li></ul></div></div>
<div class="td-pb-span td-sub-footer-copy">&copy; {wp(ts.name)}. A fictional outlet made for the archiver demo.</div>
</div></div></div>
</div>
</div><!--close td-outer-wrap-->
<script type="text/javascript" src="{b}/wp-content/plugins/td-composer/legacy/Newspaper/js/tagdiv_theme.min.js?ver=12.6.5" id="td-site-min-js"></script>
</body>
</html>
"""


def render_classic_post(ts: TdSite, p: TdPost) -> str:
    """A post in the classic tagDiv single template."""
    b, url = ts.base, post_url(ts, p)
    head = td_head(ts, title=p.title, canonical=url, desc=plain(post_excerpt(p, 30)), og_type="article", post=p,
                   schema=yoast_graph(ts, p),
                   body_class=f"post-template-default single single-post postid-{p.post_id} single-format-standard "
                              f"{p.slug} td-boxed-layout")
    cats = "".join(f'<li class="entry-category"><a  href="{ts.cat_url(c)}">{wp(c)}</a></li>' for c in p.categories)
    author_url = f"{b}/author/{p.author[1]}/"
    featured = ""
    if p.featured:
        img = ts.upload(p.pub_dt, p.featured.file, "696x464")
        featured = (f'<div class="td-post-featured-image"><figure><a href="{ts.upload(p.pub_dt, p.featured.file)}" '
                    f'data-caption="{esc(plain(p.featured.caption))}"><img width="696" height="464" class="entry-thumb '
                    f'td-modal-image" src="{img}" alt="{esc(p.featured.alt)}" title="{esc(p.featured.alt)}"/></a>'
                    f'<figcaption class="wp-caption-text">{p.featured.caption}</figcaption></figure></div>')
    prev_p, next_p = neighbours(ts, p)
    nav = '<div class="td-block-row td-post-next-prev">'
    nav += ('<div class="td-block-span6 td-post-prev-post"><div class="td-post-next-prev-content"><span>Previous '
            f'article</span><a href="{post_url(ts, prev_p)}">{wp(prev_p.title)}</a></div></div>' if prev_p else
            '<div class="td-block-span6 td-post-prev-post"></div>')
    nav += '<div class="td-next-prev-separator"></div>'
    nav += ('<div class="td-block-span6 td-post-next-post"><div class="td-post-next-prev-content"><span>Next '
            f'article</span><a href="{post_url(ts, next_p)}">{wp(next_p.title)}</a></div></div>' if next_p else "")
    nav += "</div>"
    rel_items = "".join(
        f'<div class="td-related-span4"><div class="td_module_related_posts td-animation-stack td_mod_related_posts">'
        f'<div class="td-module-image"><div class="td-module-thumb"><a href="{post_url(ts, q)}" rel="bookmark" class='
        f'"td-image-wrap " title="{wp(q.title)}" ><img class="entry-thumb" src="'
        f'{ts.upload(q.pub_dt, q.featured.file if q.featured else "placeholder", "218x150")}" alt="" title="'
        f'{wp(q.title)}" width="218" height="150" /></a></div></div><div class="item-details"><h3 class="entry-title '
        f'td-module-title"><a href="{post_url(ts, q)}" rel="bookmark" title="{wp(q.title)}">{wp(q.title)}</a></h3>'
        f'</div></div></div>' for q in related(ts, p))
    related_block = (f'<div class="td_block_wrap td_block_related_posts td_uid_7_rel td_with_ajax_pagination '
                     f'td-pb-border-top td_block_template_1"  data-td-block-uid="td_uid_7_rel" ><h4 class="td-related-'
                     f'title td-block-title"><a id="td_uid_8_rel" class="td-related-left td-cur-simple-item" data-'
                     f'td_filter_value="" data-td_block_id="td_uid_7_rel" href="#">RELATED ARTICLES</a><a id="td_uid_9_'
                     f'rel" class="td-related-right" data-td_filter_value="td_related_more_from_author" data-td_block_id'
                     f'="td_uid_7_rel" href="#">MORE FROM AUTHOR</a></h4><div id=td_uid_7_rel class="td_block_inner">'
                     f'<div class="td-related-row">{rel_items}</div></div></div>')
    tags = "".join(f'<li><a href="{b}/tag/{slug}/">{wp(t)}</a></li>'
                   for t, slug in (("Mekong", "mekong"), (p.categories[0], p.categories[0].lower())))
    crumbs = (f'<div class="td-crumb-container"><div class="entry-crumbs"><span><a title="" class="entry-crumb" href='
              f'"{b}/">Home</a></span> <i class="td-icon-right td-bread-sep"></i> <span><a title="View all posts in '
              f'{esc(p.categories[0])}" class="entry-crumb" href="{ts.cat_url(p.categories[0])}">{wp(p.categories[0])}'
              f'</a></span> <i class="td-icon-right td-bread-sep td-bred-no-url-last"></i> <span class="td-bred-no-url-'
              f'last">{wp(p.title)}</span></div></div>')
    article = f"""<article id="post-{p.post_id}" class="post-{p.post_id} post type-post status-publish format-standard has-post-thumbnail category-{ts.categories[p.categories[0]]}" itemscope itemtype="https://schema.org/Article">
<div class="td-post-header">
<ul class="td-category">{cats}</ul>
<header class="td-post-title">
<h1 class="entry-title">{wp(p.title)}</h1>
<div class="td-module-meta-info">
<div class="td-post-author-name"><div class="td-author-by">By</div> <a href="{author_url}">{wp(p.author[0])}</a><div class="td-author-line"> - </div> </div>
<span class="td-post-date"><time class="entry-date updated td-module-date" datetime="{p.published}" >{long_date(p.pub_dt)}</time></span>
<div class="td-post-comments"><a href="{url}#respond"><i class="td-icon-comments"></i>0</a></div>
<div class="td-post-views"><i class="td-icon-views"></i><span class="td-nr-views-{p.post_id}">{(p.post_id * 7) % 900 + 100}</span></div>
</div>
</header>
</div>
<div class="td-post-sharing-top">{share_block(ts, p, "td_social_sharing_article_top")}</div>
<div class="td-post-content tagdiv-type">
{featured}
{render_body(ts, p)}
{content_ad(ts, 2, "content_bottom")}
</div>
<footer>
<div class="td-post-source-tags"><ul class="td-tags td-post-small-box clearfix"><li><span>TAGS</span></li>{tags}</ul></div>
<div class="td-post-sharing-bottom">{share_block(ts, p, "td_social_sharing_article_bottom")}</div>
{nav}
<div class="td-author-name vcard author" style="display: none"><span class="fn"><a href="{author_url}">{wp(p.author[0])}</a></span></div> <span class="td-page-meta" itemprop="author" itemscope itemtype="https://schema.org/Person"><meta itemprop="name" content="{esc(p.author[0])}"><meta itemprop="url" content="{author_url}"></span><meta itemprop="datePublished" content="{p.published}"><meta itemprop="dateModified" content="{p.modified}"><meta itemscope itemprop="mainEntityOfPage" itemType="https://schema.org/WebPage" itemid="{url}"/><meta itemprop="headline " content="{esc(p.title)}">
</footer>
</article>
{related_block}
{comments_form(ts, p)}"""
    return (head + td_mobile_nav(ts) + classic_header(ts)
            + f'<div class="td-main-content-wrap td-container-wrap">\n<div class="td-container td-post-template-default '
              f'">\n{crumbs}\n<div class="td-pb-row">\n<div class="td-pb-span8 td-main-content" role="main">\n<div '
              f'class="td-ss-main-content">\n{article}\n</div>\n</div>\n{classic_sidebar(ts)}\n</div>\n</div>\n</div>\n'
            + classic_footer(ts))


def render_classic_home(ts: TdSite) -> str:
    b = ts.base
    head = td_head(ts, title=ts.tagline, canonical=f"{b}/", desc=ts.description, og_type="website", post=None,
                   schema=listing_graph(ts, f"{b}/", "Home"), body_class="home blog")
    items = []
    for p in ts.live_posts():
        url = post_url(ts, p)
        items.append(
            f'<div class="td_module_10 td_module_wrap td-animation-stack">\n<div class="td-module-thumb"><a href="'
            f'{url}" rel="bookmark" class="td-image-wrap " title="{wp(p.title)}" ><img class="entry-thumb" src="'
            f'{ts.upload(p.pub_dt, p.featured.file if p.featured else "placeholder", "218x150")}" alt="" width="218" '
            f'height="150" /></a></div>\n<div class="item-details"><h3 class="entry-title td-module-title"><a href="'
            f'{url}" rel="bookmark" title="{wp(p.title)}">{wp(p.title)}</a></h3><div class="td-module-meta-info"><a '
            f'href="{ts.cat_url(p.categories[0])}" class="td-post-category">{wp(p.categories[0])}</a><span class="td-'
            f'post-author-name"><a href="{b}/author/{p.author[1]}/">{wp(p.author[0])}</a> <span>-</span> </span><span '
            f'class="td-post-date"><time class="entry-date updated td-module-date" datetime="{p.published}" >'
            f'{long_date(p.pub_dt)}</time></span></div><div class="td-excerpt">{post_excerpt(p)}</div></div>\n</div>\n')
    main = (f'<div class="td-pb-span8 td-main-content"><div class="td-ss-main-content"><div class="td-block-title-wrap">'
            f'<h4 class="block-title"><span>Latest News</span></h4></div>{"".join(items)}</div></div>')
    return (head + td_mobile_nav(ts) + classic_header(ts)
            + f'<div class="td-main-content-wrap td-container-wrap"><div class="td-container"><div class="td-pb-row">'
              f'{main}{classic_sidebar(ts)}</div></div></div>\n'
            + classic_footer(ts))


# --------------------------------------------------------------------------------------------------------------
# tagDiv sites: assembly
# --------------------------------------------------------------------------------------------------------------

def laotian_times() -> TdSite:
    site = Site(LT_HOST)
    b = site.base
    up = f"{b}/wp-content/uploads"
    return TdSite(
        site=site, name="Laotian Times", title_sep=" - ", tagline="News from Laos in English",
        description="English-language news about Laos: politics, business, the economy, tourism and society.",
        capture=LT_CAPTURE, weather=("28.3", "C", "Vientiane", "scattered-clouds-d"), categories=LT_CATEGORIES,
        posts=LT_POSTS, logo=f"{up}/2021/03/laotian-times-logo-544x180.png",
        social=[("Facebook", "https://www.facebook.com/laotiantimes"), ("Twitter", "https://twitter.com/laotiantimes"),
                ("Instagram", "https://www.instagram.com/laotiantimes/"),
                ("Youtube", "https://www.youtube.com/@laotiantimes")],
        top_menu=[("About Us", f"{b}/about-us/"), ("Advertise", f"{b}/advertise/"), ("Contact", f"{b}/contact/")],
        main_menu=[("Home", f"{b}/", []),
                   ("All News", f"{b}/category/allnews/",
                    [(c, f"{b}/category/{LT_CATEGORIES[c]}/") for c in ("Politics", "Government", "Business",
                                                                         "Economy", "Society")]),
                   ("This Week", f"{b}/category/this-week/", []),
                   ("Business", f"{b}/category/business/", []),
                   ("Tourism", f"{b}/category/tourism/", [])],
        ads=[(f"{b}/advertise/", f"{up}/2024/05/demo-bank-banner-728x90.jpg"),
             ("https://example.com/demo-telecom", f"{up}/2024/04/demo-telecom-300x250.jpg"),
             ("https://example.com/demo-airline", f"{up}/2024/02/demo-airline-300x600.jpg"),
             ("https://example.com/demo-insurance", f"{up}/2023/11/demo-insurance-300x250.jpg"),
             ("https://example.com/demo-hotel", f"{up}/2024/06/demo-hotel-728x90.jpg"),
             ("https://example.com/demo-realestate", f"{up}/2024/03/demo-realestate-728x90.jpg")],
        template_id=101876,
    )


def mekong_observer() -> TdSite:
    site = Site(MO_HOST)
    b = site.base
    up = f"{b}/wp-content/uploads"
    return TdSite(
        site=site, name="The Mekong Observer", title_sep=" | ", tagline="Independent news from the Mekong region",
        description="The Mekong Observer is a fictional regional news site, made for the archiver demo.",
        capture=MO_CAPTURE, weather=("31.4", "C", "Phnom Penh", "broken-clouds-d"), categories=MO_CATEGORIES,
        posts=MO_POSTS, logo=f"{up}/2022/01/mekong-observer-logo.png",
        social=[("Facebook", "https://www.facebook.com/example-mekongobserver"),
                ("Twitter", "https://twitter.com/example_mekong")],
        top_menu=[("About", f"{b}/about/"), ("Contact", f"{b}/contact/")],
        main_menu=[("Home", f"{b}/", [])] + [(c, f"{b}/category/{s}/", []) for c, s in MO_CATEGORIES.items()],
        ads=[("https://example.com/demo-river-cruises", f"{up}/2024/01/demo-cruise-728x90.jpg"),
             ("https://example.com/demo-bank", f"{up}/2024/03/demo-bank-300x250.jpg"),
             ("https://example.com/demo-school", f"{up}/2024/05/demo-school-300x250.jpg")],
        template_id=0,
    )


def robots_wp(base: str) -> str:
    return (f"User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
            f"Sitemap: {base}/sitemap_index.xml\n")


def write_wp_discovery(ts: TdSite, feed_n: int) -> dict:
    """robots.txt, Yoast sitemaps and the RSS feed; returns what they list (paths)."""
    site, b = ts.site, ts.base
    by_mod = sorted(ts.posts, key=lambda p: (p.mod_dt, p.post_id))
    site.write("post-sitemap.xml", yoast_urlset(b, [(post_url(ts, p), utc_iso(p.mod_dt)) for p in by_mod]))
    newest_mod = utc_iso(by_mod[-1].mod_dt)
    site.write("page-sitemap.xml", yoast_urlset(b, [(f"{b}/", newest_mod)]))
    cat_entries = []
    for c, slug in ts.categories.items():
        members = [p for p in ts.posts if c in p.categories] or (ts.posts if slug == "allnews" else [])
        if members:
            cat_entries.append((f"{b}/category/{slug}/", utc_iso(max(p.mod_dt for p in members))))
    site.write("category-sitemap.xml", yoast_urlset(b, cat_entries))
    site.write("sitemap_index.xml", yoast_index(b, [(f"{b}/post-sitemap.xml", newest_mod),
                                                    (f"{b}/page-sitemap.xml", newest_mod),
                                                    (f"{b}/category-sitemap.xml", newest_mod)]))
    newest = ts.all_posts()[:feed_n]
    items = [{"title": p.title, "url": post_url(ts, p), "author": p.author[0], "published": p.pub_dt,
              "categories": p.categories, "id": p.post_id, "excerpt": plain(post_excerpt(p, 40))} for p in newest]
    site.write("feed/index.xml", rss(site_title=ts.name, base=b, description=ts.tagline, build=newest[0].mod_dt,
                                     items=items, lang="en-US"))
    site.write("robots.txt", robots_wp(b))
    return {"sitemap_index": "/sitemap_index.xml", "post_sitemap": "/post-sitemap.xml",
            "sitemap_paths": [p.path for p in by_mod], "feed": "/feed/", "feed_paths": [p.path for p in newest]}


def td_expected(ts: TdSite, p: TdPost) -> dict:
    return {
        "path": p.path,
        "title": p.title,
        "published_at": p.published,
        "published_utc": utc_iso(p.pub_dt),
        "modified_at": p.modified,
        "section": p.categories[0],
        "categories": p.categories,
        "authors": [p.author[0]],
        "language": "en",
        "paragraphs": [plain(x) for x in p.body],
    }


def check_posts(posts: list[TdPost]) -> None:
    assert len({p.path for p in posts}) == len(posts)
    assert len({p.title for p in posts}) == len(posts)
    assert len({p.post_id for p in posts}) == len(posts)
    for p in posts:
        assert p.mod_dt >= p.pub_dt, p.slug
        if not p.challenge:
            assert 4 <= len(p.body) <= 6, p.slug
            assert 60 <= word_count(p.body) <= 400, (p.slug, word_count(p.body))


def build_laotiantimes() -> dict:
    ts = laotian_times()
    ts.site.reset()
    check_posts(ts.posts)
    b = ts.base
    seed = ts.posts[0]
    assert plain(seed.body[0]).startswith("Lao and US officials met in Vientiane on Friday")
    challenges = []
    for p in ts.posts:
        if p.challenge == "anubis":
            ts.site.write_url(p.path, anubis_page(p.path))
            challenges.append({"path": p.path, "kind": "anubis", "status": 200})
        elif p.challenge == "cloudflare":
            ts.site.write_url(p.path, cloudflare_page(LT_HOST, p.path))
            ts.site.write_url(p.path, "", index="index.html.status-403")
            challenges.append({"path": p.path, "kind": "cloudflare", "status": 403})
        else:
            ts.site.write_url(p.path, render_tdb_post(ts, p))
    listings = []

    def listing(heading: str, slug: str | None, posts: list[TdPost], per_page: int, current: set[str]) -> None:
        base_url = f"{b}/category/{slug}/" if slug else f"{b}/"
        pages = max(1, -(-len(posts) // per_page))
        for n in range(1, pages + 1):
            chunk = posts[(n - 1) * per_page:n * per_page]
            body_class = (f"archive category category-{slug} tdb-template" if slug else "home page-template-default")
            html_text = render_tdb_listing(ts, heading=heading, base_url=base_url, posts=chunk, n=n, pages=pages,
                                           body_class=body_class, current=current)
            path = base_url[len(b):] + ("" if n == 1 else f"page/{n}/")
            ts.site.write_url(path, html_text)
            listings.append({"path": path, "page": n, "pages": pages,
                             "next": (base_url[len(b):] + f"page/{n + 1}/") if n < pages else None,
                             "articles": [p.path for p in chunk],
                             "dates": [p.published for p in chunk]})

    listing("Latest News", None, ts.all_posts()[:10], 10, set())
    listing("All News", "allnews", ts.all_posts(), 10, {"All News"})
    for cat, slug in LT_CATEGORIES.items():
        if slug == "allnews":
            continue
        members = [p for p in ts.all_posts() if cat in p.categories]
        if members:
            listing(cat, slug, members, 2 if slug == "this-week" else 10, {cat})
    disc = write_wp_discovery(ts, feed_n=5)
    assert all(not p.challenge for p in ts.all_posts()[:5])
    this_week = [x for x in listings if x["path"].startswith("/category/this-week/")]
    assert len(this_week) == 2 and seed.path in this_week[1]["articles"]
    return {
        "source": "laotiantimes",
        "base_url": b,
        "family": "tagdiv",
        "captured": LT_CAPTURE.isoformat(),
        "header": {"date": header_date(LT_CAPTURE), "weather": "28.3 C Vientiane"},
        "articles": [td_expected(ts, p) for p in sorted(ts.posts, key=lambda q: q.pub_dt) if not p.challenge],
        "challenges": [c["path"] for c in challenges],
        "challenge_details": challenges,
        "duplicates": [],
        "discovery": disc,
        "listings": listings,
        "files": sorted(ts.site.files),
    }


def build_mekong() -> dict:
    ts = mekong_observer()
    ts.site.reset()
    check_posts(ts.posts)
    for p in ts.posts:
        ts.site.write_url(p.path, render_classic_post(ts, p))
    ts.site.write("index.html", render_classic_home(ts))
    disc = write_wp_discovery(ts, feed_n=10)
    return {
        "source": "mekongobserver",
        "base_url": ts.base,
        "family": "tagdiv",
        "captured": MO_CAPTURE.isoformat(),
        "articles": [td_expected(ts, p) for p in sorted(ts.posts, key=lambda q: q.pub_dt)],
        "challenges": [],
        "duplicates": [],
        "discovery": disc,
        "files": sorted(ts.site.files),
    }


# --------------------------------------------------------------------------------------------------------------
# KPL Lao News Agency (kpl.gov.la): ASP.NET WebForms pages
# --------------------------------------------------------------------------------------------------------------

KPL_HOST = "kpl.gov.la"


@dataclass
class KplStory:
    """One KPL news item. ``shown`` is the visible date text (day first, Vientiane time)."""

    news_id: int
    lang: str                # "en" | "lo"
    cat: int
    shown: str               # "20/06/2024 14:37"
    views: int
    title: str
    body: list[str]
    malformed_link: bool = False   # listed as /En/detail.aspx/detail.aspx?id=N on its listing page

    @property
    def prefix(self) -> str:
        return "/En" if self.lang == "en" else ""

    @property
    def path(self) -> str:
        return f"{self.prefix}/detail.aspx?id={self.news_id}"

    @property
    def published(self) -> str:
        return datetime.strptime(self.shown, "%d/%m/%Y %H:%M").replace(tzinfo=ICT).isoformat()


KPL_CATS = {("en", 1): "Politics", ("en", 2): "Economics", ("lo", 1): "ຂ່າວພາຍໃນ"}

KPL_STORIES: list[KplStory] = [
    KplStory(81230, "en", 1, "17/06/2024 09:15", 1412,
             "Laos, Vietnam review border cooperation at annual meeting",
             ["(KPL) Lao and Vietnamese provincial officials reviewed cooperation along their shared border at an "
              "annual meeting held in Xieng Khouang province last week.",
              "The two sides discussed the maintenance of border markers, the prevention of smuggling and drug "
              "trafficking, and the exchange of information between border posts.",
              "They agreed to improve facilities at checkpoints and to make it easier for residents of border "
              "villages to visit relatives and trade local produce.",
              "The meeting ended with the signing of minutes setting out cooperation plans for the coming year."]),
    KplStory(81231, "en", 2, "18/06/2024 16:02", 987,
             "Vientiane Capital reports higher revenue collection in first five months",
             ["(KPL) Revenue collected in Vientiane Capital in the first five months of this year was higher than "
              "in the same period last year, according to the capital&#8217;s finance department.",
              "Officials attributed the increase to better management of tax collection, the wider use of "
              "electronic payment systems and the recovery of trade and services.",
              "The department said it would continue to inspect businesses that have not registered for tax and "
              "to simplify procedures for small enterprises."]),
    KplStory(81232, "en", 1, "19/06/2024 10:48", 2031,
             "National Assembly committee reviews draft law on electronic transactions",
             ["(KPL) A committee of the National Assembly met in Vientiane on Wednesday to review a draft law on "
              "electronic transactions ahead of its submission to the plenary session.",
              "Members examined provisions on electronic signatures, consumer protection and the storage of "
              "personal data, and proposed several amendments to the wording of the draft.",
              "The drafting team said the law would provide a clearer legal basis for online commerce and "
              "digital government services."]),
    KplStory(81233, "en", 2, "19/06/2024 15:20", 1760,
             "Farmers in Savannakhet expand organic vegetable production",
             ["(KPL) Farmers in Savannakhet province have expanded the area used for growing organic vegetables "
              "to meet rising demand from markets and restaurants in the provincial capital.",
              "Producer groups have received training in making compost and controlling pests without chemicals, "
              "with support from the provincial agriculture and forestry office.",
              "Officials said incomes would rise further if farmers could rely on regular buyers and better "
              "storage facilities."],
             malformed_link=True),
    KplStory(81234, "en", 1, "20/06/2024 14:37", 1234,
             "Laos, US hold talks on unexploded ordnance clearance",
             ["(KPL) Lao and US officials met in Vientiane on Thursday to review cooperation on the clearance of "
              "unexploded ordnance and assistance to survivors of accidents.",
              "The two sides discussed survey work in the most affected provinces, the training of clearance "
              "teams and programs that help survivors find work.",
              "Lao officials thanked the United States for its long-standing support and said cleared land "
              "was being returned to farming and used for schools and roads.",
              "The meeting agreed to continue regular consultations and to share data on cleared areas."]),
    KplStory(81235, "en", 2, "20/06/2024 17:05", 645,
             "Rubber prices rise in Luang Namtha as demand recovers",
             ["(KPL) Rubber growers in Luang Namtha province are receiving higher prices for their latex this "
              "month as demand from processing plants recovers.",
              "Traders said buyers were paying more for dried rubber sheets of good quality, and that farmers who "
              "had stopped tapping last year were returning to their plantations.",
              "Provincial authorities advised growers to keep records of their sales and to avoid selling to "
              "unlicensed buyers."]),
    KplStory(81240, "lo", 1, "18/06/2024 09:20", 1520,
             "ນະຄອນຫຼວງວຽງຈັນ ກະກຽມຮັບມືໄພນ້ຳຖ້ວມ ໃນລະດູຝົນ",
             ["(ຂປລ) ອົງການປົກຄອງນະຄອນຫຼວງວຽງຈັນ ໄດ້ເປີດການເຄື່ອນໄຫວ ກະກຽມຮັບມືກັບໄພນ້ຳຖ້ວມ ໃນລະດູຝົນປີນີ້ "
              "ໂດຍໄດ້ເລັ່ງອະນາໄມຮ່ອງລະບາຍນ້ຳ ແລະ ກວດກາສະຖານີສູບນ້ຳ ໃນທົ່ວນະຄອນຫຼວງ.",
              "ນາຍບ້ານ ໃນເຂດທີ່ມັກຖືກນ້ຳຖ້ວມ ໄດ້ຮັບມອບໝາຍໃຫ້ສຳຫຼວດຄອບຄົວທີ່ອາໄສຢູ່ໃນເຂດທີ່ຕ່ຳ "
              "ແລະ ກຳນົດສະຖານທີ່ປອດໄພ ສຳລັບການເຄື່ອນຍ້າຍປະຊາຊົນ ໃນກໍລະນີສຸກເສີນ.",
              "ເຈົ້າໜ້າທີ່ກ່ຽວຂ້ອງ ຮຽກຮ້ອງໃຫ້ປະຊາຊົນ ບໍ່ຖິ້ມຂີ້ເຫຍື້ອລົງໃນຮ່ອງລະບາຍນ້ຳ "
              "ເຊິ່ງເປັນສາເຫດສຳຄັນທີ່ເຮັດໃຫ້ເກີດນ້ຳຖ້ວມຂັງ ໃນເຂດຕົວເມືອງ."]),
    KplStory(81241, "lo", 1, "19/06/2024 11:05", 1288,
             "ແຂວງຫຼວງພະບາງ ຕ້ອນຮັບນັກທ່ອງທ່ຽວເພີ່ມຂຶ້ນ ໃນ 5 ເດືອນຕົ້ນປີ",
             ["(ຂປລ) ແຂວງຫຼວງພະບາງ ໄດ້ຕ້ອນຮັບນັກທ່ອງທ່ຽວທັງພາຍໃນ ແລະ ຕ່າງປະເທດ ເພີ່ມຂຶ້ນຢ່າງຕໍ່ເນື່ອງ "
              "ໃນໄລຍະ 5 ເດືອນຕົ້ນປີນີ້ ເມື່ອທຽບໃສ່ໄລຍະດຽວກັນຂອງປີຜ່ານມາ.",
              "ພະແນກຖະແຫຼງຂ່າວ, ວັດທະນະທຳ ແລະ ທ່ອງທ່ຽວແຂວງ ໃຫ້ຮູ້ວ່າ ທາງລົດໄຟ ລາວ-ຈີນ "
              "ໄດ້ເຮັດໃຫ້ການເດີນທາງມາຍັງແຂວງ ສະດວກ ແລະ ວ່ອງໄວຂຶ້ນ.",
              "ເຈົ້າຂອງໂຮງແຮມ ແລະ ເຮືອນພັກ ໄດ້ຮັບການແນະນຳໃຫ້ຮັກສາຄຸນນະພາບການບໍລິການ ແລະ ຕິດລາຄາໃຫ້ຈະແຈ້ງ."]),
    KplStory(81242, "lo", 1, "20/06/2024 08:40", 2104,
             "ກອງປະຊຸມລັດຖະບານ ປະຈຳເດືອນມິຖຸນາ ເນັ້ນໃສ່ການແກ້ໄຂບັນຫາເງິນເຟີ້",
             ["(ຂປລ) ລັດຖະບານ ໄດ້ເປີດກອງປະຊຸມສາມັນປະຈຳເດືອນມິຖຸນາ ທີ່ນະຄອນຫຼວງວຽງຈັນ "
              "ເພື່ອປຶກສາຫາລື ກ່ຽວກັບສະພາບເສດຖະກິດ-ສັງຄົມ ໃນໄລຍະ 6 ເດືອນຕົ້ນປີ.",
              "ກອງປະຊຸມ ໄດ້ເນັ້ນໃສ່ການຄຸ້ມຄອງລາຄາສິນຄ້າ, ການສະໜອງສິນຄ້າທີ່ຈຳເປັນ "
              "ແລະ ການສົ່ງເສີມການຜະລິດພາຍໃນ ເພື່ອທົດແທນການນຳເຂົ້າ.",
              "ບັນດາກະຊວງ ແລະ ແຂວງ ໄດ້ຮັບມອບໝາຍ ໃຫ້ລາຍງານຜົນການຈັດຕັ້ງປະຕິບັດ ໃຫ້ລັດຖະບານ ເປັນປົກກະຕິ."]),
    KplStory(81243, "lo", 1, "20/06/2024 15:10", 733,
             "ແຂວງສະຫວັນນະເຂດ ຂະຫຍາຍການປູກຜັກປອດສານພິດ",
             ["(ຂປລ) ຊາວກະສິກອນ ໃນແຂວງສະຫວັນນະເຂດ ໄດ້ຂະຫຍາຍເນື້ອທີ່ປູກຜັກປອດສານພິດ "
              "ເພື່ອສະໜອງໃຫ້ແກ່ຕະຫຼາດພາຍໃນ ແລະ ຮ້ານອາຫານ ໃນຕົວເມືອງ.",
              "ກຸ່ມຜະລິດ ໄດ້ຮັບການຝຶກອົບຮົມ ກ່ຽວກັບການເຮັດຝຸ່ນຊີວະພາບ ແລະ ການປ້ອງກັນແມງໄມ້ ໂດຍບໍ່ໃຊ້ສານເຄມີ.",
              "ເຈົ້າໜ້າທີ່ກະສິກຳ ຄາດວ່າ ລາຍຮັບຂອງຊາວກະສິກອນ ຈະເພີ່ມຂຶ້ນ ຖ້າຫາກມີຕະຫຼາດທີ່ໝັ້ນຄົງ."]),
]

KPL_UI = {
    "en": {"home": "Home", "site": "KPL Lao News Agency", "most": "Most Read", "related": "Related News",
           "lang_link": ("ພາສາລາວ", "/"), "search": "Search", "next": "Next &raquo;", "prev": "&laquo; Prev",
           "menu": [("Home", "/En/Default.aspx"), ("Politics", "/En/News.aspx?cat=1"),
                    ("Economics", "/En/News.aspx?cat=2"), ("Photos", "/En/Photo.aspx"), ("Contact", "/En/Contact.aspx")],
           "address": "Lao News Agency (KPL), 80 Setthathirath Road, Vientiane, Lao PDR"},
    "lo": {"home": "ໜ້າຫຼັກ", "site": "ສຳນັກຂ່າວສານປະເທດລາວ", "most": "ຂ່າວອ່ານຫຼາຍ", "related": "ຂ່າວທີ່ກ່ຽວຂ້ອງ",
           "lang_link": ("English", "/En/Default.aspx"), "search": "ຄົ້ນຫາ", "next": "ຕໍ່ໄປ &raquo;",
           "prev": "&laquo; ກ່ອນໜ້າ",
           "menu": [("ໜ້າຫຼັກ", "/Default.aspx"), ("ຂ່າວພາຍໃນ", "/News.aspx?cat=1"),
                    ("ຂ່າວຕ່າງປະເທດ", "/News.aspx?cat=3"), ("ຮູບພາບ", "/Photo.aspx"), ("ຕິດຕໍ່", "/Contact.aspx")],
           "address": "ສຳນັກຂ່າວສານປະເທດລາວ (ຂປລ), ຖະໜົນເສດຖາທິລາດ, ນະຄອນຫຼວງວຽງຈັນ"},
}


def kpl_page(lang: str, *, title: str, action: str, main: str, side: str) -> str:
    """The ASP.NET master page around a content placeholder."""
    ui = KPL_UI[lang]
    html_open = ('<html xmlns="http://www.w3.org/1999/xhtml" lang="en">' if lang == "en" else
                 '<html xmlns="http://www.w3.org/1999/xhtml">')
    menu = "".join(f'<li class="nav-item"><a class="nav-link" href="{u}">{t}</a></li>' for t, u in ui["menu"])
    vs = fake_token("viewstate:" + action, 420)
    ev = fake_token("eventvalidation:" + action, 96)
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
{html_open}
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no" /><title>
	KPL : {esc(title)}
</title><link href="/css/bootstrap.min.css" rel="stylesheet" type="text/css" /><link href="/css/font-awesome.min.css" rel="stylesheet" type="text/css" /><link href="/css/kpl-style.css?v=3.1" rel="stylesheet" type="text/css" /><link rel="shortcut icon" href="/images/favicon.ico" />
<script src="/js/jquery-3.4.1.min.js" type="text/javascript"></script>
<script src="/js/bootstrap.bundle.min.js" type="text/javascript"></script>
</head>
<body>
    <form name="aspnetForm" method="post" action="{esc(action)}" id="aspnetForm">
<div>
<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />
<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUK{vs}" />
</div>

<script type="text/javascript">
//<![CDATA[
var theForm = document.forms['aspnetForm'];
if (!theForm) {{
    theForm = document.aspnetForm;
}}
function __doPostBack(eventTarget, eventArgument) {{
    if (!theForm.onsubmit || (theForm.onsubmit() != false)) {{
        theForm.__EVENTTARGET.value = eventTarget;
        theForm.__EVENTARGUMENT.value = eventArgument;
        theForm.submit();
    }}
}}
//]]>
</script>

<div>
	<input type="hidden" name="__VIEWSTATEGENERATOR" id="__VIEWSTATEGENERATOR" value="{fake_hex("gen:" + action, 8).upper()}" />
	<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="/wEdAA{ev}" />
</div>
    <div class="top-bar bg-dark text-white-50 small">
        <div class="container d-flex justify-content-between">
            <span>{ui["site"]}</span>
            <span><a class="text-white-50" href="{ui["lang_link"][1]}">{ui["lang_link"][0]}</a></span>
        </div>
    </div>
    <header class="header">
        <div class="container">
            <div class="row align-items-center">
                <div class="col-md-8"><a href="{"/En/Default.aspx" if lang == "en" else "/Default.aspx"}"><img src="/images/logo-kpl.png" alt="KPL" class="img-fluid logo" /></a></div>
                <div class="col-md-4">
                    <div class="input-group search-box"><input name="ctl00$txtSearch" type="text" id="ctl00_txtSearch" class="form-control" placeholder="{ui["search"]}" /><div class="input-group-append"><a id="ctl00_btnSearch" class="btn btn-primary" href="javascript:__doPostBack('ctl00$btnSearch','')"><i class="fa fa-search"></i></a></div></div>
                </div>
            </div>
        </div>
        <nav class="navbar navbar-expand-lg navbar-dark bg-primary">
            <div class="container">
                <button class="navbar-toggler" type="button" data-toggle="collapse" data-target="#mainNav" aria-controls="mainNav" aria-expanded="false" aria-label="Toggle navigation"><span class="navbar-toggler-icon"></span></button>
                <div class="collapse navbar-collapse" id="mainNav"><ul class="navbar-nav mr-auto">{menu}</ul></div>
            </div>
        </nav>
    </header>
    <div class="container main-content">
        <div class="row">
            <div class="col-lg-8">
{main}
            </div>
            <div class="col-lg-4 sidebar">
{side}
            </div>
        </div>
    </div>
    <footer class="footer bg-dark text-white-50">
        <div class="container py-3 small">
            <p>{ui["address"]}</p>
            <p>Tel: +856 21 215 090 &nbsp;|&nbsp; Fax: +856 21 212 446</p>
            <p>&copy; KPL</p>
        </div>
    </footer>
    </form>
</body>
</html>
"""


def kpl_sidebar(lang: str) -> str:
    ui = KPL_UI[lang]
    stories = sorted((s for s in KPL_STORIES if s.lang == lang), key=lambda s: (-s.views, s.news_id))[:4]
    items = "".join(f'<li class="list-group-item"><a href="{s.path}">{esc(s.title)}</a></li>' for s in stories)
    return (f'<div class="card most-read mb-3"><div class="card-header">{ui["most"]}</div>'
            f'<ul class="list-group list-group-flush">{items}</ul></div>'
            f'<div class="card mb-3"><div class="card-body text-center"><a href="https://example.com/demo-kpl-banner">'
            f'<img src="/Images/Banner/demo-banner.jpg" class="img-fluid" alt="" /></a></div></div>')


def kpl_detail(s: KplStory) -> str:
    ui = KPL_UI[s.lang]
    cat = KPL_CATS[(s.lang, s.cat)]
    paras = "\n".join(f"<p>{p}</p>" for p in s.body)
    rel = [r for r in KPL_STORIES if r.lang == s.lang and r.news_id != s.news_id][:3]
    rel_items = "".join(f'<li><a href="{r.path}">{esc(r.title)}</a></li>' for r in rel)
    mail = quote(s.title)
    main = f"""                <ol class="breadcrumb">
                    <li class="breadcrumb-item"><a href="{s.prefix}/Default.aspx">{ui["home"]}</a></li>
                    <li class="breadcrumb-item active"><a href="{s.prefix}/News.aspx?cat={s.cat}">{cat}</a></li>
                </ol>
                <div class="detail-news">
                    <div class="title-news-detail"><h1>{esc(s.title)}</h1></div>
                    <div class="date-news-detail text-muted"><i class="fa fa-clock-o"></i> <span id="ctl00_ContentPlaceHolder1_lblDate">{s.shown}</span></div>
                    <div class="tool-news-detail small"><a href="mailto:?subject={mail}&amp;body=https://kpl.gov.la{esc(s.path)}"><i class="fa fa-envelope"></i> Email</a> <a href="javascript:window.print();"><i class="fa fa-print"></i> Print</a> <span class="view-news"><i class="fa fa-eye"></i> {s.views:,}</span></div>
                    <div class="img-news-detail"><img src="/Images/News/{s.news_id}_1.jpg" class="img-fluid" alt="" /></div>
                    <div class="content-news-detail" id="ctl00_ContentPlaceHolder1_divContent">
{paras}
                    </div>
                </div>
                <div class="related-news mt-4">
                    <h4>{ui["related"]}</h4>
                    <ul>{rel_items}</ul>
                </div>"""
    return kpl_page(s.lang, title=s.title, action=f"./detail.aspx?id={s.news_id}", main=main,
                    side=kpl_sidebar(s.lang))


def kpl_listing(lang: str, cat: int, stories: list[KplStory], n: int, pages: int) -> str:
    ui = KPL_UI[lang]
    prefix = "/En" if lang == "en" else ""
    items = []
    for s in stories:
        href = f"/En/detail.aspx/detail.aspx?id={s.news_id}" if s.malformed_link else s.path
        lead = plain(s.body[0])
        items.append(f"""                <div class="row news-item border-bottom py-3">
                    <div class="col-md-4"><a href="{href}"><img src="/Images/News/{s.news_id}_1.jpg" class="img-fluid" alt="" /></a></div>
                    <div class="col-md-8">
                        <div class="title-news"><a href="{href}">{esc(s.title)}</a></div>
                        <div class="date-news text-muted small">{s.shown}</div>
                        <div class="short-news">{esc(lead[:160])}...</div>
                    </div>
                </div>""")
    first = f"News.aspx?cat={cat}"
    page = lambda k: first if k == 1 else f"News.aspx?cat={cat}&amp;page={k}"  # noqa: E731
    nav = ['<nav aria-label="Page navigation"><ul class="pagination justify-content-center">']
    if n > 1:
        nav.append(f'<li class="page-item"><a class="page-link prev" href="{page(n - 1)}">{ui["prev"]}</a></li>')
    for k in range(1, pages + 1):
        nav.append(f'<li class="page-item{" active" if k == n else ""}"><a class="page-link" href="{page(k)}">{k}'
                   f'</a></li>')
    if n < pages:
        nav.append(f'<li class="page-item"><a class="page-link next" href="{page(n + 1)}">{ui["next"]}</a></li>')
    nav.append("</ul></nav>")
    cat_name = KPL_CATS[(lang, cat)]
    main = (f'                <ol class="breadcrumb"><li class="breadcrumb-item"><a href="{prefix}/Default.aspx">'
            f'{ui["home"]}</a></li><li class="breadcrumb-item active">{cat_name}</li></ol>\n'
            f'                <h3 class="cat-title">{cat_name}</h3>\n' + "\n".join(items) + "\n" + "".join(nav))
    action = f"./News.aspx?cat={cat}" + ("" if n == 1 else f"&page={n}")
    return kpl_page(lang, title=cat_name, action=action, main=main, side=kpl_sidebar(lang))


def build_kpl() -> dict:
    site = Site(KPL_HOST)
    site.reset()
    assert len({s.news_id for s in KPL_STORIES}) == len(KPL_STORIES)
    for s in KPL_STORIES:
        assert plain(s.body[0]).startswith("(KPL)" if s.lang == "en" else "(ຂປລ)"), s.news_id
        site.write_url(s.path, kpl_detail(s))
        if s.malformed_link:
            site.write_url(f"/En/detail.aspx/detail.aspx?id={s.news_id}", kpl_detail(s))
    listings = []
    for (lang, cat), per_page in ((("en", 1), 2), (("en", 2), 2), (("lo", 1), 3)):
        members = sorted((s for s in KPL_STORIES if s.lang == lang and s.cat == cat),
                         key=lambda s: s.published, reverse=True)
        pages = -(-len(members) // per_page)
        prefix = "/En" if lang == "en" else ""
        for n in range(1, pages + 1):
            chunk = members[(n - 1) * per_page:n * per_page]
            path = f"{prefix}/News.aspx?cat={cat}" + ("" if n == 1 else f"&page={n}")
            site.write_url(path, kpl_listing(lang, cat, chunk, n, pages))
            listings.append({"path": path, "page": n, "pages": pages,
                             "next": f"{prefix}/News.aspx?cat={cat}&page={n + 1}" if n < pages else None,
                             "links": [f"/En/detail.aspx/detail.aspx?id={s.news_id}" if s.malformed_link else s.path
                                       for s in chunk]})
    site.write("robots.txt", "User-agent: *\nAllow: /\n")
    articles = []
    for s in sorted(KPL_STORIES, key=lambda s: (s.lang != "en", s.published)):
        articles.append({
            "path": s.path, "source": "kpl" if s.lang == "en" else "kpl-lo", "title": plain(s.title),
            "published_at": s.published, "date_text": s.shown, "section": KPL_CATS[(s.lang, s.cat)], "authors": [],
            "language": s.lang, "paragraphs": [plain(p) for p in s.body],
        })
    return {
        "source": "kpl",
        "sources": ["kpl", "kpl-lo"],
        "base_url": site.base,
        "family": "kpl",
        "articles": articles,
        "challenges": [],
        "duplicates": [f"/En/detail.aspx/detail.aspx?id={s.news_id}" for s in KPL_STORIES if s.malformed_link],
        "duplicate_of": {f"/En/detail.aspx/detail.aspx?id={s.news_id}": s.path
                         for s in KPL_STORIES if s.malformed_link},
        "listings": listings,
        "files": sorted(site.files),
    }


# --------------------------------------------------------------------------------------------------------------
# Vientiane Times (www.vientianetimes.org.la): hand-made static PHP pages, table layout
# --------------------------------------------------------------------------------------------------------------

VT_HOST = "www.vientianetimes.org.la"
VT_MIRROR = "vientianetimes.la"


@dataclass
class VtStory:
    """One free story. Article pages carry no date: the issue date of the index that links it is the date."""

    path: str
    title: str
    teaser: str
    body: list[str]
    byline: str | None = None        # as printed ("By ...")
    author: str | None = None        # the person named in the byline, if any
    photo: tuple[str, str] | None = None   # (file, caption) shown in a table beside the text
    mirror_link: bool = False        # the index also links it through https://vientianetimes.la/...


@dataclass
class VtIssue:
    path: str                        # index page path
    date_text: str                   # "Thursday June 20, 2024"
    date: str                        # "2024-06-20"
    number: int
    stories: list[VtStory]


VT_ISSUES: list[VtIssue] = [
    VtIssue("/index.php", "Thursday June 20, 2024", "2024-06-20", 119, [
        VtStory("/freeContent/FreeConten_Rainy_season_rice.php",
                "Farmers start rainy season rice planting in central provinces",
                "Farmers in Vientiane, Borikhamxay and Khammuan provinces have begun transplanting rice seedlings.",
                ["Farmers in Vientiane, Borikhamxay and Khammuan provinces have begun transplanting rice seedlings "
                 "as the rains arrive, with agriculture officials hoping for a larger planted area than last year.",
                 "Irrigation teams have repaired canals and pumps damaged during the dry season so that fields "
                 "can be watered if the rains are irregular.",
                 "Officials said seed banks had distributed improved varieties to villages that lost part of "
                 "their harvest to flooding, and that technical staff would visit farmers to advise on "
                 "fertiliser use.",
                 "Farmers told Vientiane Times that the cost of fuel and fertiliser remained their main worry, "
                 "and asked for low-interest loans to be made available before the planting season ends."],
                byline="By Khamla Sengdara", author="Khamla Sengdara"),
        VtStory("/freeContent/FreeConten_Vientiane_drainage.php",
                "Vientiane upgrades drainage channels before peak of monsoon",
                "Work crews are widening and cleaning drainage channels in the centre of the capital.",
                ["Work crews are widening and cleaning drainage channels in the centre of Vientiane to reduce "
                 "flooding when the heaviest rains arrive.",
                 "The Department of Public Works and Transport said several roads that flooded repeatedly last "
                 "year would receive larger culverts and new grates.",
                 "Residents and shop owners have been asked to keep drains clear of rubbish and construction "
                 "materials, which often block the flow of water after storms.",
                 "The department said the work should be finished within weeks, weather permitting."],
                mirror_link=True),
        VtStory("/freefreenews/freecontent_119_Tourist_arrivals.php",
                "Tourist arrivals keep rising in Visit Laos Year",
                "The number of foreign visitors continues to grow as more flights and train services connect Laos "
                "with its neighbours.",
                ["The number of foreign visitors to Laos continues to grow as more flights and train services "
                 "connect the country with its neighbours, according to tourism officials.",
                 "Visitors from Thailand, China and Vietnam account for most arrivals, while numbers from Europe "
                 "and the Republic of Korea are also rising.",
                 "Tour operators said travellers were spending more nights in the north of the country, "
                 "particularly in Luang Prabang and Oudomxay.",
                 "Officials urged businesses to maintain service standards and fair prices to encourage visitors "
                 "to return."],
                byline="By Times Reporters"),
    ]),
    VtIssue("/sub-new/Previous_118/index.php", "Wednesday June 19, 2024", "2024-06-19", 118, [
        VtStory("/freefreenews/freecontent_118_School_meals.php",
                "School meals programme expands to more rural schools",
                "A programme that provides lunches for primary school pupils will be extended to more schools.",
                ["A programme that provides lunches for primary school pupils will be extended to more schools "
                 "in rural districts from the next school year, education officials said.",
                 "Parents' associations grow vegetables and raise fish in school gardens to supplement the rice "
                 "and canned goods supplied by the programme.",
                 "Teachers said attendance had improved in schools where meals were served, especially among "
                 "girls and children from remote villages.",
                 "The ministry plans to train cooks and village committees to manage the kitchens themselves."],
                byline="By Sisouk Phommachanh", author="Sisouk Phommachanh",
                photo=("school_meals.jpg", "Pupils eat lunch at a primary school in Xieng Khouang province.")),
        VtStory("/freeContent/FreeConten_Dengue_warning.php",
                "Health officials urge households to clear mosquito breeding sites",
                "Health officials are calling on households to remove standing water as dengue cases rise.",
                ["Health officials are calling on households to remove standing water around their homes as the "
                 "number of dengue fever cases rises with the start of the rainy season.",
                 "Teams from district health offices are visiting villages to spray insecticide and hand out "
                 "leaflets explaining how to spot the symptoms of the disease.",
                 "Doctors advised people with a high fever, headache and joint pain to go to a hospital rather "
                 "than treat themselves at home.",
                 "Schools have been asked to check water containers and flower pots on their grounds every week."]),
        VtStory("/freefreenews/freecontent_118_Bus_terminal.php",
                "New bus terminal eases congestion in Xaythany district",
                "A new bus terminal in Xaythany district has begun serving routes to the northern provinces.",
                ["A new bus terminal in Xaythany district has begun serving routes to the northern provinces, "
                 "easing congestion around the old station in the city centre.",
                 "Passengers said the terminal was cleaner and better organised, though some complained about "
                 "the distance from the centre and the lack of city buses serving it.",
                 "The terminal's operator said it would add shuttle services and more shaded waiting areas.",
                 "Police have also adjusted traffic lights on nearby roads to cope with the buses."],
                byline="By Times Reporters"),
    ]),
]

VT_NAV = [("Home", "/index.php"), ("Previous issue", "/sub-new/Previous_118/index.php")]


def vt_shell(*, root: str, content: str, date_cell: str) -> str:
    """The site's page shell; ``root`` is the relative prefix back to the site root ("" or "../../")."""
    nav = "".join(f'<tr><td class="menu"><a href="{root}{u.lstrip("/")}">{t}</a></td></tr>\n' for t, u in VT_NAV)
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Vientiane Times</title>
<meta name="keywords" content="Vientiane Times, Laos, Lao news, Vientiane">
<link href="{root}css/vt_style.css" rel="stylesheet" type="text/css">
<script language="JavaScript" type="text/JavaScript">
<!--
function openWin(url) {{ window.open(url, 'vt', 'width=620,height=480,scrollbars=yes'); }}
//-->
</script>
</head>

<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">
<table width="780" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#FFFFFF">
  <tr>
    <td colspan="3"><img src="{root}images/vt_banner.jpg" width="780" height="105" alt="Vientiane Times - Lao's first English newspaper"></td>
  </tr>
  <tr bgcolor="#003366">
{date_cell}
  </tr>
  <tr>
    <td width="150" valign="top" bgcolor="#E6EEF7">
      <table width="150" border="0" cellspacing="0" cellpadding="4">
{nav}      <tr><td class="menu"><a href="mailto:info@vientianetimes.example">Contact us</a></td></tr>
      <tr><td><img src="{root}images/spacer.gif" width="1" height="20" alt=""></td></tr>
      <tr><td class="small">Subscribe to the print edition at your nearest newsstand.</td></tr>
      </table>
    </td>
    <td width="10">&nbsp;</td>
    <td width="620" valign="top">
{content}
    </td>
  </tr>
  <tr>
    <td colspan="3" class="footer" align="center" bgcolor="#003366"><font color="#FFFFFF" size="1">Copyright &copy; Vientiane Times. All rights reserved.<br>
    Tel: +856 21 216364 &nbsp; Fax: +856 21 216365</font></td>
  </tr>
</table>
</body>
</html>
"""


def vt_index(issue: VtIssue, *, root: str) -> str:
    rows = []
    for s in issue.stories:
        href = root + s.path.lstrip("/")
        rows.append(f"""      <tr>
        <td class="headline"><a href="{href}">{esc(s.title)}</a></td>
      </tr>
      <tr>
        <td class="text" valign="top"><img src="{root}images/photos/{s.path.rsplit("_", 1)[-1].replace(".php", "")}_s.jpg" width="90" height="68" align="left" hspace="5" alt="">{esc(s.teaser)} <a href="{href}" class="more">More &gt;&gt;&gt;</a></td>
      </tr>
      <tr><td><hr size="1" noshade color="#CCCCCC"></td></tr>""")
    highlights = "".join(
        f'<tr><td class="small">&#8226; {esc(s.title)} <a href="https://{VT_MIRROR}{s.path}" class="more">More '
        f'&gt;&gt;&gt;</a></td></tr>\n' for s in issue.stories if s.mirror_link)
    box = (f'      <table width="100%" border="0" cellspacing="0" cellpadding="3" bgcolor="#F3F3F3">\n'
           f'      <tr><td class="boxtitle">Highlights</td></tr>\n{highlights}      </table>\n') if highlights else ""
    content = ('      <table width="100%" border="0" cellspacing="0" cellpadding="4">\n'
               '      <tr><td class="sectiontitle">Top stories</td></tr>\n' + "\n".join(rows)
               + "\n      </table>\n" + box
               + f'      <p class="small">Issue {issue.number}. Free stories are updated every working day.</p>')
    date_cell = (f'    <td colspan="3" class="date" height="22">&nbsp;<font color="#FFFFFF"><b><span id="issue-date">'
                 f'{issue.date_text}</span></b></font></td>')
    return vt_shell(root=root, content=content, date_cell=date_cell)


def vt_article(s: VtStory) -> str:
    root = "../"
    paras = []
    for i, p in enumerate(s.body):
        paras.append(f'      <p align="justify">{esc(p)}</p>')
        if i == 0 and s.photo:
            paras.append(f'      <table width="260" border="0" align="right" cellpadding="2" cellspacing="0">\n'
                         f'        <tr><td><img src="{root}images/photos/{s.photo[0]}" width="256" height="180" '
                         f'alt=""></td></tr>\n        <tr><td class="caption">{esc(s.photo[1])}</td></tr>\n'
                         f'      </table>')
    byline = f'      <p class="byline"><b>{esc(s.byline)}</b></p>\n' if s.byline else ""
    content = (f'      <h1 class="headline">{esc(s.title)}</h1>\n{byline}' + "\n".join(paras)
               + '\n      <p class="small"><a href="javascript:history.back()">&lt;&lt; Back</a> &nbsp; '
                 '<a href="javascript:window.print()">Print this story</a></p>')
    date_cell = '    <td colspan="3" height="22">&nbsp;<font color="#FFFFFF"><b>Free stories</b></font></td>'
    return vt_shell(root=root, content=content, date_cell=date_cell)


def build_vientianetimes() -> dict:
    site = Site(VT_HOST)
    site.reset()
    articles = []
    duplicates = []
    duplicate_of = {}
    for issue in VT_ISSUES:
        root = "" if issue.path == "/index.php" else "../../"
        site.write_url(issue.path, vt_index(issue, root=root))
        for s in issue.stories:
            page = vt_article(s)
            assert not re.search(r"\b(19|20)\d\d\b", re.sub(r"<[^>]+>", " ", page)), s.path  # no date on the page
            site.write_url(s.path, page)
            articles.append({"path": s.path, "title": s.title, "published_at": issue.date, "listing": issue.path,
                             "issue_date_text": issue.date_text, "section": None,
                             "authors": [s.author] if s.author else [], "byline": s.byline, "language": "en",
                             "paragraphs": [plain(esc(p)) for p in s.body]})
            if s.mirror_link:
                duplicates.append(f"https://{VT_MIRROR}{s.path}")
                duplicate_of[f"https://{VT_MIRROR}{s.path}"] = s.path
    site.write("robots.txt", "User-agent: *\nDisallow: /admin/\nDisallow: /cgi-bin/\n")
    return {
        "source": "vientianetimes",
        "base_url": site.base,
        "mirrors": [VT_MIRROR, "vientianetimes.org.la"],
        "family": "vientianetimes",
        "articles": articles,
        "challenges": [],
        "duplicates": duplicates,
        "duplicate_of": duplicate_of,
        "listings": [{"path": i.path, "issue_date": i.date, "issue_date_text": i.date_text,
                      "links": [s.path for s in i.stories]
                      + [f"https://{VT_MIRROR}{s.path}" for s in i.stories if s.mirror_link]} for i in VT_ISSUES],
        "absent": ["/feed/", "/sitemap.xml"],
        "files": sorted(site.files),
    }


# --------------------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------------------

def build() -> dict:
    sites = {
        LT_HOST: build_laotiantimes(),
        KPL_HOST: build_kpl(),
        VT_HOST: build_vientianetimes(),
        MO_HOST: build_mekong(),
    }
    return {
        "about": "Ground truth for the offline news demo sites, written by build_news_demo.py from the same data "
                 "as the pages. Paths are joined to each site's local base URL; published_at is the value the "
                 "extractor should produce (tagDiv: the page's own datetime with offset; KPL: the visible "
                 "day-first text in +07:00; Vientiane Times: the issue date of the index linking the story).",
        "sites": sites,
    }


def main() -> None:
    expected = build()
    EXPECTED.write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for host, data in expected["sites"].items():
        print(f"{host}: {len(data['files'])} files, {len(data['articles'])} articles, "
              f"{len(data['challenges'])} challenges, {len(data['duplicates'])} duplicates")


if __name__ == "__main__":
    main()
