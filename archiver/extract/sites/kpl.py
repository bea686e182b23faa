"""Rules for KPL, the Lao News Agency (``kpl.gov.la``): an ASP.NET WebForms site.

English articles live at ``/En/detail.aspx?id=N``, the Lao edition at ``/detail.aspx?id=N``. The
pages carry no structured metadata worth the name (the ``<title>`` is the agency's name, not the
headline), so the headline element, the visible date and the story container are read directly.

Dates are visible text such as ``20/06/2024 14:37``: day first, in Vientiane time. The generic
text parser would keep only the day (it cannot know the field order or the zone), so a site
pattern reads day, month, year and clock time, and the zone is the ``timezone`` hint or else the
agency's own (``+07:00``, Laos has no daylight saving). Provenance ``site:kpl``. A date line that
writes the month as a word (the Lao edition's "21 ມີນາ 2023") is read in the page's language with
the generic parser (``dates.parse_any``), to the day.

Stories open with "(KPL)" (Lao edition "(ຂປລ)"), the agency's dateline: it is part of the text and
stays in the body. The "Email Print 1,234" tool line with the view counter is furniture.

The family is recognised by host and, for copies served elsewhere (the offline demo), by the
ASP.NET form together with KPL's own markup or the agency's name.
"""

from __future__ import annotations

from .rules import DateRule, Marker, Match, PageTypeRule, SiteRules

# "20/06/2024 14:37" (seconds optional); a bare "20/06/2024" as the day-only fallback
_DMY_TIME = (
    r"(?<!\d)(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
    r"(?:[\s,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
_CONTAINERS = ".detail-news, .news-detail"
_DATE_LINES = ".date-news-detail, .date-detail, .detail-date"
_LBL_DATE = "//*[substring(@id, string-length(@id) - 6) = 'lblDate']"
_CONTENT = ".content-news-detail, .content-detail, .detail-content"

_ASPNET = "(//form[@id='aspnetForm'] | //input[@name='__VIEWSTATE'])"
_ASPNET_NAMES = ("aspnetForm", "__VIEWSTATE")

RULES = SiteRules(
    name="kpl",
    host_patterns=(r"(?:www\.)?kpl\.gov\.la",),
    markers=(
        # the ASP.NET page shell plus KPL's story markup and the agency's name
        Marker(f"{_ASPNET}[//*[contains(@class, 'detail-news') or contains(@class, 'news-detail')]]"
               "[//*[contains(text(), 'KPL Lao News Agency') or contains(text(), 'ຂປລ')]]",
               needs_any=_ASPNET_NAMES),
        Marker(f"{_ASPNET}[//*[starts-with(normalize-space(text()), '(KPL)')"
               " or starts-with(normalize-space(text()), '(ຂປລ)')]]",
               needs_any=_ASPNET_NAMES),
    ),
    title_selectors=(
        ".title-news-detail h1",
        ".title-news-detail",
        ".detail-news h1",
        ".news-detail h1",
        "h1.title-detail",
        ".title-detail",
        "//*[substring(@id, string-length(@id) - 7) = 'lblTitle']",
        "h1",
    ),
    body_selectors=(
        ".content-news-detail",
        ".content-detail",
        ".detail-content",
        "//*[substring(@id, string-length(@id) - 9) = 'divContent']",
        "//*[substring(@id, string-length(@id) - 9) = 'lblContent']",
    ),
    furniture=(
        ".tool-news-detail",
        ".tool-detail",
        ".view-news",
        ".view-count",
        ".date-news-detail",
        ".date-detail",
        ".related-news",
        ".share",
        "script",
    ),
    drop_paragraphs=(
        r"(?:Email\s*)?Print(?:\s*[\d.,]+)?",
        r"Email\s+Print\s*[\d.,]*(?:\s*views?)?",
        r"(?:ອີເມວ|ອີເມລ)\s+(?:ພິມ|ປີ້ນ)\s*[\d.,]*",
        r"(?:Views?|Read|ເບິ່ງ)\s*:?\s*[\d.,]+",
    ),
    date_rules=(
        DateRule(".date-news-detail", attribute=None, pattern=_DMY_TIME),
        DateRule(".date-detail", attribute=None, pattern=_DMY_TIME),
        DateRule(".detail-date", attribute=None, pattern=_DMY_TIME),
        DateRule(_LBL_DATE, attribute=None, pattern=_DMY_TIME),
        # the same date lines when the month is a word ("21 ມີນາ 2023"): read in the page's
        # language (the day only, as for any written-out date), before the whole story container
        # is searched for a numeric date, which could be one its text mentions
        DateRule(_DATE_LINES, attribute=None),
        DateRule(_LBL_DATE, attribute=None),
        DateRule(_CONTAINERS, attribute=None, pattern=_DMY_TIME),
    ),
    # the breadcrumb's last link names the category the story is filed under
    section_selectors=(
        ".breadcrumb .breadcrumb-item.active a",
        ".breadcrumb li:last-child a",
    ),
    page_types=(
        PageTypeRule("article", (Match(_CONTENT),)),
        PageTypeRule("listing", (Match(".title-news a", 2),)),
    ),
    # the English edition is the /En/ path; the Lao edition is told by its script (language.py)
    url_languages=((r"//[^/]+/en/", "en"),),
    prefer_rules_for=frozenset({"title", "published_at", "section"}),
    default_timezone="+07:00",
)
