"""Kept for ``scrapyd-deploy``, which builds an egg with ``python setup.py bdist_egg``.

All metadata (dependencies, package data such as the record's JSON Schema, and the ``scrapy`` entry point
Scrapyd uses to find the settings) lives in pyproject.toml; without this file scrapyd-deploy would write its
own setup.py that leaves the package data out of the egg.
"""

from setuptools import setup

setup()
