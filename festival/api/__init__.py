"""The JSON API (/api/v1/…): token-scoped, idempotent POSTs, described by OpenAPI 3."""
