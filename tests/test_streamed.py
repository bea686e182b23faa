"""Streamed React pages read as displayed (``archiver.extract.streamed``), and a story wrapper whose
name starts like a comment section kept (``fallback._story_not_comments``).

The page shapes are those of the WCXB dev pages' Next.js sites (a shell with ``<template id="B:n">``
placeholders and "Loading..." fallbacks, the parts in hidden ``S:n`` divs after the footer, moved
by ``$RC``/``$RS`` calls), with our own text; ``tests/fixtures/extract/general_streamed_react.html``
is the whole-page case.
"""

from __future__ import annotations

from lxml import etree

from archiver.extract import extract
from archiver.extract.dom import page_source, parse_source
from archiver.extract.fallback import _story_not_comments, fallback_body, paragraph_texts
from archiver.extract.streamed import place_streamed_segments

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
    with _story_not_comments(paragraph_texts(root)):
        kept = fallback_body(root, url) or ""
    for paragraph in LONG_STORY:
        assert paragraph.strip() in kept
    assert "commute" not in kept
    # the page's own names are put back after trafilatura has run
    assert root.xpath("//div[@class='commentOnSelection']")
    record = extract(page, url)
    assert record["provenance"]["body"] == "fallback:trafilatura"
    assert LONG_STORY[2].strip() in record["body"] and "commute" not in record["body"]
