"""The job engine: ``archiver enqueue`` puts one job per source on a PostgreSQL queue, ``archiver worker`` runs
them (each job one ``archiver crawl`` of one source, in a child process), and schedules in config enqueue them
on time. The queue is Procrastinate's, in the same database as the shared state (``ARCHIVER_STATE_URL``).
"""
