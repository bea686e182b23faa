"""The offline demo: a bundled copy of an embassy site, served on 127.0.0.1 and crawled by the real spider."""
