"""The US diplomatic missions' WordPress network (``<cc>.usembassy.gov`` and its sister hosts).

Discovery comes from the ``usembassy`` family plan (``archiver.discovery.plan``), each method used only when
the one before found nothing: Yoast's ``/sitemap_index.xml`` -> ``post-sitemap*.xml``; WordPress core's
``/wp-sitemap.xml``; the ``/feed/`` RSS and then the listing pages (``/news-events/page/N/``,
``/category/<slug>/page/N/``). Posts have flat URLs (``/<slug>/``), so any same-site path that is not a
listing, taxonomy or asset path counts as a post.
"""

from __future__ import annotations

import re

from archiver.discovery.plan import USEMBASSY_LISTINGS
from archiver.spiders.registry import RegistrySpider, path_and_query

DEFAULT_LISTINGS = USEMBASSY_LISTINGS
NOT_POSTS = re.compile(r"^/(category|tag|author|page|feed|wp-content|wp-json|wp-admin|news-events)(/|$)")


class EmbassySpider(RegistrySpider):
    name = "embassy"
    source_kind = "embassy"
    source_argument = "site"

    def default_is_article(self, url: str) -> bool:
        path = path_and_query(url)
        return path != "/" and not NOT_POSTS.match(path)
