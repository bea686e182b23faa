"""Importing this module loads what every extraction needs, once.

The crawl's extraction workers are forked from a forkserver that preloads this module: py3langid's model
takes about a second of CPU to load, which each worker would otherwise pay on its first page. Loaded in the
forkserver, the workers inherit it (and share its memory) instead.
"""

from __future__ import annotations

import dateparser.date  # noqa: F401  (read dates in other languages; its import takes a tenth of a second)

from archiver.extract import extract  # noqa: F401  (the extractor and everything it imports)
from archiver.extract.language import statistical_guess

statistical_guess("a first guess loads the model")
