"""Absolute addresses for links that leave the site: mail, PDFs, payment pages.

Inside a request the address starts with the host the request came to (behind the proxy's
forwarded headers). Outside one (a periodic job, a command, the mail worker) it starts with
``BASE_URL``, the public address of the deployment, so a link in a reminder works the same
as one in a confirmation.
"""

from __future__ import annotations

from flask import current_app, has_request_context, url_for

# Only the embedded default runs without BASE_URL: a link then points at the local server.
LOCAL_BASE_URL = "http://localhost:5000"


def external_url(endpoint: str, **values) -> str:
    """The full address of ``endpoint`` with ``values``, with or without a request."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config.get("BASE_URL") or LOCAL_BASE_URL
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)
