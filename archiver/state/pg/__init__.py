"""The shared state on PostgreSQL: the archive index, the run reports registry and the per-source locks of
every machine of one deployment (``ARCHIVER_STATE_URL=postgresql://...`` or ``--state postgresql://...``).

The same calls as the embedded SQLite backend (``archiver.state.backend``), with the same rules; what
PostgreSQL adds is that many processes on many machines share them:

- ``index``: the index's tables, a part's records committed in one transaction sent in one round trip (the
  same order-independent upsert as SQLite's), every call retried on a new connection when the server went
  away (each is idempotent), and a loud ``StateUnavailable`` when it stays away;
- ``locks``: a session advisory lock per source, held on a connection of its own for the whole run, so the
  server releases it when the holder dies, however it dies; the holder's details in ``source_locks``;
- ``runs``: the run reports registry, so ``archiver runs`` and ``archiver stats`` see every machine's runs;
- ``connection``: connecting, the schema (created and migrated idempotently at the first connection of a
  process), reconnecting.

psycopg (3) is imported only here, so a single machine never loads it.
"""
