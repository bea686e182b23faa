"""Pages read as displayed: streamed React pages' parts in place (``archiver.extract.streamed``); a
story wrapper whose name starts like a comment section kept, and collapsed accordion panels shown,
while trafilatura reads the page (``archiver.extract.trafilatura_input``).

The page shapes are those of the WCXB dev pages' Next.js sites (a shell with ``<template id="B:n">``
placeholders and "Loading..." fallbacks, the parts in hidden ``S:n`` divs after the footer, moved
by ``$RC``/``$RS`` calls), with our own text; ``tests/fixtures/extract/general_streamed_react.html``
is the whole-page case.
"""

from __future__ import annotations

import time

from lxml import etree

from archiver.extract import extract
from archiver.extract.dom import page_source, parse_source
from archiver.extract.fallback import _prose, fallback_body, paragraph_texts
from archiver.extract.streamed import place_streamed_segments
from archiver.extract.trafilatura_input import as_displayed_for_trafilatura

STORY = [
    "The night market on the river bank reopened on Friday after the rainy season, with more than two hundred "
    "stalls along the promenade.",
    "Stallholders said the new lighting and the paved lanes had brought families back who had stayed away in "
    "the years of muddy evenings.",
    "The city plans to keep the promenade closed to traffic after six o'clock until the end of the dry season.",
]


def _placed(markup: str) -> tuple[etree._Element, int]:
    source = page_source(markup)
    root = parse_source(source)
    assert root is not None and source is not None
    return root, place_streamed_segments(root, source)


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


SHELL = (
    '<html><body><main><article><h1>Night market reopens</h1><div class="article-body">'
    "<p>{0}</p>"
    '<!--$?--><template id="B:0"></template><div>Loading <!-- -->paragraph<!-- -->...</div><!--/$-->'
    '<!--$?--><template id="B:1"></template><div>Loading <!-- -->paragraph<!-- -->...</div><!--/$-->'
    "</div></article></main><footer><p>Contact the newsroom</p></footer>"
    '<div hidden id="S:1"><div id="toc_rules"><template id="P:4"></template></div></div>'
    '<div hidden id="S:0"><p>{1}</p></div>'
    '<div hidden id="S:4"><p>{2}</p></div>'
    "{scripts}</body></html>"
)
SCRIPTS = '<script>$RC("B:1","S:1")</script><script>$RC("B:0","S:0")</script><script>$RS("S:4","P:4")</script>'


def test_parts_go_to_their_placeholders_in_page_order() -> None:
    root, moved = _placed(SHELL.format(*STORY, scripts=SCRIPTS))
    assert moved == 3
    body = root.find(".//div[@class='article-body']")
    assert [_text(p) for p in body.iter("p")] == STORY
    assert "Loading" not in _text(root)
    assert not root.xpath("//*[@hidden] | //template")
    assert _text(root.find(".//footer")) == "Contact the newsroom"


def test_saved_without_scripts_the_ids_pair_the_parts() -> None:
    """A page saved without its scripts (and so without the calls) still has React's ids."""
    root, moved = _placed(SHELL.format(*STORY, scripts=""))
    assert moved == 3
    assert [_text(p) for p in root.find(".//article").iter("p")] == STORY


def test_a_fallback_without_its_closing_comment_is_kept() -> None:
    """Without the ``<!--/$-->`` that closes a boundary nothing after its placeholder is removed: the
    rest of the section would otherwise be taken for the fallback."""
    markup = (
        '<html><body><article><template id="B:0"></template><div>Loading paragraph...</div>'
        "<p>{1}</p></article>"
        '<div hidden id="S:0"><p>{0}</p></div></body></html>'
    ).format(*STORY)
    root, moved = _placed(markup)
    assert moved == 1
    assert [_text(p) for p in root.find(".//article").iter("p")] == STORY[:2]
    assert "Loading paragraph..." in _text(root)


def test_text_around_the_parts_is_kept() -> None:
    markup = (
        '<html><body><div id="x">Before <template id="P:1"></template> after.</div>'
        '<div hidden id="S:1">middle <b>bold</b> end</div> tail text</body></html>'
    )
    root, moved = _placed(markup)
    assert moved == 1
    assert _text(root.get_element_by_id("x")) == "Before middle bold end after."
    assert _text(root.find("body")).endswith("tail text")


def test_hostile_references_do_not_loop_or_lose_text() -> None:
    """A part holding its own placeholder, calls naming missing elements, a boundary whose fallback
    holds the placeholder of another part: nothing raises, nothing is moved into itself, every
    word stays in the document."""
    markup = (
        "<html><body>"
        '<div hidden id="S:1"><p>self</p><template id="P:1"></template></div>'
        '<!--$?--><template id="B:2"></template><div><template id="P:3"></template>fallback</div><!--/$-->'
        '<div hidden id="S:2"><p>second</p></div>'
        '<div hidden id="S:3"><p>third</p></div>'
        '<script>$RC("B:9","S:8")$RS("S:1","P:1")$RC("B:2","S:2")</script>'
        "</body></html>"
    )
    root, moved = _placed(markup)
    assert moved == 1  # S:2 only; S:3's placeholder went with B:2's fallback, S:1 holds its own
    words = _text(root)
    for word in ("self", "second", "third"):
        assert word in words
    assert "fallback" not in words


def test_pages_that_are_not_streamed_are_left_alone() -> None:
    markup = f'<html><body><article><p id="S:0" hidden>{STORY[0]}</p><template id="B:1"></template></article></body></html>'
    root, moved = _placed(markup)
    # an ``S:`` id with no placeholder of its own stays where it is
    assert moved == 0
    assert root.get_element_by_id("S:0") is not None
    plain = _placed(f"<html><body><p>{STORY[1]}</p></body></html>")
    assert plain[1] == 0


LESSWRONG_LIKE = """<html><head><title>Reading slowly | Field Notes</title></head><body>
<div class="Layout-main"><div class="PostsPage-root">
<h1 class="PostsPageTitle-root">Reading slowly</h1>
<div class="PostsPagePostHeader-authorInfo"><a href="/users/mkeo">mkeo</a></div>
<div class="commentOnSelection"><div id="postContent" class="PostsPage-postContent">{story}</div></div>
<div class="CommentsSection-root">
<div class="commentsList"><div class="comment-body"><p>{comment}</p></div></div>
</div>
</div></div></body></html>"""
LONG_STORY = [
    "Reading slowly is a habit I picked up on long train journeys, where the only book I had was the one in my "
    "bag and the next station was hours away. " * 2,
    "Each paragraph became something to turn over, and I found I remembered the books I read that way for "
    "years, while the ones I raced through faded within weeks. " * 2,
    "The trick, if there is one, is to stop at the end of every page and say in one sentence what it said, "
    "which is harder than it sounds and slower than anyone would like. " * 2,
]


def test_story_inside_a_comment_named_wrapper_is_kept_and_comments_are_not() -> None:
    """LessWrong wraps a post in ``commentOnSelection`` (readers may comment on a selection):
    trafilatura takes any class starting with "comment" for a comment section and would drop the
    story; the reader comments after it still go."""
    comment = "Great post, I tried this on my commute and it works better than I expected it would."
    page = LESSWRONG_LIKE.format(story="".join(f"<p>{p}</p>" for p in LONG_STORY), comment=comment)
    url = "https://fieldnotes.example/posts/reading-slowly"
    root = parse_source(page_source(page))
    assert root is not None
    assert "Reading slowly is a habit" not in (fallback_body(root, url) or "")  # what trafilatura does
    lead = next(p for p, text in paragraph_texts(root).items() if _prose(text))
    with as_displayed_for_trafilatura(lead, root, page_source(page)):
        kept = fallback_body(root, url) or ""
    for paragraph in LONG_STORY:
        assert paragraph.strip() in kept
    assert "commute" not in kept
    # the page's own names are put back after trafilatura has run
    assert root.xpath("//div[@class='commentOnSelection']")
    record = extract(page, url)
    assert record["provenance"]["body"] == "fallback:trafilatura"
    assert LONG_STORY[2].strip() in record["body"] and "commute" not in record["body"]


# an accordion as energysage.com's guides print it: the steps collapsed behind buttons that name
# their panels with ``aria-controls``; the site's menu collapsed the same way
ACCORDION_PAGE = """<html><head><title>Installing a rooftop water heater | Home Guides</title></head><body>
<header><nav><button aria-controls="menu-panel" aria-expanded="false">Menu</button>
<div id="menu-panel" style="display:none;"><ul><li><a href="/solar/">Solar</a></li>
<li><a href="/heat-pumps/">Heat pumps</a></li><li><a href="/batteries/">Batteries</a></li></ul></div></nav></header>
<main><article><h1>Installing a rooftop water heater</h1>
<p>{intro}</p>
<div class="es-accordion-list">{steps}</div>
<p>{outro}</p>
</article></main><footer><p>Home Guides, 2025</p></footer></body></html>"""
STEP = """<div class="es-accordion"><div class="position-relative d-block"><a id="step_{n}_header" role="button"
aria-controls="step_{n}_content" class="es-accordion-heading"><span role="heading" aria-level="3">{n}. {title}</span></a></div>
<div id="step_{n}_content" style="display:none;" role="region" aria-labelledby="step_{n}_header">
<div class="es-accordion-content"><p>{text}</p></div></div></div>"""
STEPS = [
    ("Check the roof", "Before anything is ordered, a fitter checks that the roof can carry a full tank and "
     "that the pipes from it to the bathroom can be kept short enough to lose little heat."),
    ("Choose the size", "A household of four usually needs a tank of about two hundred litres; a smaller one "
     "runs out on cloudy days, and a larger one costs more than the extra hot water is worth."),
    ("Book the fitting", "Fitting takes a day, most of it spent on the pipework; ask for the pressure valve "
     "to be tested while the fitter is still there, not after the first cold shower."),
]


def test_collapsed_accordion_panels_are_part_of_the_body() -> None:
    steps = "".join(STEP.format(n=n, title=title, text=text) for n, (title, text) in enumerate(STEPS, 1))
    intro = ("A solar water heater on the roof can cover most of a household's hot water for much of the "
             "year, and fitting one is simpler than many owners expect.")
    outro = ("Once it is running, a yearly look at the panel's glass and the valve is all the care it needs, "
             "and most tanks last fifteen years or more.")
    page = ACCORDION_PAGE.format(intro=intro, steps=steps, outro=outro)
    record = extract(page, "https://homeguides.example/solar/rooftop-water-heater/")
    body = record["body"]
    positions = [body.find(text) for text in (intro, *(t for _, t in STEPS), outro)]
    assert -1 not in positions and positions == sorted(positions), body
    assert "Heat pumps" not in body  # the menu was shown too, and is still left out as a menu
    # trafilatura alone leaves the steps out
    root = parse_source(page_source(page))
    assert root is not None
    assert STEPS[0][1] not in (fallback_body(root, None) or "")
    with as_displayed_for_trafilatura(None, root, page_source(page)):
        assert STEPS[0][1] in (fallback_body(root, None) or "")
    # and the page is put back as it was
    assert root.get_element_by_id("step_1_content").get("style") == "display:none;"
    assert root.get_element_by_id("menu-panel").get("style") == "display:none;"


def test_hidden_blocks_that_no_control_opens_stay_hidden() -> None:
    """A hidden block with an id that no ``aria-controls`` names (a modal, a template for a script)
    is not shown."""
    secret = "This sign-up form text is only ever shown by a script and is not part of the story at all."
    page = ACCORDION_PAGE.format(intro=STORY[0], steps=f'<div id="signup" style="display: none"><p>{secret}</p></div>',
                                 outro=STORY[1])
    root = parse_source(page_source(page))
    assert root is not None
    with as_displayed_for_trafilatura(None, root, page_source(page)):
        assert root.get_element_by_id("signup").get("style") == "display: none"
    assert secret not in (extract(page, "https://homeguides.example/x/").get("body") or "")


def test_panels_sharing_an_id_are_all_shown() -> None:
    """A component repeated on a page often repeats its ids (energysage's accordions all name
    ``undefined_0_content``): every panel a control names is shown, not only the first."""
    first = STEP.format(n=1, title=STEPS[0][0], text=STEPS[0][1])
    second = STEP.format(n=1, title=STEPS[1][0], text=STEPS[1][1])
    page = ACCORDION_PAGE.format(intro=STORY[0], steps=first + "<h2>Costs</h2>" + second, outro=STORY[2])
    body = extract(page, "https://homeguides.example/solar/costs/")["body"]
    assert STEPS[0][1] in body and STEPS[1][1] in body


def test_a_hostile_streamed_page_is_placed_in_bounded_work() -> None:
    """Thousands of parts and placeholders side by side, fallbacks without closing comments: parts
    go in up to the cap, in order, no fallback walk runs on past its bound, and no text is lost.
    (A position count per insert made this quadratic: 8 s for this page.)"""
    from archiver.extract import streamed

    parts = streamed._MAX_SEGMENTS + 500
    page = (
        "<html><body><article><h1>Night market</h1>"
        + "".join(f'<template id="B:{i}"></template><div>Loading...</div>' for i in range(parts))
        + "</article>"
        + "".join(f'<div hidden id="S:{i}"><p>part {i} of the story</p></div>' for i in range(parts))
        + "</body></html>"
    )
    root, moved = _placed(page)
    assert moved == streamed._MAX_SEGMENTS
    article = root.find(".//article")
    placed = [_text(p) for p in article.iter("p")]
    assert placed == [f"part {i} of the story" for i in range(streamed._MAX_SEGMENTS)]
    assert len(root.xpath("//*[@hidden][starts-with(@id, 'S:')]")) == 500  # past the cap: left as they were
    assert _text(article).count("Loading...") == parts  # no closing comment: every fallback kept


def test_a_hostile_page_of_controls_shows_a_bounded_number_of_panels() -> None:
    from archiver.extract import trafilatura_input

    count = 3000
    page = (
        "<html><body><article>"
        + "".join(f'<button aria-controls="panel-{i}">open</button>'
                  f'<div id="panel-{i}" style="display:none"><p>answer {i}</p></div>' for i in range(count))
        + "".join(f'<button aria-controls="shared">open</button><div id="shared" hidden><p>again {i}</p></div>'
                  for i in range(count))
        + "</article></body></html>"
    )
    source = page_source(page)
    root = parse_source(source)
    assert root is not None and source is not None
    with as_displayed_for_trafilatura(None, root, source):
        shown = [el for el in root.iter("div") if (el.get("id") != "shared" and "style" not in el.attrib)
                 or (el.get("id") == "shared" and "hidden" not in el.attrib)]
        assert len(shown) == trafilatura_input._MAX_PANELS
    assert all(el.get("style") == "display:none" for el in root.iter("div") if el.get("id") != "shared")
    assert all("hidden" in el.attrib for el in root.iter("div") if el.get("id") == "shared")


# questions folded into HTML's own disclosure widget, as the Harvard Nutrition Source prints them
DETAILS_PAGE = """<html><head><title>Reading food labels | Nutrition Notes</title></head><body>
<header><details class="menu-drawer-container"><summary>Menu</summary><ul>
<li><a href="/recipes/">Recipes</a></li><li><a href="/guides/">Guides</a></li><li><a href="/about/">About</a></li></ul>
</details></header>
<main><article><h1>Reading food labels</h1>
<p>{intro}</p>
<h2 class="wp-block-heading">Your Questions Answered</h2>
<div class="hsph-bootstrap">{questions}</div>
<p>{outro}</p>
</article></main></body></html>"""
QUESTION = """<details id="expandable-{n}" class="expandable bg-light border-left py-1 px-3 mb-4">
<summary class="h6 my-2" role="heading" aria-level="6">{question}</summary>
<p><br />{answer}</p></details>"""
QUESTIONS = [
    ("Is the serving size the amount I should eat?", "No: the serving size is the amount the maker used to "
     "work out the figures on the label, and it is often smaller than what people actually eat at one sitting."),
    ("What does a daily value of 20 percent mean?", "It means one serving gives a fifth of what an average "
     "adult needs of that nutrient in a day, which counts as a lot for salt and as a good amount for fibre."),
]


def test_questions_in_details_are_part_of_the_body() -> None:
    questions = "".join(QUESTION.format(n=n, question=q, answer=a) for n, (q, a) in enumerate(QUESTIONS))
    intro = ("Food labels carry more than a list of ingredients, and a minute spent on the panel at the back "
             "of the pack can tell you most of what you need to know about what is inside.")
    outro = ("The same label rules apply to drinks, so a bottle of juice deserves the same look as a box of "
             "cereal before it goes into the basket.")
    page = DETAILS_PAGE.format(intro=intro, questions=questions, outro=outro)
    body = extract(page, "https://nutrition-notes.example/labels/")["body"]
    positions = [body.find(text) for text in (intro, *(a for _, a in QUESTIONS), outro)]
    assert -1 not in positions and positions == sorted(positions), body
    assert "Recipes" not in body  # the menu folded the same way is still left out as a menu
    root = parse_source(page_source(page))
    assert root is not None
    assert QUESTIONS[0][1] not in (fallback_body(root, None) or "")  # trafilatura alone drops them
    disclosures: list = []
    paragraph_texts(root, disclosures)
    assert [d.get("class") for d in disclosures][1:] == ["expandable bg-light border-left py-1 px-3 mb-4"] * 2
    with as_displayed_for_trafilatura(None, root, page_source(page), disclosures):
        assert QUESTIONS[0][1] in (fallback_body(root, None) or "")
    assert root.get_element_by_id("expandable-0").get("class").startswith("expandable")  # put back


def test_panels_hidden_by_a_class_or_inside_a_hidden_wrapper_are_shown() -> None:
    """Two more ways an accordion hides its panels: a stylesheet's class (Tailwind's ``hidden``, as on
    affordablecollegesonline.org) and a collapsing box around a visible panel (Chakra UI's
    ``chakra-collapse`` with ``display:none``)."""
    tailwind = (
        '<div class="ss-accordion"><button aria-controls="content-1" id="header-1" aria-expanded="false" '
        'class="ss-accordion-toggle"><h3>Our methodology</h3></button>'
        f'<div id="content-1" class="ss-accordion-content pl-2 border-b hidden "><div><p>{STEPS[0][1]}</p></div></div></div>'
    )
    chakra = (
        '<div class="chakra-accordion__item"><h2><button type="button" id="accordion-button-2" '
        'aria-expanded="false" aria-controls="accordion-panel-2" class="chakra-accordion__button">Sizes</button></h2>'
        '<div class="chakra-collapse" style="overflow:hidden;display:none;opacity:0;height:0px">'
        '<div role="region" id="accordion-panel-2" aria-labelledby="accordion-button-2" class="chakra-accordion__panel">'
        f"<p>{STEPS[1][1]}</p></div></div></div>"
    )
    page = ACCORDION_PAGE.format(intro=STORY[0], steps=tailwind + chakra, outro=STORY[2])
    root = parse_source(page_source(page))
    assert root is not None
    alone = fallback_body(root, None) or ""
    assert STEPS[0][1] not in alone and STEPS[1][1] not in alone
    with as_displayed_for_trafilatura(None, root, page_source(page)):
        shown = fallback_body(root, None) or ""
    assert STEPS[0][1] in shown and STEPS[1][1] in shown
    assert root.get_element_by_id("content-1").get("class").endswith("hidden ")  # put back
    assert "display:none" in root.get_element_by_id("accordion-panel-2").getparent().get("style")
    body = extract(page, "https://homeguides.example/solar/sizes/")["body"]
    assert STEPS[0][1] in body and STEPS[1][1] in body


# a guide as softjourn.com prints it: paragraphs in <p>, but each section's "Updates:" box written
# as a <div> of text, and a call-to-action banner after it
GUIDE_PAGE = """<html><head><title>Choosing a programming language | Field Guides</title></head>
<body class="pageWrapper"><main id="app1"><div class="content" id="content"><div class="small-headings">
<div class="main container"><div class="main-content">
<h1>Choosing a programming language for a new project</h1>
<div class="editor-content clearfix height-image" id="article-content">
{intro}
{sections}
</div>
<div class="author-box"><div class="author-bio">Dana Okafor writes about software teams and the tools they
choose, and has led engineering groups at two logistics companies over the last decade.</div>
<div class="author-bio-more">Before that she taught programming to adult learners for five years, which is
where most of her opinions about readable code were formed.</div></div>
</div></div></div></div></main>
<footer><p>Field Guides, 2026</p></footer></body></html>"""
GUIDE_SECTION = """<h2>{name}</h2>
<p>{first}</p>
<div class="special-container" style="background: #f4f5f7; border: none; padding: 30px;"><strong>Updates:</strong>&nbsp;{update}</div>
<p><div class="article-banner"><div class="title-link-banner-gradient banner-wrap"><div class="row">
<div class="col-md-12 article-content"><div class="title"> {banner} </div>
<div class="link button-animation"><div class="button-wrap"><a href="/contact" class="btn px-0 py-2">
<div class="text white">get in touch</div></a></div></div></div></div></div></div></p>
<p>{second}</p>"""
GUIDE_SECTIONS = [
    ("Python", "Python remains the first choice for data work, with libraries for nearly every kind of "
     "analysis and a large pool of developers who already know them well.",
     "The latest release speeds up the interpreter again and makes the optional free-threaded build easier "
     "to try, which matters most for services that spend their time waiting on many small tasks.",
     "Need Python expertise for your next data project? Our developers are ready to help.",
     "Its weak points are start-up time and memory use, which rarely matter for analysis but can matter "
     "for small command-line tools that are run thousands of times a day."),
    ("Go", "Go is built for network services: a single binary, fast compilation and a standard library that "
     "covers most of what a web service needs without extra packages.",
     "Recent releases improved the garbage collector's pauses and added iterator functions to the standard "
     "library, so code that walks large collections is shorter than it used to be.",
     "Looking for skilled Go developers? Our team can build and run your services.",
     "Teams that come from dynamic languages sometimes find its error handling verbose, though most say "
     "after a few months that the explicit checks make failures easier to trace."),
]


GUIDE_INTRO = (
    "<p>Choosing a programming language is rarely a matter of taste alone: the project's size, the "
    "team's experience, the libraries it needs and the years it must be maintained all weigh on it.</p>"
    "<p>This guide looks at the languages our teams are asked for most often, what changed in each this "
    "year, and the questions worth asking before a first line of code is written.</p>")


def _guide(sections: list[tuple[str, str, str, str, str]], intro: str = GUIDE_INTRO) -> str:
    return GUIDE_PAGE.format(intro=intro, sections="\n".join(
        GUIDE_SECTION.format(name=name, first=first, update=update, banner=banner, second=second)
        for name, first, update, banner, second in sections))


def test_paragraphs_written_as_divs_between_the_story_paragraphs_are_kept() -> None:
    """trafilatura reads a ``<div>`` of text only on a page with almost no ``<p>`` text: the
    "Updates:" boxes of a guide written in ``<p>`` paragraphs are lost unless read as paragraphs."""
    page = _guide(GUIDE_SECTIONS)
    root = parse_source(page_source(page))
    assert root is not None
    updates = [update for _, _, update, _, _ in GUIDE_SECTIONS]
    assert not any(update in (fallback_body(root, None) or "") for update in updates)  # trafilatura
    texts = paragraph_texts(root)
    prose = [p for p, text in texts.items() if _prose(text)]
    with as_displayed_for_trafilatura(prose[0], root, page_source(page), (), prose[-1],
                                      sum(len(text) for text in texts.values())) as displayed:
        assert all(update in (fallback_body(root, None) or "") for update in updates)
    assert displayed.paragraph_chars > 0
    # the page is put back as it was
    assert len(root.xpath("//div[@class='special-container']")) == 2
    record = extract(page, "https://fieldguides.example/choosing-a-language/")
    body = record["body"]
    order = [body.find(text) for section in GUIDE_SECTIONS for text in (section[1], section[2], section[4])]
    assert -1 not in order and order == sorted(order), body
    # the author's bio after the story is a text div too, and stays out
    assert "Dana Okafor" not in body and "adult learners" not in body


def test_a_lone_text_div_between_paragraphs_is_not_read_as_one() -> None:
    """One text box amid a story's paragraphs is more often a call to action than a paragraph: it
    is left to trafilatura as it is (two are read, as in the test above)."""
    name, first, _, banner, second = GUIDE_SECTIONS[0]
    lone = (name, first, "Not sure where to start? Download our free guide to the twelve questions to ask "
            "before you hire a development team.", banner, second)
    page = _guide([lone, (GUIDE_SECTIONS[1][0], GUIDE_SECTIONS[1][1], "", "", GUIDE_SECTIONS[1][4])])
    root = parse_source(page_source(page))
    assert root is not None
    texts = paragraph_texts(root)
    prose = [p for p, text in texts.items() if _prose(text)]
    with as_displayed_for_trafilatura(prose[0], root, page_source(page), (), prose[-1],
                                      sum(len(text) for text in texts.values())) as displayed:
        assert "Download our free guide" not in (fallback_body(root, None) or "")
    assert displayed.paragraph_chars == 0


def test_text_divs_are_left_to_trafilatura_on_a_page_with_little_paragraph_text() -> None:
    """Under about a thousand characters of ``<p>`` text trafilatura reads text divs itself;
    renaming them would switch that reading off, so nothing is renamed."""
    page = _guide(GUIDE_SECTIONS, intro="")
    root = parse_source(page_source(page))
    assert root is not None
    texts = paragraph_texts(root)
    prose = [p for p, text in texts.items() if _prose(text)]
    total = sum(len(text) for text in texts.values())
    assert total < 1000
    updates = [update for _, _, update, _, _ in GUIDE_SECTIONS]
    with as_displayed_for_trafilatura(prose[0], root, page_source(page), (), prose[-1], total) as displayed:
        assert len(root.xpath("//div[@class='special-container']")) == 2
        assert all(update in (fallback_body(root, None) or "") for update in updates)
    assert displayed.paragraph_chars == 0


def test_a_hostile_page_of_text_divs_renames_a_bounded_number_in_bounded_work() -> None:
    """20,000 prose divs side by side between two paragraphs: at most 500 are read as paragraphs,
    the check of where each lies is not repeated for the divs between the outer branches, and the
    page is put back."""
    divs = "".join(f"<div>Text block number {i} of a page written to be as heavy as it can be for the "
                   "extractor, ending like a sentence.</div>" for i in range(20_000))
    page = (f"<html><body><article><p>{LONG_STORY[0]}</p><section>{divs}</section>"
            f"<p>{LONG_STORY[1]}</p></article></body></html>")
    root = parse_source(page_source(page))
    assert root is not None
    texts = paragraph_texts(root)
    prose = [p for p, text in texts.items() if _prose(text)]
    started = time.process_time()
    with as_displayed_for_trafilatura(prose[0], root, page_source(page), (), prose[-1],
                                      sum(len(text) for text in texts.values()) + 1000) as displayed:
        renamed = len(root.xpath("//section/p"))
    assert time.process_time() - started < 5
    assert 2 <= renamed <= 500 and displayed.paragraph_chars > 0
    assert not root.xpath("//section/p") and len(root.xpath("//section/div")) == 20_000
