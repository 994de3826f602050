"""An exhibition's address never hides a page of the storefront: every fixed first segment of a
storefront route (/<tenant>/closure/…, /<tenant>/pass/…) is a reserved exhibition slug."""

from __future__ import annotations

from festival.core.reference import SLUG_PATTERN
from festival.exhibitions.services import RESERVED_EXHIBITION_SLUGS


def test_every_fixed_storefront_segment_is_reserved(app):
    segments = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/<tenant_slug>/") or not rule.endpoint.startswith("storefront."):
            continue
        first = rule.rule.split("/")[2]
        if first and not first.startswith("<"):
            segments.add(first)
    # Only a segment an exhibition could take as its slug matters.
    possible = {s for s in segments if SLUG_PATTERN.match(s)}
    assert possible <= RESERVED_EXHIBITION_SLUGS, possible - RESERVED_EXHIBITION_SLUGS
