"""A site in no registry entry, for ``archiver fetch``: WordPress with its default block theme (Twenty
Twenty-Four), as a small NGO or a personal blog runs it, filled with our own text.

The page has the theme's real shape: Yoast-less head with WordPress's own canonical and oEmbed links, the
``wp-site-blocks`` wrapper, a header template part with the site title and navigation, the post title, date and
author blocks, the post content, tags, comments and a footer template part. No site family describes it, so it
is read by the general extractor.
"""

from __future__ import annotations

import html
from pathlib import Path


def block_theme_post(base: str, path: str, title: str, paragraphs: list[str], published: str, *,
                     author: str, site: str, tags: list[str]) -> str:
    esc = html.escape
    url = f"{base}{path}"
    day = published[:10]
    body = "\n\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    tag_links = ", ".join(f'<a href="{base}/tag/{esc(t.lower().replace(" ", "-"))}/" rel="tag">{esc(t)}</a>'
                          for t in tags)
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name='robots' content='max-image-preview:large' />
<title>{esc(title)} &#8211; {esc(site)}</title>
<link rel="alternate" type="application/rss+xml" title="{esc(site)} &raquo; Feed" href="{base}/feed/" />
<link rel='stylesheet' id='wp-block-library-css' href='{base}/wp-includes/css/dist/block-library/style.min.css?ver=6.5.2' media='all' />
<style id='global-styles-inline-css'>body{{--wp--preset--color--base: #f9f9f9;}}</style>
<link rel="https://api.w.org/" href="{base}/wp-json/" />
<link rel="alternate" type="application/json" href="{base}/wp-json/wp/v2/posts/318" />
<link rel="EditURI" type="application/rsd+xml" title="RSD" href="{base}/xmlrpc.php?rsd" />
<meta name="generator" content="WordPress 6.5.2" />
<link rel="canonical" href="{url}" />
<link rel='shortlink' href='{base}/?p=318' />
<link rel="alternate" type="application/json+oembed" href="{base}/wp-json/oembed/1.0/embed?url={esc(url)}" />
</head>
<body class="post-template-default single single-post postid-318 single-format-standard wp-embed-responsive">
<div class="wp-site-blocks">
<header class="wp-block-template-part">
<div class="wp-block-group alignwide has-base-background-color has-background is-layout-flex">
<p class="wp-block-site-title"><a href="{base}" target="_self" rel="home">{esc(site)}</a></p>
<nav class="is-responsive items-justified-right wp-block-navigation is-layout-flex" aria-label="Header navigation">
<ul class="wp-block-navigation__container">
<li class="wp-block-navigation-item"><a class="wp-block-navigation-item__content" href="{base}/about/"><span class="wp-block-navigation-item__label">About us</span></a></li>
<li class="wp-block-navigation-item"><a class="wp-block-navigation-item__content" href="{base}/projects/"><span class="wp-block-navigation-item__label">Projects</span></a></li>
<li class="wp-block-navigation-item"><a class="wp-block-navigation-item__content" href="{base}/donate/"><span class="wp-block-navigation-item__label">Support our work</span></a></li>
</ul></nav>
</div>
</header>
<main class="wp-block-group is-layout-flow" style="margin-top:var(--wp--preset--spacing--50)">
<div class="wp-block-group is-layout-constrained">
<h1 style="margin-bottom:var(--wp--preset--spacing--40);" class="wp-block-post-title">{esc(title)}</h1>
<div class="wp-block-template-part">
<div class="wp-block-group is-content-justification-left is-layout-flex">
<div class="wp-block-post-date"><time datetime="{published}"><a href="{url}">{day}</a></time></div>
<p class="has-contrast-2-color has-text-color">&mdash;</p>
<div class="wp-block-post-author-name"><a href="{base}/author/{esc(author.split()[0].lower())}/" target="_self" class="wp-block-post-author-name__link">{esc(author)}</a></div>
</div>
</div>
</div>
<div class="entry-content alignfull wp-block-post-content has-global-padding is-layout-constrained">
{body}
</div>
<div class="wp-block-group is-layout-constrained">
<div class="taxonomy-post_tag wp-block-post-terms">{tag_links}</div>
</div>
<div class="wp-block-comments wp-block-comments-query-loop">
<h2 class="wp-block-heading">Comments</h2>
<div id="respond" class="comment-respond wp-block-post-comments-form">
<h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>
<form action="{base}/wp-comments-post.php" method="post" id="commentform" class="comment-form" novalidate>
<p class="comment-notes">Your email address will not be published. Required fields are marked *</p>
<p class="comment-form-comment"><label for="comment">Comment</label><textarea id="comment" name="comment"></textarea></p>
<p class="form-submit wp-block-button"><input name="submit" type="submit" id="submit" class="wp-block-button__link" value="Post Comment" /></p>
</form>
</div>
</div>
</main>
<footer class="wp-block-template-part">
<div class="wp-block-group has-global-padding is-layout-constrained">
<p class="wp-block-site-title"><a href="{base}" target="_self" rel="home">{esc(site)}</a></p>
<p class="has-small-font-size">Designed with <a href="https://wordpress.org" rel="nofollow">WordPress</a></p>
</div>
</footer>
</div>
</body>
</html>
"""


# Our own text: a small river-conservation NGO's field report.
POST = {
    "path": "/2024/04/12/counting-river-dolphins-below-the-khone-falls/",
    "title": "Counting River Dolphins Below the Khone Falls",
    "published": "2024-04-12T08:30:00+07:00",
    "author": "Malee Vongsa",
    "tags": ["Field notes", "Mekong"],
    "paragraphs": [
        "Our spring survey team spent four mornings on the pool below the Khone Falls, where the last Irrawaddy "
        "dolphins of this stretch of the Mekong gather in the dry season.",
        "Two boats worked the pool in parallel lines at first light, when the water is calm enough to see a dorsal "
        "fin break the surface at two hundred metres, and every sighting was logged with its time and position.",
        "Volunteers from the villages on both banks joined the count this year, and their knowledge of where the "
        "animals feed after the morning fishing boats leave changed how we planned the afternoon transects.",
        "The numbers will be compared with the autumn survey before anything is published, but the team recorded "
        "calves on two of the four days, which is the most encouraging sign we have had since the project began.",
    ],
}


def write_site(root: Path, base: str = "https://www.example.org", site: str = "River Watch Notes") -> str:
    """Write the post (and a robots.txt) under ``root`` as the demo server serves a folder; returns its path."""
    post = POST
    page = block_theme_post(base, post["path"], post["title"], post["paragraphs"], post["published"],
                            author=post["author"], site=site, tags=post["tags"])
    folder = root / post["path"].strip("/")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(page, "utf-8")
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /wp-admin/\n", "utf-8")
    return post["path"]
