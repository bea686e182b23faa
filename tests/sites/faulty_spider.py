"""An embassy spider with one injected fault, to prove discovery's last-resort nets (tests only).

``-a fault=lost``: the request for ``post-sitemap2.xml`` is dropped at scheduling by raising ``IgnoreRequest``
from a ``request_scheduled`` handler, exactly as Scrapy's own offsite check drops a request: no callback, no
errback. ``-a fault=raise``: reading that document raises, as a bug in a reader would. Either way the step
must complete with the other child sitemap's posts, the document counted, and the run's accounting whole.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

from archiver.discovery.plan import DiscoveryStep
from archiver.sources import Source
from archiver.spiders.embassy import EmbassySpider

FAULTY = "post-sitemap2.xml"


class FaultyEmbassySpider(EmbassySpider):
    name = "embassy-faulty"

    def __init__(self, *args: Any, fault: str = "lost", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fault = fault

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> FaultyEmbassySpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.drop_silently, signal=signals.request_scheduled)
        return spider  # type: ignore[return-value]

    def drop_silently(self, request: Request, spider: Any = None) -> None:
        if self.fault == "lost" and request.url.endswith(FAULTY):
            raise IgnoreRequest("dropped at scheduling, as Scrapy's offsite check does")

    def _read_sitemap(self, response: Response, source: Source, index: int, step: DiscoveryStep,
                      parsed: Any) -> None:
        if self.fault == "raise" and response.url.endswith(FAULTY):
            raise RuntimeError("a reader bug")
        super()._read_sitemap(response, source, index, step, parsed)
