"""Registry entries the tests and benches write for generated sources."""

from __future__ import annotations

# A US-mission source named ``name`` whose pages are the demo embassy site's (a mirror of la.usembassy.gov), for
# runs of many small sources: ``EMBASSY_ENTRY.format(name=...)``.
EMBASSY_ENTRY = """
[[source]]
name = "{name}"
host = "{name}.usembassy.gov"
country = "LA"
site_name = "U.S. Embassy in Laos"
languages = ["en", "lo"]
mirrors = ["la.usembassy.gov"]
"""
