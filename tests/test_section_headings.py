"""Section headings trafilatura lost, put back (``archiver.extract.section_headings``).

The page shape is that of a WordPress marketing blog on the WCXB dev pages (emplifi.io's resource
posts): the story's ``<h2>`` headings between its ``<p>`` paragraphs in a ``wysiwyg`` block, and
after the footer a form's hidden "thank you" modal whose ``<div class="content">`` is the first
block trafilatura's body expressions find. trafilatura then takes the page's loose paragraphs,
without a single heading. The text is our own.
"""

from __future__ import annotations

import time

from lxml import etree

from archiver.extract import extract
from archiver.extract.dom import page_source, parse_source
from archiver.extract.fallback import fallback_body, paragraph_texts
from archiver.extract.section_headings import restore_headings

INTRO = ("Growing food in the city takes less land than most people think, and a shared garden is the "
         "easiest way to start: the soil, the water and the advice come with the plot.")
SECTIONS = [
    ("What is a community garden?",
     ["A community garden is a plot of land shared by neighbours, who grow vegetables, herbs and "
      "flowers together and split the work of watering, weeding and keeping the paths clear.",
      "Most are run by a small committee that hands out beds each spring and keeps a waiting list "
      "for the rest of the year."]),
    ("How do you find a plot?",
     ["Start with the city's parks office, which usually keeps a list of gardens on public land, "
      "then ask at libraries and schools, which often host a garden of their own behind the building.",
      "Expect to pay a small yearly fee that covers water and shared tools, and to give a few hours a "
      "month to the common beds."]),
    ("What grows well in a first season?",
     ["Beans, lettuce, radishes and courgettes forgive most mistakes and give a harvest within weeks, "
      "which keeps a new gardener coming back through the hot part of the summer.",
      "Leave tomatoes and peppers for the second year, when you know how much sun your bed really "
      "gets and how often you can come by to water."]),
]

PAGE = """<!DOCTYPE html><html lang="en"><head><title>Community gardens: a beginner's guide | Green Street</title>
</head><body class="single single-resource_posts">
<header class="site-header"><nav><ul><li><a href="/">Home</a></li><li><a href="/guides/">Guides</a></li></ul></nav></header>
<section class="customer-content-builder prev-blog-hero"><div class="container"><div class="columns">
<div class="column content-side"><div class="content-builder"><div class="content-builder-section wysiwyg-ver">
<h1>Community gardens: a beginner's guide</h1>
<div class="wysiwyg body large bg-white">
{story}
</div>
<div class="related-box"><h3>More guides for new gardeners</h3>
<ul><li><a href="/guides/compost/">Composting in small spaces</a></li>
<li><a href="/guides/seeds/">Saving seeds from your harvest</a></li></ul></div>
</div></div></div></div></div></section>
<footer class="site-footer"><p>Green Street, 2026</p></footer>
<div class="modal" id="thank-you-modal"><div class="modal-container modal-lg"><div class="modal-body">
<div class="content"><h3>Thank you, your submission has been received! We will reach out shortly.</h3></div>
</div></div></div>
</body></html>"""


# a box of links between two sections: its heading has no paragraph of its own after it
RELATED = """<div class="related-box"><h3>More guides for new gardeners</h3>
<ul><li><a href="/guides/compost/">Composting in small spaces</a></li>
<li><a href="/guides/seeds/">Saving seeds from your harvest</a></li></ul></div>"""


def _page() -> str:
    sections = ["<h2>{}</h2>\n{}".format(heading, "\n".join(f"<p>{p}</p>" for p in paragraphs))
                for heading, paragraphs in SECTIONS]
    sections.insert(1, RELATED)
    return PAGE.format(story=f"<p>{INTRO}</p>\n" + "\n".join(sections))


def test_headings_lost_by_trafilaturas_loose_paragraph_pass_are_put_back_in_place() -> None:
    page = _page()
    root = parse_source(page_source(page))
    assert root is not None
    alone = fallback_body(root, None) or ""
    assert SECTIONS[0][1][0] in alone  # the story's paragraphs are there...
    assert not any(heading in alone for heading, _ in SECTIONS)  # ...and none of its headings
    body = extract(page, "https://greenstreet.example/guides/community-gardens/")["body"]
    order = [body.find(text) for heading, paragraphs in SECTIONS for text in (heading, *paragraphs)]
    order.insert(0, body.find(INTRO))
    assert -1 not in order and order == sorted(order), body
    # each heading is a paragraph of its own, right before the first paragraph under it
    lines = body.split("\n\n")
    for heading, paragraphs in SECTIONS:
        assert lines[lines.index(heading) + 1] == paragraphs[0]
    # the heading over a list of links has no paragraph of its own after it
    assert "More guides for new gardeners" not in body


def _restored(primary: str, page: str) -> str:
    root = parse_source(page_source(page))
    assert root is not None
    blocks: list[etree._Element] = []
    texts = paragraph_texts(root, None, blocks)
    return restore_headings(primary, blocks, texts)


def test_a_text_that_holds_some_headings_is_left_as_it_is() -> None:
    """trafilatura keeps headings on most pages, and drops some on purpose (over a teaser block,
    a newsletter box): when its text holds any of the page's headings, none is added."""
    page = _page()
    paragraphs = [p for _, section in SECTIONS for p in section]
    primary = "\n\n".join([INTRO, SECTIONS[0][0], *paragraphs])
    assert _restored(primary, page) == primary
    restored = _restored("\n\n".join([INTRO, *paragraphs]), page)
    assert all(heading in restored for heading, _ in SECTIONS)


def test_a_heading_outside_the_kept_paragraphs_is_not_added() -> None:
    """A heading before the first paragraph trafilatura kept, or after the last, is not between
    two of them and stays out."""
    page = _page()
    middle = SECTIONS[1][1]
    restored = _restored("\n\n".join(middle), page)
    assert SECTIONS[0][0] not in restored and SECTIONS[2][0] not in restored
    assert restored == "\n\n".join(middle)  # "How do you find a plot?" has no kept paragraph before it


def test_a_page_of_thousands_of_headings_is_read_in_bounded_work() -> None:
    story = "".join(f"<h2>Heading number {i} of the page</h2><p>Paragraph number {i} of the story, kept.</p>"
                    for i in range(20_000))
    page = PAGE.format(story=story)
    primary = "\n\n".join(f"Paragraph number {i} of the story, kept." for i in range(20_000))
    started = time.process_time()
    restored = _restored(primary, page)
    assert time.process_time() - started < 5
    added = restored.count("Heading number")
    assert 0 < added <= 300


def test_headings_far_from_any_paragraph_are_looked_at_in_bounded_work() -> None:
    """Hundreds of headings followed by a hundred thousand empty paragraphs: each heading's
    neighbours are looked for nearby only."""
    story = "".join(f"<h2>Heading number {i} of the page</h2>" for i in range(300)) + "<p></p>" * 100_000
    page = PAGE.format(story=f"<p>{INTRO}</p>{story}<p>{SECTIONS[0][1][0]}</p>")
    primary = f"{INTRO}\n\n{SECTIONS[0][1][0]}"
    started = time.process_time()
    assert _restored(primary, page) == primary  # no heading has its kept paragraphs near it
    assert time.process_time() - started < 5
