"""Captures: every HTTP exchange of a crawl kept as WARC/1.1 records, beside the archive made from them.

The archive keeps what the extractor made of a page; captures keep what the site sent, so a record can be
re-made from its bytes, replayed (pywb, replayweb.page) or shown as evidence after the site changed it. The
pieces, one job each:

- ``exchange``: the request and response as they went over the wire, rebuilt from Scrapy's objects (the body
  still content-encoded, repeated headers kept, the status line with its reason phrase, hop-by-hop headers
  Twisted consumed left out, ``Content-Length`` the stored payload's);
- ``records``: those exchanges as warcio records (``request``, ``response``, identical-payload ``revisit``,
  one ``warcinfo`` per file), each compressed as a gzip member of its own;
- ``warcfile``: one WARC being written under a hidden name, then finalised like an archive part (fsync, a
  no-clobber link, a CDXJ index beside it, a line in ``<captures root>/manifest.jsonl``);
- ``revisits``: the earlier captures of each URL by payload digest, in the state index, so a later run writes
  a revisit instead of a second copy;
- ``writer``: the WARCs of one crawl, per source, on a thread of their own;
- ``middleware``: the downloader middleware that hands every exchange to the writer and puts the capture's
  pointer in ``request.meta`` for the record;
- ``salvage``: what a killed run left (an open WARC, a WARC linked but not listed), finished by the next run of
  the source under its lock.
"""

from archiver.captures.paths import CAPTURE_META, captures_root

__all__ = ["CAPTURE_META", "captures_root"]
