"""Item pipelines, one job each, in ITEM_PIPELINES order: extract, normalise, validate, dedupe."""
