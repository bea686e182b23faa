"""usembassy.gov (cms3 theme, Yoast) post markup for test sites, filled with our own text.

The same head, header, article and footer structure as the bundled demo pages, condensed: enough of the real
page's furniture (navigation, share bar, related posts, sidebar, footer) that an extractor which kept
furniture would fail the tests.
"""

from __future__ import annotations

import html
import json


def embassy_post(
    base: str,
    slug: str,
    title: str,
    paragraphs: list[str],
    published: str,
    *,
    lang: str = "en-US",
    charset_meta: str | None = "UTF-8",
    section: str = "News",
) -> str:
    url = f"{base}/{slug}/"
    esc = html.escape
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "@id": url, "url": url, "name": f"{title} | U.S. Embassy in Laos",
             "datePublished": published, "dateModified": published, "inLanguage": lang},
            {"@type": "WebSite", "@id": f"{base}/#website", "url": f"{base}/", "name": "U.S. Embassy in Laos"},
        ],
    }
    body = "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
{meta}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} | U.S. Embassy in Laos</title>
<meta name="description" content="{esc(paragraphs[0][:150])}" />
<link rel="canonical" href="{url}" />
<meta property="og:locale" content="{lang.replace('-', '_')}" />
<meta property="og:type" content="article" />
<meta property="og:title" content="{esc(title)} | U.S. Embassy in Laos" />
<meta property="og:url" content="{url}" />
<meta property="og:site_name" content="U.S. Embassy in Laos" />
<meta property="article:published_time" content="{published}" />
<script type="application/ld+json" class="yoast-schema-graph">{json.dumps(graph)}</script>
</head>
<body class="post-template-default single single-post postid-4242 single-format-standard">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<div id="page" class="site">
<section class="usa-banner">An official website of the United States government</section>
<header id="masthead" class="site-header">
<div class="site-branding"><a href="{base}/" rel="home"><img src="{base}/logo.png" alt="U.S. Embassy in Laos"></a></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">
<li><a href="{base}/">Home</a></li><li><a href="{base}/u-s-citizen-services/">U.S. Citizen Services</a></li>
<li><a href="{base}/visas/">Visas</a></li><li><a href="{base}/news-events/">News &amp; Events</a></li></ul></nav>
</header>
<div id="content" class="site-content">
<div class="breadcrumbs"><span><a href="{base}/">Home</a></span> | <span>{esc(title)}</span></div>
<div id="primary" class="content-area"><main id="main" class="site-main">
<article id="post-4242" class="post-4242 post type-post status-publish format-standard hentry category-news">
<header class="entry-header"><h1 class="entry-title">{esc(title)}</h1>
<div class="entry-meta"><p class="mo-meta">By U.S. Embassy Vientiane | <span class="posted-on"><time class="entry-date published" datetime="{published}">{published[:10]}</time></span> | Topics: <a href="{base}/category/news/" rel="category tag">{esc(section)}</a></p></div>
</header>
<div class="entry-content">
{body}
<div class="addtoany_share_save_container addtoany_content addtoany_content_bottom"><div class="addtoany_header">Share:</div><div class="a2a_kit"><a class="a2a_button_facebook" href="#">Facebook</a><a class="a2a_button_twitter" href="#">Twitter</a><a class="a2a_button_email" href="#">Email</a></div></div>
</div>
</article>
<section class="related-posts"><h3>Related Articles</h3><ul><li><a href="{base}/other/">Embassy hosts trade roundtable</a> <a class="more-link" href="{base}/other/">Read More &raquo;</a></li></ul></section>
</main></div>
<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul><li><a href="{base}/other/">Embassy hosts trade roundtable</a></li></ul></section></aside>
</div>
<footer id="colophon" class="site-footer"><p>This is the official website of the U.S. Embassy in Laos. External links to other Internet sites should not be construed as an endorsement of the views or privacy policies contained therein.</p></footer>
</div></body></html>"""
