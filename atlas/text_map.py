"""Texts of the map page, German and English (merged into atlas.text.TEXTS)."""

DE: dict[str, str] = {}
EN: dict[str, str] = {}
