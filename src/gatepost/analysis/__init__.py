"""Enrichment: shell parsing, path and URL classification, secrets, risk flags."""
