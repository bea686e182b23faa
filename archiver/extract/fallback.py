"""General main-content fallback for pages no site family describes.

Two open extractors are strong in different places, measured on the WCXB dev pages (see
``bench/``): trafilatura is precise but sometimes keeps only a fragment of a long page (a lead
paragraph, one section of a listicle); resiliparse's main-content mode almost never loses the story
but keeps more furniture. So trafilatura (in its fast, recall-leaning mode, on a copy of the tree
already parsed) gives the body, and resiliparse's text replaces it only when trafilatura's is far
shorter, which is the signature of a truncated pick (resiliparse is only run when trafilatura's
text is short enough for that to be possible). When one ``<article>``/``<main>`` element holds most
of the page's paragraph text and the headline, trafilatura gets only that element, which is
cheaper to clean and score than the whole page. Both run with fixed options and no
cross-document cache, so the same page always gives the same text. Lines that are page furniture
(share prompts, "Read more", "Advertisement") are then dropped, and so are the teasers after a
closing "More from ..." heading and a second copy of a repeated block of paragraphs.
resiliparse's candidate leaves reader-comment sections out. Where trafilatura's text is kept, the
prose paragraphs of a section it dropped from the middle of the story (resiliparse has them, between
two paragraphs both kept) are put back in place (``_restore_dropped``). While trafilatura reads the
page, collapsed accordion panels are shown and the story's wrapper never bears a comment thread's
name (``trafilatura_input``).
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterable, Iterator

from lxml import etree
from lxml import html as lxml_html

from .dom import html_parser
from .section_headings import HEADING_TAGS, restore_headings
from .text import PROSE_CHARS as _PROSE_CHARS
from .text import clean_inline, element_text
from .text import is_prose as _prose
from .text import word_key as _words
from .trafilatura_input import as_displayed_for_trafilatura
from .xpath_guards import faster_xpaths

log = logging.getLogger(__name__)

# trafilatura's output vocabulary -> the HTML element with the same text role
_TAG_MAP = {
    "head": "h2",
    "list": "ul",
    "item": "li",
    "quote": "blockquote",
    "lb": "br",
    "row": "tr",
    "cell": "td",
    "hi": "span",
    "ref": "span",
    "del": "span",
    "graphic": "img",
}


# trafilatura's text is replaced when it is shorter than this share of resiliparse's.
_TRUNCATED = 0.3
# resiliparse is consulted only when trafilatura's text is shorter than this many characters or
# than this share of the page's <p> text
_SHORT = 2000
_PARAGRAPH_SHARE = 0.5
# Lines that are page furniture wherever they stand, by concept. Every phrase here was measured on
# the dev pages' two halves (``bench/devsplit.py``): a concept stays only when removing its lines
# helps pages of both halves and hurts neither half's mean, and a phrase of it only when it
# matched at least one page without hurting any (``bench/README.md``, "Rules re-checked").
_FURNITURE_PHRASES = (
    # share prompts
    r"share(?: this)?",
    # read-more links
    r"read more", r"continue reading",
    # advertising labels
    r"advertisement", r"sponsored",
    # navigation within the page
    r"skip to (?:main )?content", r"table of contents", r"back to top",
    r"back to (?:blog|home|all \w+|articles|news)",
    # calls to subscribe, follow, book
    r"(?:sign up|subscribe)(?: (?:to|for) our newsletter)?", r"follow us(?: on \w+)?",
    r"join our newsletter", r"book a demo",
    # reading time
    r"\d+ min(?:ute)?s? read",
    # a lone "Related posts" line: dropped, and so never a cut point (see ``_TAIL_MARKER``)
    r"related(?: posts| articles| stories)?",
)
_FURNITURE = re.compile(r"^(?:" + "|".join(_FURNITURE_PHRASES) + r")[.!:…]*$", re.IGNORECASE)


# a block of at least this many consecutive paragraphs (and characters) that repeats an earlier
# block word for word is a second copy of the same markup (a mobile and a desktop version of the
# story, a tabbed and an expanded one), not new text
_REPEAT_PARAGRAPHS = 4
_REPEAT_CHARS = 800


def _repeated_runs(keys: list[str]) -> set[int]:
    """Indexes of paragraphs that belong to a run repeating, in order, an earlier run."""
    first: dict[str, int] = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)
    dropped: set[int] = set()
    i = 0
    while i < len(keys):
        j = first[keys[i]]
        run = 0
        while j < i and i + run < len(keys) and j + run < i and keys[i + run] == keys[j + run]:
            run += 1
        if run >= _REPEAT_PARAGRAPHS and sum(map(len, keys[i:i + run])) >= _REPEAT_CHARS:
            dropped.update(range(i, i + run))
            i += run
        else:
            i += 1
    return dropped


# a heading that opens the page's closing furniture: teasers of other articles and feedback
# prompts. Everything from it on is dropped when it comes after half of the text (a "Related"
# heading near the top is more likely a section of the story itself). Lone lines that
# ``_FURNITURE`` removes first ("Related posts") are not cut points: they also sit between sections
# of a story, and cutting at them measured worse on both halves of the dev pages. Phrases were
# kept by the same measure as ``_FURNITURE_PHRASES``.
_TAIL_PHRASES = (
    # headings over teasers of other articles
    r"related(?: posts?| articles?| stories| content| reading| resources)?",
    r"you (?:may|might) (?:also )?(?:like|enjoy|be interested in)(?: the following)?(?: topics as well)?",
    r"you['’]ll also (?:like|love|enjoy)(?:\.\.\.)?", r"more from [\w .&'’-]{1,40}",
    r"recent (?:articles|posts|stories)", r"recommended(?: for you| articles| reading)?", r"also read",
    r"see more (?:reviews|articles|posts)",
    # a closing "About the author", "About us", "About <the company>" block
    r"about (?:the )?[\w .&'’-]{1,40}",
    # prompts for the reader's feedback
    r"did you find this (?:content|article) helpful\??", r"rate this (?:article|post)",
    r"how was this (?:issue|article)\??",
)
_TAIL_MARKER = re.compile(r"^(?:" + "|".join(_TAIL_PHRASES) + r")\s*[:.!…]*$", re.IGNORECASE)
_TAIL_SHARE = 0.5
_TAIL_MARKER_CHARS = 60  # longer than any of the headings above


def _cut_tail(paragraphs: list[str]) -> list[str]:
    """``paragraphs`` up to the first closing-furniture heading (see ``_TAIL_MARKER``) that
    comes after ``_TAIL_SHARE`` of the text."""
    total = sum(map(len, paragraphs))
    seen = 0
    for i, paragraph in enumerate(paragraphs):
        if (seen >= _TAIL_SHARE * total and len(paragraph) <= _TAIL_MARKER_CHARS
                and _TAIL_MARKER.match(paragraph.strip())):
            return paragraphs[:i]
        seen += len(paragraph)
    return paragraphs


def _drop_furniture(text: str) -> str:
    """``text`` without paragraphs that are only a share prompt, "Read more" or similar, without
    the closing furniture after a "Related posts"-like heading (see ``_cut_tail``) and without
    second copies of a block of paragraphs (see ``_REPEAT_PARAGRAPHS``).

    Single repeated paragraphs stay: a story may repeat a caption, credit or refrain on purpose.
    """
    paragraphs = _cut_tail([p for p in text.split("\n\n") if not _FURNITURE.match(p.strip())])
    if len(set(paragraphs)) == len(paragraphs):  # the usual case: nothing repeats
        return "\n\n".join(paragraphs)
    # paragraphs come whitespace-collapsed from ``element_text``/``clean_inline``
    dropped = _repeated_runs(paragraphs)
    return "\n\n".join(p for i, p in enumerate(paragraphs) if i not in dropped)


# a class or id token naming a reader-comment section or one comment ("comments-area",
# "comment-list", "wp-block-comments", "disqus_thread", WordPress's "respond" form)
_COMMENT_WORDS = frozenset({"comment", "comments", "commentlist", "respond", "disqus"})
# ... unless it names a control or counter that sits in the article (a comment-count link)
_COMMENT_CONTROLS = frozenset({"count", "link", "links", "button", "icon", "indicator", "toggle",
                               "has", "no", "enabled", "open", "closed"})
_TOKEN_PARTS = re.compile(r"[-_]+")


def _names_comments(value: str | None) -> bool:
    """Whether a class/id value names a comment section (see ``_COMMENT_WORDS``)."""
    for token in (value or "").lower().split():
        parts = set(_TOKEN_PARTS.split(token))
        if parts & _COMMENT_WORDS and not parts & _COMMENT_CONTROLS:
            return True
    return False


# what may name a comment section; the selector is evaluated by resiliparse itself
_COMMENT_SELECTOR = "[class*=omment], [id*=omment], #respond, [id*=disqus]"
_COMMENT_STEMS = (("omment", "o-mment"), ("respond", "re-spond"), ("disqus", "dis-qus"))
# at most this many candidate elements are looked at per page
_COMMENT_LOOKS = 60


def _drop_comments(tree: object, keep: str) -> None:
    """Remove reader-comment sections from resiliparse's tree.

    resiliparse's main-content mode keeps comment threads, which on blogs and forums are often
    several times the story's length; trafilatura drops them. A section holding ``keep`` (the
    start of trafilatura's text, so the story itself) is never removed, whatever its class says.
    The first match is taken again after each step (reading many elements of one resiliparse
    result list is slow); an element kept gets its names defused so that the search moves on.
    """
    body = getattr(tree, "body", None)
    if body is None:
        return
    for _ in range(_COMMENT_LOOKS):
        node = body.query_selector(_COMMENT_SELECTOR)
        if node is None:
            return
        named = _names_comments(node.getattr("class")) or _names_comments(node.getattr("id"))
        if named and not (keep and keep in node.text):
            node.decompose()
            continue
        for attr in ("class", "id"):
            value = node.getattr(attr)
            if value:
                for stem, defused in _COMMENT_STEMS:
                    value = value.replace(stem, defused)
                node.setattr(attr, value)


def _resiliparse_text(html: str | bytes, keep: str = "") -> str | None:
    """resiliparse's main-content text in the archive's paragraph format, or ``None``; comment
    sections not holding ``keep`` are left out."""
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree
    except ImportError:  # pragma: no cover - dependency declared in pyproject
        return None
    try:
        tree = HTMLTree.parse_from_bytes(html, "utf-8") if isinstance(html, bytes) else HTMLTree.parse(html)
        _drop_comments(tree, keep)
        raw = extract_plain_text(tree, main_content=True, list_bullets=False,
                                 alt_texts=False, links=False)
    except Exception as exc:  # a third-party parser must never break extraction
        log.debug("resiliparse failed: %s", exc)
        return None
    lines = [clean_inline(line) for line in raw.splitlines()]
    return "\n\n".join(line for line in lines if line) or None


# a container is handed to trafilatura alone when it holds at least this share of the page's
# paragraph text: what it leaves out is then furniture trafilatura would drop anyway
_CONTAINER_SHARE = 0.75
_CONTAINERS = etree.XPath("//article | //main | //*[@role='main']")
_STRING_VALUE = etree.XPath("string()", smart_strings=False)


def _is_container(el: etree._Element) -> bool:
    """Whether ``el`` is one that ``_CONTAINERS`` selects."""
    return el.tag in ("article", "main") or el.get("role") == "main"


def paragraph_texts(root: etree._Element,
                    disclosures: list[etree._Element] | None = None,
                    blocks: list[etree._Element] | None = None) -> dict[etree._Element, str]:
    """Each ``<p>`` of the page and its text, whitespace collapsed, in document order (read once,
    for the page's total, every container's share of it and ``_drops_inner_prose``).

    ``disclosures``, when given, receives the page's ``<details>`` elements, and ``blocks`` its
    ``<p>`` and ``<h2>``-``<h6>`` elements in document order (for ``restore_headings``), found by
    the same walk (lxml's walk by tag names costs less than the XPath ``//p`` alone).
    """
    texts: dict[etree._Element, str] = {}
    tags = ("p", "details", *(HEADING_TAGS if blocks is not None else ()))
    for el in root.iter(*tags):
        if el.tag == "p":
            texts[el] = " ".join(_STRING_VALUE(el).split())
            if blocks is not None:
                blocks.append(el)
        elif el.tag == "details":
            if disclosures is not None:
                disclosures.append(el)
        elif blocks is not None:
            blocks.append(el)
    return texts


def paragraph_lengths(root: etree._Element) -> dict[etree._Element, int]:
    """Each ``<p>`` of the page and the length of its text, whitespace collapsed."""
    return {p: len(text) for p, text in paragraph_texts(root).items()}


def paragraph_chars(root: etree._Element) -> int:
    """Length of all ``<p>`` text of the page, whitespace collapsed."""
    return sum(paragraph_lengths(root).values())


def content_container(root: etree._Element, anchor: etree._Element | None = None,
                      total: int | None = None,
                      lengths: dict[etree._Element, int] | None = None) -> etree._Element | None:
    """The smallest ``<article>``/``<main>`` element that holds most of the page's paragraph text
    (and the printed headline, when one was found), or ``None``.

    trafilatura's cost grows with the tree it cleans and scores, and on most article pages the
    story sits in one such container next to menus, sidebars and footers several times its size.
    A container that holds ``_CONTAINER_SHARE`` of all ``<p>`` text and the headline (so that
    the story's opening is not cut off) leaves out only furniture trafilatura drops anyway: on
    the WCXB dev pages body F1 was unchanged or better with it, at about a quarter less time.
    ``lengths``: the page's ``paragraph_lengths``, when already read.
    """
    lengths = paragraph_lengths(root) if lengths is None else lengths
    total = sum(lengths.values()) if total is None else total
    if total == 0:
        return None
    # with a headline, only its own ancestors qualify (read from it, not by a walk of the page)
    candidates = _CONTAINERS(root) if anchor is None else [
        el for el in reversed([anchor, *anchor.iterancestors()]) if _is_container(el)]
    best: tuple[int, etree._Element] | None = None
    for el in candidates:
        chars = sum(lengths.get(p, 0) for p in el.iter("p"))
        if chars < _CONTAINER_SHARE * total:
            continue
        size = len(" ".join(_STRING_VALUE(el).split()))
        if best is None or size < best[0]:
            best = (size, el)
    return best[1] if best else None


@contextlib.contextmanager
def _standalone(container: etree._Element) -> Iterator[lxml_html.HtmlElement]:
    """A document holding only ``container``, which trafilatura can take as a whole page (it reads
    no metadata here, so the ``<head>`` and its scripts are left behind).

    The container is lent, not copied: it is moved into the new document and put back in its place
    (with its tail) on leaving, as trafilatura copies what it is given before changing anything.
    A copy of our own cost as much as each of trafilatura's (half a millisecond on the median page).
    """
    parent = container.getparent()
    if parent is None:  # the page's root itself: nothing to move
        yield container
        return
    position = parent.index(container)
    tail = container.tail
    # made by the page's own parser, so that the copies trafilatura makes of it keep its cheap
    # element class lookup (see ``dom.html_parser``)
    doc = html_parser().makeelement("html")
    body = html_parser().makeelement("body")
    doc.append(body)
    body.append(container)
    container.tail = None
    try:
        yield doc
    finally:
        parent.insert(position, container)
        container.tail = tail


def _added_prose(primary: str, backup: str) -> int:
    """Characters of prose paragraphs in ``backup`` that ``primary`` does not contain.

    When resiliparse finds at least as much new running prose as trafilatura kept in all, the
    trafilatura pick is a fragment of the story even if it is not short against the whole of
    resiliparse's text (which also counts the short lines of menus and lists).
    """
    kept = _words(primary)
    budget = _SCAN_BUDGET
    added = 0
    for paragraph in backup.split("\n\n"):
        if not _prose(paragraph):
            continue
        budget -= len(kept)
        if budget < 0:
            break
        if _words(paragraph) not in kept:
            added += len(paragraph)
    return added


def _opening(text: str | None) -> str:
    """The first words of ``text``'s first line: a string the story's own section contains."""
    if not text:
        return ""
    return text.split("\n", 1)[0][:40].strip()


# a dropped section is restored only when its prose is at least this share of what trafilatura kept
_RESTORE_SHARE = 0.05
# characters that the look-ups of one page's paragraphs in the other extractor's text may scan: far above
# any real page (a 200 KB text looked up for 500 paragraphs is 100 million), it keeps a hostile page
# (16 MB, tens of thousands of paragraphs) to a fraction of a second; past it, no more is looked up
_SCAN_BUDGET = 256_000_000
# characters from the middle of a paragraph looked up in trafilatura's text (the cheap check)
_PROBE_CHARS = 32


def _drops_inner_prose(primary: str, texts: Iterable[str]) -> bool:
    """Whether the page has prose ``<p>`` paragraphs that trafilatura left out between the first
    and the last paragraph it kept, together at least ``_RESTORE_SHARE`` of its text.

    trafilatura drops whole sections in the middle of a story (an accordion, a block whose class
    names a widget or a sidebar, a table of contents wrapper around the next chapter); prose it
    left out inside the stretch it kept is the sign. The check reads only the page's long
    paragraphs and looks up a slice of each in trafilatura's text, so the second extractor that
    ``_restore_dropped`` needs runs on the few pages that show it (a slice that trafilatura's
    rewriting of inline text changed only costs that run, never text).
    """
    enough = _RESTORE_SHARE * len(primary)
    budget = _SCAN_BUDGET
    missing = 0
    pending = 0
    seen_kept = False
    position = 0  # kept paragraphs come in trafilatura's text in page order: look on from the last
    for text in texts:
        if len(text) < _PROSE_CHARS:
            continue
        found, scanned = _found_in(primary, text, position)
        budget -= scanned
        if budget < 0:
            return False
        if found >= 0:
            position = found
            seen_kept = True
            missing += pending
            if missing >= enough:
                return True
            pending = 0
        elif seen_kept and _prose(text):
            pending += len(text)
    return False


def _found_in(primary: str, text: str, position: int) -> tuple[int, int]:
    """Where a slice of ``text`` ends in ``primary`` (looked for from ``position`` first), or -1, and
    about how many characters of ``primary`` the search read.

    Slices from the middle, then a quarter and three quarters in: a paragraph's string value joins
    the lines of a ``<br>`` with nothing or a space where trafilatura puts a newline, and one such
    join rarely falls in all three."""
    half = _PROBE_CHARS // 2
    scanned = 0
    for centre in (len(text) // 2, len(text) // 4, 3 * len(text) // 4):
        probe = text[max(0, centre - half): centre + half]
        at = primary.find(probe, position)
        if at < 0 and position:
            scanned += len(primary)
            at = primary.find(probe)
        if at >= 0:
            return at + len(probe), scanned + at - min(at, position)
        scanned += len(primary)
    return -1, scanned


def _restore_dropped(primary: str, backup: str) -> str | None:
    """``primary`` with the prose paragraphs of ``backup`` that it lacks between the first and the
    last paragraph the two share, each put after the shared paragraph it follows; ``None`` when
    they come to less than ``_RESTORE_SHARE`` of ``primary``.

    resiliparse keeps the sections trafilatura drops, and it also keeps what trafilatura rightly
    left out around the story (comments, teasers, newsletter boxes), which is why its text does
    not simply replace trafilatura's (measured on both halves of the dev pages: switching whole
    texts loses as much as it gains). Prose inside the stretch both kept is the story's own: on
    the WCXB dev pages restoring it raised body F1 on the tuning and on the checking half
    (``bench/README.md``).
    """
    kept = _words(primary)
    budget = _SCAN_BUDGET
    restored: dict[int, list[str]] = {}  # index of a shared backup paragraph -> prose after it
    anchor: int | None = None
    pending: list[str] = []
    backup_paragraphs = backup.split("\n\n")
    for index, paragraph in enumerate(backup_paragraphs):
        budget -= len(kept)
        if budget < 0:
            break
        said = _words(paragraph)
        shared = said in kept
        if shared and said.count(" ") >= 4:
            if anchor is not None and pending:
                restored[anchor] = pending
            anchor, pending = index, []
        elif not shared and anchor is not None and _prose(paragraph):
            pending.append(paragraph)
    if sum(len(p) for found in restored.values() for p in found) < _RESTORE_SHARE * len(primary):
        return None
    paragraphs = primary.split("\n\n")
    said_each = [_words(p) for p in paragraphs]
    after: dict[int, list[str]] = {}
    for index, found in restored.items():
        tail = " ".join(_words(backup_paragraphs[index]).split()[-8:])
        at = next((j for j, said in enumerate(said_each) if tail in said), len(paragraphs) - 1)
        after.setdefault(at, []).extend(found)
    out: list[str] = []
    for j, paragraph in enumerate(paragraphs):
        out.append(paragraph)
        out.extend(after.get(j, ()))
    return "\n\n".join(out)


def general_body(html: str | bytes, url: str | None, root: etree._Element | None = None,
                 anchor: etree._Element | None = None) -> tuple[str | None, str]:
    """Main text of a page no family describes, and its provenance label.

    ``root`` (the already parsed document) spares trafilatura a second parse (trafilatura copies
    it before cleaning, so it is never modified). ``anchor`` is the printed headline, when found:
    the container handed to trafilatura must hold it.
    """
    total = 0
    divs_read = 0
    texts: dict[etree._Element, str] = {}
    if root is None:
        primary = fallback_body(html, url)
    else:
        disclosures: list[etree._Element] = []
        blocks: list[etree._Element] = []
        texts = paragraph_texts(root, disclosures, blocks)
        lengths = {p: len(text) for p, text in texts.items()}
        total = sum(lengths.values())
        container = content_container(root, anchor, total, lengths)
        prose = [p for p, text in texts.items() if _prose(text)]
        lead = prose[0] if prose else None
        with as_displayed_for_trafilatura(lead, root if container is None else container,
                                          html if isinstance(html, bytes) else None, disclosures,
                                          prose[-1] if prose else None, total) as displayed:
            if container is None:
                primary = fallback_body(root, url)
            else:
                with _standalone(container) as document:
                    primary = fallback_body(document, url)
        divs_read = displayed.paragraph_chars
        if primary:
            primary = restore_headings(primary, blocks, texts)
    if (primary and root is not None
            and len(primary) - divs_read >= max(_SHORT, _PARAGRAPH_SHARE * total)):
        # a truncated pick is short, absolutely or against the page's own paragraph text; on
        # the WCXB dev pages every pick resiliparse replaced was, and skipping resiliparse
        # elsewhere saves its whole second parse of the page. The text divs read as paragraphs
        # are not counted: they would lengthen trafilatura's text past this test while the rest
        # of a story written in divs (short lines, lists) may still be missing
        if not _drops_inner_prose(primary, texts.values()):
            return _drop_furniture(primary) or None, "fallback:trafilatura"
        backup = _resiliparse_text(html, _opening(primary))
        return _with_restored(primary, backup)
    backup = _resiliparse_text(html, _opening(primary))
    if not primary:
        return (_drop_furniture(backup) or None, "fallback:resiliparse") if backup else (
            None, "fallback:trafilatura")
    added = _added_prose(primary, backup) if backup else 0
    if backup and (len(primary) < _TRUNCATED * len(backup) or added >= len(primary)):
        return _drop_furniture(backup) or None, "fallback:resiliparse"
    # the prose resiliparse adds anywhere bounds what it can restore inside the kept stretch
    return _with_restored(primary, backup if added >= _RESTORE_SHARE * len(primary) else None)


def _with_restored(primary: str, backup: str | None) -> tuple[str | None, str]:
    """trafilatura's text with the sections it dropped restored from resiliparse's, when there are
    any (see ``_restore_dropped``), and the label that says which it is."""
    restored = _restore_dropped(primary, backup) if backup else None
    if restored is None:
        return _drop_furniture(primary) or None, "fallback:trafilatura"
    return _drop_furniture(restored) or None, "fallback:trafilatura+resiliparse"


def fallback_body(html: str | bytes | etree._Element, url: str | None) -> str | None:
    """Main text of ``html`` (markup or a parsed tree) found by trafilatura, or ``None`` when it
    finds nothing or fails."""
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - dependency declared in pyproject
        return None
    try:
        with faster_xpaths():  # the same elements, fewer callbacks (see ``xpath_guards``)
            document = trafilatura.bare_extraction(
                html,
                url=url,
                fast=True,
                favor_precision=False,
                favor_recall=True,
                include_comments=False,
                include_tables=True,
                include_images=False,
                include_links=False,
                deduplicate=False,
                with_metadata=False,
                # any format but "python" leaves out the plain-text rendering of the body, which
                # bare_extraction otherwise makes and which we do not use (we read the body tree)
                output_format="txt",
            )
    except Exception as exc:  # a third-party parser must never break extraction
        log.debug("trafilatura failed on %s: %s", url, exc)
        return None
    body = getattr(document, "body", None)
    if body is None and isinstance(document, dict):
        body = document.get("body")
    if not isinstance(body, etree._Element):
        return None
    for el in body.iter():
        if isinstance(el.tag, str) and el.tag in _TAG_MAP:
            el.tag = _TAG_MAP[el.tag]
        elif el.tag == "code" and "\n" in "".join(el.itertext()):
            el.tag = "pre"
    text = element_text(body)
    return text or None
