"""Spiders discover article URLs for registered sources; they neither extract nor write files."""
