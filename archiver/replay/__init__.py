"""Replaying crawls from their captures: ``archiver reextract``.

A re-extraction is a crawl whose network is the captures. The same spiders, discovery plans, pipelines, archive
feeds and accounting run as in ``archiver crawl``; only the download handler differs: every request is
answered from the latest capture of its URL, read by the offset its CDXJ line gives, and a request with no
capture fails with a named, counted reason (``not_captured``) instead of going to the network. The pieces, one
job each:

- ``catalog``: the captures of each source, from the captures manifest and the CDXJ beside each WARC: the
  latest capture of every URL, the full responses revisits refer to, the address the crawl fetched from;
- ``session``: what one replayed crawl knows (its source's catalog, the URLs asked for, when each capture was
  made), shared by the handler, the spider and the pipeline below;
- ``handler``: the download handler that answers requests from captures;
- ``spiders``: the registry spiders, plus the captured pages discovery did not reach (pages an incremental run
  or ``archiver fetch`` captured, whose discovery documents were never fetched whole);
- ``pipelines``: a record's ``fetched_at`` is when its capture was made;
- ``compare``: the new archive against the original, record by record and field by field;
- ``command``: ``archiver reextract`` itself.
"""
