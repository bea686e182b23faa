"""Scrapy settings for archiver: polite, bounded and quiet by default.

Every value here is a default a scheduled job can rely on without flags; override per run with ``-s NAME=value``.
"""

BOT_NAME = "archiver"
SPIDER_MODULES = ["archiver.spiders"]
NEWSPIDER_MODULE = "archiver.spiders"

# Who we are. Site operators should be able to find and reach us; set ARCHIVER_CONTACT_URL to your own page.
ARCHIVER_CONTACT_URL = "https://github.com/archiver/archiver"
ARCHIVER_VERSION = "0.1.0"
USER_AGENT = f"archiver/{ARCHIVER_VERSION} (+{ARCHIVER_CONTACT_URL})"

# Politeness.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
# Scrapy starts CONCURRENT_ITEMS asyncio tasks for every response's output, however few items it holds
# (100 by default: about a tenth of the crawl process's CPU per article page went to creating and
# tearing them down). An article page yields one record and a sitemap yields requests, so a few suffice.
CONCURRENT_ITEMS = 4
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
# A short read is a broken page, not a shorter article: fail it (and count it) instead of archiving a torso.
DOWNLOAD_FAIL_ON_DATALOSS = True

# Retries with exponential backoff, waited out on the failing site's downloader slot only (see
# archiver.middlewares.backoff): base * 2**(attempt-1) seconds, or the server's Retry-After when longer, capped.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
ARCHIVER_RETRY_BACKOFF_BASE = 1.0
ARCHIVER_RETRY_BACKOFF_MAX = 60.0
# Scrapy's default queue (DownloaderAwarePriorityQueue), minus the sites waiting out a backoff: their requests
# stay in the scheduler instead of filling CONCURRENT_REQUESTS with requests that can only wait.
SCHEDULER_PRIORITY_QUEUE = "archiver.middlewares.BackoffAwarePriorityQueue"
# An article needs a few redirects at most (http -> https -> www -> new slug); a longer chain is a broken or
# hostile site, and fails as too_many_redirects (Scrapy's default, a browser's 20, is for login flows).
REDIRECT_MAX_TIMES = 5
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "archiver.middlewares.BackoffRetryMiddleware": 550,
    # Redirects and meta refreshes judged by the request's source (host and port); loops, long chains and
    # off-site targets fail with a reason instead of vanishing in the scheduler's filters.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "archiver.middlewares.SiteMetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "archiver.middlewares.SiteRedirectMiddleware": 600,
    # Sees the body as sent, before HttpCompressionMiddleware (590) decodes it leniently: a cut stream fails.
    "archiver.middlewares.CompleteContentCodingMiddleware": 595,
    # Next to the downloader: every attempt (3xx, 404, 429, bot checks, robots.txt) kept as WARC records, the
    # body as sent, before anything above turns it into a retry, a redirect or a decoded body.
    "archiver.captures.middleware.CaptureMiddleware": 950,
}

# Let non-2xx responses reach the spider's errback path through HttpError, where they are logged and counted.
HTTPERROR_ALLOW_ALL = False

# Components of ours.
ITEM_PIPELINES = {
    "archiver.pipelines.extract.ExtractPipeline": 100,
    "archiver.pipelines.normalise.NormalisePipeline": 200,
    "archiver.pipelines.validate.ValidatePipeline": 300,
    "archiver.pipelines.period.PeriodPipeline": 350,
    "archiver.pipelines.dedupe.DedupePipeline": 400,
    "archiver.pipelines.incremental.IncrementalPipeline": 500,
}
EXTENSIONS = {
    # Scrapy's feed exporter, but one failing feed (a user's -o) does not cost the archive's feeds an item.
    "scrapy.extensions.feedexport.FeedExporter": None,
    "archiver.archive.feeds.ArchiveFeedExporter": 0,
    "archiver.summary.RunSummary": 500,
    "archiver.state.guard.SourceGuard": 100,
}
# Scrapy 2.19 turns these on by default; an archiver job never needs remote code execution (``archiver crawl``
# does not even load them: ``runner.project_settings``).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# The archive's own feeds use the archive:// scheme; every other feed (a user's -o / -O / FEEDS) is Scrapy's.
FEED_STORAGES = {"archive": "archiver.archive.storage.AtomicFileFeedStorage"}
FEED_EXPORT_ENCODING = "utf-8"
LOG_FORMATTER = "archiver.logformat.ArchiverLogFormatter"

# Archive layout. Records are finalised in parts of at most this many items, so a killed run loses at most one
# unfinished part per source (which the next run fetches again).
ARCHIVER_BATCH_ITEMS = 500
ARCHIVER_DATA_DIR = None
ARCHIVER_ARCHIVE_DIR = None
# An archive on S3-compatible object storage for several machines: s3://bucket/prefix (archiver.archive.
# objectstore), reached with Scrapy's AWS_ENDPOINT_URL, AWS_REGION_NAME, AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY. None: $ARCHIVER_ARCHIVE_URL, else the local archive folder above.
ARCHIVER_ARCHIVE_URL = None
# Attempts per object-storage request (botocore's standard retry mode, with backoff) before a part fails.
ARCHIVER_S3_ATTEMPTS = 5
# Run reports (one JSON file per run); default: <data dir>/runs.
ARCHIVER_RUNS_DIR = None
# Cross-run state: the archive index (SQLite) and per-source locks; default: <data dir>/state.
ARCHIVER_STATE_DIR = None
# Shared state for several machines: a postgresql:// URL puts the index, the run reports registry and the
# per-source locks in PostgreSQL (archiver.state.pg). None: $ARCHIVER_STATE_URL, else the state folder above.
ARCHIVER_STATE_URL = None
# Skip pages the archive already holds unchanged (and sitemap entries whose lastmod has not moved).
ARCHIVER_INCREMENTAL = True
# Extraction worker processes: "auto" (one per core; none on a single core) or a number (0: in-process).
ARCHIVER_EXTRACT_PROCESSES = "auto"
# Discovery gives up on a document Scrapy dropped without calling back (its duplicate filter, offsite or URL-length
# checks) once nothing has been in flight for this many seconds, so one lost document never stalls a source.
ARCHIVER_STALL_SECONDS = 5.0
# Posts per page asked of WordPress's REST API (its maximum is 100).
ARCHIVER_WP_REST_PER_PAGE = 100
# Ask the API only for posts modified since the last run that saw the source whole (archiver.state.watermarks);
# False lists every post every run.
ARCHIVER_WP_REST_INCREMENTAL = True
# Pages shorter than this many words are not articles (cookie notices, redirect stubs, empty templates).
ARCHIVER_MIN_WORDS = 20

# Captures: every HTTP exchange kept as WARC/1.1 records (archiver.captures). Root: this folder, else
# <data dir>/captures beside the default archive, or <archive>-captures beside an archive given explicitly.
ARCHIVER_CAPTURE = True
ARCHIVER_CAPTURES_DIR = None
# A capture file is finalised and the next one begun once it reaches this size (1 GB), or holds this many
# exchanges (what the crawl keeps in memory for an open file's CDXJ index grows with its exchanges).
ARCHIVER_WARC_MAX_BYTES = 1_000_000_000
ARCHIVER_WARC_MAX_EXCHANGES = 10_000

LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_TEMPDIR = None

# First in, first out: discovery schedules a site's posts newest first, so that is the order they are fetched
# (Scrapy's default LIFO queues would fetch the oldest first).
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
