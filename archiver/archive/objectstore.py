"""The archive on S3-compatible object storage: ``ARCHIVER_ARCHIVE_URL=s3://bucket/prefix``.

Objects cannot be appended to, renamed or (safely) rewritten, so the local guarantees are rebuilt from the two
things object storage does promise: a single ``PUT`` of a whole object is atomic (readers see all of it or
nothing), and a conditional ``PUT`` (``If-None-Match: *``) refuses to replace an object that exists. Hence:

- a part is written and finalised locally first, in a spool folder (``<state folder>/s3-spool/<bucket>/
  <prefix>/archive``), exactly as a local part (temporary name, gzip check, fsync, no-clobber link);
- it is then uploaded whole, with its SHA-256 sent along (``ChecksumSHA256``: a server that checks it refuses
  a body that arrived damaged) and kept in the object's metadata, never over an existing object;
- the upload is verified before anything claims it: the object's size and checksum as the server reports them,
  or, from a server that keeps no checksum (moto), the object read back and hashed;
- only then are its records committed to the index, and then its manifest object is written
  (``<prefix>/manifest/source=<source>/<run-id>-<worker>-NNNN.json``, one per part, since there is no file to
  append a line to), and then the spooled copy is removed. Manifest objects are filed by source because a run
  reads those of its own source before it discovers anything: a prefix shared by every source would have each
  run list and read every source's, a cost that grows with the whole bucket (10,000 sources crawled hourly
  write some 20,000 manifest objects an hour).

An upload that fails (after botocore's own retries, ``ARCHIVER_S3_ATTEMPTS``) fails the part at stage
``upload`` and leaves it in the spool; the next run of the source uploads it before it discovers anything
(``push_spooled``). Since the index learns of a part's records only after its object is verified, and a part
is listed only after that, nothing is archived twice and nothing listed is missing.

Captures (WARC and CDXJ files) go the same way, to ``<prefix>/captures/source=.../date=.../``, with their own
manifest objects under ``<prefix>/captures/manifest/``.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import re
import socket
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from archiver.archive.manifest import listed_entries
from archiver.captures.warcfile import file_digest

SCHEME = "s3://"
ENVIRONMENT = "ARCHIVER_ARCHIVE_URL"
MANIFEST_FOLDER = "manifest"
CAPTURES_FOLDER = "captures"
DEFAULT_ATTEMPTS = 5
_CHUNK = 1 << 20


class ArchiveURLError(ValueError):
    """``ARCHIVER_ARCHIVE_URL`` (or ``--archive``) names something that is not ``s3://bucket[/prefix]``."""


class UploadFailed(RuntimeError):
    """An object could not be written whole, or what the server holds is not what was sent."""


@dataclass(frozen=True)
class ArchiveURL:
    bucket: str
    prefix: str  # no leading or trailing slash; may be empty

    @classmethod
    def parse(cls, url: str) -> ArchiveURL:
        if not url.startswith(SCHEME):
            raise ArchiveURLError(f"not an s3:// URL: {url!r}")
        bucket, _, prefix = url[len(SCHEME):].partition("/")
        if not re.fullmatch(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]", bucket):
            raise ArchiveURLError(f"{url!r}: {bucket!r} is not a bucket name")
        prefix = prefix.strip("/")
        if any(part in ("", ".", "..") for part in prefix.split("/")) and prefix:
            raise ArchiveURLError(f"{url!r}: the prefix has an empty, '.' or '..' segment")
        return cls(bucket, prefix)

    def __str__(self) -> str:
        return f"{SCHEME}{self.bucket}/{self.prefix}" if self.prefix else f"{SCHEME}{self.bucket}"

    def key(self, relative: str) -> str:
        return f"{self.prefix}/{relative}" if self.prefix else relative


def is_archive_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(SCHEME)


def archive_argument(value: str) -> str:
    """An ``--archive`` value as passed on to a crawl: an ``s3://`` URL as given (the crawl spools its parts and
    publishes them there), a folder as an absolute path."""
    return value if is_archive_url(value) else str(Path(value).resolve())


def archive_url_setting(settings: Any) -> ArchiveURL | None:
    """The archive URL a crawl writes to: ``ARCHIVER_ARCHIVE_URL`` (a Scrapy setting; unset falls back to the
    environment, empty means local), or None for a local archive. Raises ``ArchiveURLError`` for a bad one."""
    value = settings.get("ARCHIVER_ARCHIVE_URL")
    if value is None:
        value = os.environ.get(ENVIRONMENT)
    return ArchiveURL.parse(value) if value else None


def archive_url_of(argument: str | None, settings: Any) -> ArchiveURL | None:
    """The s3:// archive of a crawl: its ``archive`` argument when that is a URL, else the setting (a local
    ``archive`` argument wins over the setting: it names a folder)."""
    if argument:
        return ArchiveURL.parse(argument) if is_archive_url(argument) else None
    return archive_url_setting(settings)


def spool_dir(state_folder: Path, url: ArchiveURL) -> Path:
    """The local folder where parts of ``url`` are finalised before their upload (and wait after a failed one)."""
    return state_folder / "s3-spool" / url.bucket / (url.prefix or "_") / "archive"


def worker_id() -> str:
    """Names this process in manifest object keys (``ARCHIVER_WORKER_ID``, else host and pid)."""
    chosen = os.environ.get("ARCHIVER_WORKER_ID") or f"{socket.gethostname()}-{os.getpid()}"
    return re.sub(r"[^A-Za-z0-9_.]+", "_", chosen)


def file_sha256(path: Path) -> tuple[int, str]:
    """``(size, SHA-256 hex)`` of a file, read in chunks (the captures' digest, for parts too)."""
    return file_digest(path)


# Manifest objects never change once written: each is read once per process, whichever crawl asks (``archiver
# crawl --all`` prepares every source's crawl against the same bucket).
_manifests: dict[tuple[str, str, str], dict[str, Any] | None] = {}
_manifests_lock = threading.Lock()
_numbers = itertools.count(1)
_numbers_lock = threading.Lock()


def _next_number() -> int:
    with _numbers_lock:
        return next(_numbers)


class ObjectStore:
    """One S3 bucket and prefix, reached with Scrapy's ``AWS_*`` settings (boto3 clients are thread-safe)."""

    def __init__(self, url: ArchiveURL, *, endpoint_url: str | None = None, region: str | None = None,
                 access_key: str | None = None, secret_key: str | None = None, session_token: str | None = None,
                 attempts: int = DEFAULT_ATTEMPTS) -> None:
        import boto3
        from botocore.config import Config

        self.url = url
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None,
            aws_access_key_id=access_key or None, aws_secret_access_key=secret_key or None,
            aws_session_token=session_token or None,
            # botocore's own retries (with backoff) for throttling, 5xx and broken connections
            config=Config(retries={"max_attempts": max(1, attempts), "mode": "standard"},
                          connect_timeout=5, read_timeout=60))
        self.endpoint_url = endpoint_url or ""

    @classmethod
    def from_settings(cls, settings: Any, url: ArchiveURL) -> ObjectStore:
        return cls(url, endpoint_url=settings.get("AWS_ENDPOINT_URL"), region=settings.get("AWS_REGION_NAME"),
                   access_key=settings.get("AWS_ACCESS_KEY_ID"), secret_key=settings.get("AWS_SECRET_ACCESS_KEY"),
                   session_token=settings.get("AWS_SESSION_TOKEN"),
                   attempts=settings.getint("ARCHIVER_S3_ATTEMPTS", DEFAULT_ATTEMPTS))

    # -- writing ------------------------------------------------------------------------------------------------

    def put_file(self, local: Path, relative: str, sha256: str, size: int) -> str:
        """Upload ``local`` whole as ``<prefix>/<relative>``, never over another object, and verify it; returns
        the key. An object already there with this size and sha256 (an earlier upload whose run ended before it
        was listed) is taken as the upload. Raises ``UploadFailed``."""
        key = self.url.key(relative)
        checksum = base64.b64encode(bytes.fromhex(sha256)).decode("ascii")
        try:
            with local.open("rb") as body:
                self.client.put_object(Bucket=self.url.bucket, Key=key, Body=body,
                                       ChecksumSHA256=checksum, IfNoneMatch="*", Metadata={"sha256": sha256})
        except Exception as exc:
            if _status(exc) != 412:
                raise UploadFailed(f"{self.url.bucket}/{key}: {_describe(exc)}") from exc
            held = self._head(key)
            if held.get("Metadata", {}).get("sha256") != sha256 or held.get("ContentLength") != size:
                raise UploadFailed(f"{self.url.bucket}/{key} already exists with other content; objects are never "
                                   "overwritten") from exc
        self.verify(key, sha256, size)
        return key

    def verify(self, key: str, sha256: str, size: int) -> None:
        """Hold the object to the size and sha256 sent: the server's own checksum when it keeps one, else the
        object read back and hashed."""
        head = self._head(key)
        if head.get("ContentLength") != size:
            raise UploadFailed(f"{self.url.bucket}/{key} holds {head.get('ContentLength')} bytes, {size} were sent")
        held = head.get("ChecksumSHA256")
        if held and "-" not in held:
            if base64.b64decode(held).hex() != sha256:
                raise UploadFailed(f"{self.url.bucket}/{key}: the server's SHA-256 differs from the part's")
            return
        digest = hashlib.sha256()
        try:
            body = self.client.get_object(Bucket=self.url.bucket, Key=key)["Body"]
            for chunk in iter(lambda: body.read(_CHUNK), b""):
                digest.update(chunk)
        except Exception as exc:
            raise UploadFailed(f"{self.url.bucket}/{key}: reading it back failed: {_describe(exc)}") from exc
        if digest.hexdigest() != sha256:
            raise UploadFailed(f"{self.url.bucket}/{key}: read back, its SHA-256 differs from the part's")

    def put_manifest(self, entry: dict[str, Any], run_id: str, *, folder: str = MANIFEST_FOLDER) -> str:
        """Write one part's manifest object, in its source's folder, under a name no other object has; returns
        its key."""
        body = json.dumps(entry, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"
        run = re.sub(r"[^A-Za-z0-9_.\-]+", "_", run_id or "run")
        folder = _source_folder(folder, entry.get("source"))
        while True:
            key = self.url.key(f"{folder}/{run}-{worker_id()}-{_next_number():04d}.json")
            try:
                self.client.put_object(Bucket=self.url.bucket, Key=key, Body=body, IfNoneMatch="*",
                                       ContentType="application/json")
                return key
            except Exception as exc:
                if _status(exc) != 412:  # a name taken (a reused worker id) only moves on to the next number
                    raise UploadFailed(f"{self.url.bucket}/{key}: {_describe(exc)}") from exc

    # -- reading ------------------------------------------------------------------------------------------------

    def keys(self, folder: str) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.url.bucket, Prefix=self.url.key(folder) + "/"):
            for item in page.get("Contents", []):
                yield item["Key"]

    def manifest(self, *, folder: str = MANIFEST_FOLDER, source: str | None = None,
                 unreadable: list[str] | None = None) -> list[dict[str, Any]]:
        """The union of the manifest objects (of ``source`` only, when given: the objects of its folder):
        every part listed, once (a part listed by two objects, when a run ended between writing its manifest
        object and removing its spooled copy, is one part), in key order. The keys of objects that are not a
        manifest line are added to ``unreadable``: the part such an object names is unknown, and the caller
        must say so rather than list less."""
        lines: list[dict[str, Any]] = []
        for key in sorted(self.keys(_source_folder(folder, source))):
            cached = (self.endpoint_url, self.url.bucket, key)
            with _manifests_lock:
                known = cached in _manifests
                line = _manifests.get(cached)
            if not known:
                line = self._read_manifest_object(key)
                with _manifests_lock:
                    _manifests[cached] = line
            if line is not None:
                lines.append(line)
            elif unreadable is not None:
                unreadable.append(key)
        seen: set[str] = set()
        unique = []
        for line in listed_entries(lines):
            if line.get("path") not in seen:
                seen.add(line.get("path"))
                unique.append(line)
        return unique

    def _read_manifest_object(self, key: str) -> dict[str, Any] | None:
        raw = self.client.get_object(Bucket=self.url.bucket, Key=key)["Body"].read()
        try:
            line = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None
        return line if isinstance(line, dict) and isinstance(line.get("path"), str) else None

    def download(self, relative: str, into: Path) -> Path:
        """Copy ``<prefix>/<relative>`` to ``into/<relative>`` (for checking a listed part before indexing it)."""
        target = into / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        self.client.download_file(self.url.bucket, self.url.key(relative), str(target))
        return target

    def _head(self, key: str) -> dict[str, Any]:
        try:
            return self.client.head_object(Bucket=self.url.bucket, Key=key, ChecksumMode="ENABLED")
        except Exception as exc:
            raise UploadFailed(f"{self.url.bucket}/{key}: {_describe(exc)}") from exc


_STORES: WeakKeyDictionary[Any, dict[str, ObjectStore]] = WeakKeyDictionary()
_stores_lock = threading.Lock()


def _source_folder(folder: str, source: object) -> str:
    """``folder/source=<source>`` for a source's manifest objects; ``folder`` itself without one."""
    return f"{folder}/source={source}" if isinstance(source, str) and source else folder


def store_for(crawler: Any, url: str) -> ObjectStore:
    """The object store of ``url`` for one crawl (one client, shared by its threads), reached with the crawl's
    ``AWS_*`` settings."""
    with _stores_lock:
        stores = _STORES.setdefault(crawler, {})
        if url not in stores:
            stores[url] = ObjectStore.from_settings(crawler.settings, ArchiveURL.parse(url))
        return stores[url]


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return None


def _describe(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and "Error" in response:
        error = response["Error"]
        return f"{error.get('Code')}: {error.get('Message')}"
    return f"{type(exc).__name__}: {exc}"


def scratch_dir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="archiver-s3-")
