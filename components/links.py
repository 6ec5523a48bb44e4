"""Links between pages that survive being copied: relative URLs with query parameters."""

from __future__ import annotations

from urllib.parse import urlencode


def profile_url(kind: str, item_id: str) -> str:
    """Deep link to a profile: kind is "municipality" or "project"."""
    return "profiles?" + urlencode({kind: item_id})
