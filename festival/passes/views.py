"""Pages of festival.passes: the holder's pass page behind its secret link (storefront), and
the passes list of an exhibition in the tenant portal. HTTP glue only: services.py decides."""

from __future__ import annotations

from festival.passes import portal, storefront  # noqa: F401  add their routes to the blueprints
