"""How a person gets an export: post the CSV button's form, land on the Exports page, download
the newest file. Other domains' tests use these in place of the old GET CSV addresses."""

from __future__ import annotations

import csv
import html
import io
import re
from urllib.parse import parse_qsl

DOWNLOAD = re.compile(r'<a href="([^"]+/download)" download>')


def _fields(filters: dict | str) -> dict:
    return dict(parse_qsl(filters, keep_blank_values=True)) if isinstance(filters, str) else dict(filters)


def request_export(client, portal: str, kind: str, filters: dict | str = "",
                   follow_redirects: bool = False):
    """POST the export button of ``portal`` ("/base" or "/<tenant>/manage") with ``filters``."""
    return client.post_form(f"{portal}/exports/request", {"kind": kind, **_fields(filters)},
                            token_from="/account/", follow_redirects=follow_redirects)


def download_links(client, portal: str) -> list[str]:
    """The download links of the Exports page, newest first."""
    return [html.unescape(link) for link in DOWNLOAD.findall(
        client.get(f"{portal}/exports").get_data(as_text=True))]


def download_export(client, portal: str, kind: str, filters: dict | str = ""):
    """Request an export (rendered inline without Redis) and download it: the file's response."""
    requested = request_export(client, portal, kind, filters)
    assert requested.status_code == 302, requested.get_data(as_text=True)[:2000]
    links = download_links(client, portal)
    assert links, "the export is not ready"
    return client.get(links[0])


def export_rows(client, portal: str, kind: str, filters: dict | str = "") -> list[dict]:
    """The downloaded CSV as dicts keyed by its header."""
    return list(csv.DictReader(io.StringIO(
        download_export(client, portal, kind, filters).get_data(as_text=True))))
