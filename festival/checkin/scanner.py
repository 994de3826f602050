"""The gate scanner in the tenant portal: pick an exhibition's gate, then scan tickets on a phone.

The page is HTML plus festival/static/scanner.js; it calls the JSON endpoints of
festival/checkin/portal.py (scan, sync, counts). Everything the script shows or needs (its
strings in the staff's language, the tenant's public key, the URLs) is rendered here into one
JSON block, so the script holds no English and no inline code (the CSP forbids it). The QR
reader library comes from npm (package.json) and is served by the app itself, not a CDN.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import abort, flash, g, redirect, render_template, send_from_directory, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from festival import PROJECT_ROOT
from festival.accounts.access import requires
from festival.checkin.models import Gate
from festival.checkin.services import gates_of
from festival.core.db import db
from festival.core.i18n import current_locale
from festival.exhibitions.models import Exhibition
from festival.public.views import bp as public_bp
from festival.tenants.views import portal_bp
from festival.ticketing import signing
from festival.ticketing.orders import SELLING
from festival.ticketing.portal import get_or_404

# The only files of node_modules the app serves: public name -> path under node_modules.
VENDOR_FILES = {"jsQR.js": "jsqr/dist/jsQR.js"}
NODE_MODULES = PROJECT_ROOT / "node_modules"
ONE_YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class GateChoice:
    exhibition: Exhibition
    gates: list[Gate]


def gates_to_scan() -> list[GateChoice]:
    """The open tenant's exhibitions on sale or running, each with its open gates by name."""
    exhibitions = db.session.scalars(
        select(Exhibition).where(Exhibition.status.in_(SELLING))
        .order_by(Exhibition.season_start, Exhibition.id))
    return [GateChoice(e, gates_of(e.id, active_only=True)) for e in exhibitions]


@portal_bp.route("/checkin/")
@requires("checkin.scan")
def checkin_pick():
    return render_template("checkin/pick.html", choices=gates_to_scan())


@portal_bp.route("/checkin/<id:exhibition_id>/<id:gate_id>")
@requires("checkin.scan")
def scanner(exhibition_id: int, gate_id: int):
    exhibition = get_or_404(Exhibition, exhibition_id)
    gate = get_or_404(Gate, gate_id)
    if gate.exhibition_id != exhibition.id:
        abort(404)
    if not gate.is_active or exhibition.status not in SELLING:
        flash(_("This gate is closed for check-in. Pick another one."), "warning")
        return redirect(url_for(".checkin_pick"))
    title = exhibition.title(current_locale(), g.org.default_locale)
    return render_template("checkin/scanner.html", exhibition=exhibition, gate=gate, title=title,
                           data=scanner_data(exhibition, gate),
                           qr_library=vendor_url("jsQR.js"))


def scanner_data(exhibition: Exhibition, gate: Gate) -> dict:
    """What scanner.js needs: where to send scans, the key to verify QR codes offline, its strings."""
    place = {"exhibition_id": exhibition.id, "gate_id": gate.id}
    return {
        "tenant": g.org.slug,
        # No key yet means no ticket was ever signed (and a GET makes none): nothing verifies.
        "publicKey": signing.public_key_b64(g.org) if g.org.ticket_signing_key else None,
        "csrfToken": generate_csrf(),
        "queueKey": f"lantern.queue.{g.org.slug}.{exhibition.id}.{gate.id}",
        "seenKey": f"lantern.seen.{g.org.slug}.{exhibition.id}",
        "urls": {"scan": url_for(".checkin_scan", **place), "sync": url_for(".checkin_sync", **place),
                 "counts": url_for(".checkin_counts", **place)},
        "text": scanner_text(),
    }


def scanner_text() -> dict[str, str]:
    """The sentences the script shows itself, in the staff's language (placeholders: %(name)s)."""
    return {
        "offlineAdmitted": _("Accepted offline"),
        "offlineAdmittedDetail": _("Valid ticket %(code)s. It will be confirmed when the "
                                   "connection is back."),
        "offlineRepeat": _("Already scanned on this device"),
        "offlineRepeatDetail": _("Ticket %(code)s was scanned here before. Do not let it in again."),
        "queued": _("Saved, not checked"),
        "queuedDetail": _("Without a connection a typed code cannot be checked. Code %(code)s "
                          "will be checked when the connection is back; scan the QR code if "
                          "you can."),
        "forged": _("Forged code"),
        "forgedDetail": _("This QR code was not issued by us. Do not let it in."),
        "foreign": _("Not valid here"),
        "foreignDetail": _("This ticket is for another festival."),
        "empty": _("Type a ticket code or scan a QR code."),
        "refused": _("The scan was not accepted"),
        "refusedDetail": _("The server answered %(status)s. Reload the page and try again."),
        "signedOut": _("You are signed out. Reload the page and sign in again."),
        "online": _("Online"),
        "offline": _("Offline: scans are checked on this device and kept until the connection "
                     "is back."),
        "queueLength": _("Waiting to be sent: %(count)s"),
        "syncing": _("Sending the scans made offline…"),
        "synced": _("Scans made offline are confirmed: %(count)s."),
        "syncFailed": _("The scans made offline could not be sent yet. Trying again shortly."),
        "reportLine": _("%(code)s: %(headline)s. %(detail)s"),
        "conflictLine": _("%(code)s: admitted offline at %(gates)s (%(at)s)"),
        "cameraStarting": _("Starting the camera…"),
        "cameraOn": _("Point the camera at the ticket's QR code."),
        "cameraFailed": _("The camera could not start. Type the ticket code instead."),
        "cameraStart": _("Start camera"),
        "cameraStop": _("Stop camera"),
    }


# --- the QR reader library, served from node_modules ---------------------------------------------

@functools.cache
def _vendor_version(name: str) -> str:
    """A fingerprint of the installed file, so the URL changes when npm installs another version."""
    path = NODE_MODULES / VENDOR_FILES[name]
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else "missing"


def vendor_url(name: str) -> str:
    return url_for("public.vendor_file", name=name, v=_vendor_version(name))


@public_bp.route("/static/vendor/<name>")
def vendor_file(name: str):
    """One allow-listed browser library from node_modules, never anything else there."""
    if name not in VENDOR_FILES:
        abort(404)
    path = Path(VENDOR_FILES[name])
    return send_from_directory(NODE_MODULES / path.parent, path.name, max_age=ONE_YEAR,
                               mimetype="text/javascript")
