"""Schemas and migration graphs as graphviz diagrams (pure, with a text fallback)."""
