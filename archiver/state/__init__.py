"""What persists between runs: the archive index (SQLite) and per-source locks."""
