"""The append-only archive: dated, per-source JSONL parts, finalised atomically and listed in a manifest."""
