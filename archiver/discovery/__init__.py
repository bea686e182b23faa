"""Reading the documents sites publish to say what they contain: sitemaps, feeds, listing pages.

Each reader turns a document into ``Entry`` values (a URL and, where given, its date) and never fetches anything;
spiders decide what to request. Dates here are for skipping old posts before fetching them (``since``), not for
records: a record's date always comes from the article page.
"""

from archiver.discovery.entries import Entry, parse_loose_date

__all__ = ["Entry", "parse_loose_date"]
