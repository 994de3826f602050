"""The gate scanner page over HTTP: who may open it, what it carries for its script (strings in the
staff's language, the tenant's public key, the URLs), and the QR library served from node_modules.
The script itself runs in tests/browser/test_scanner_browser.py."""

from __future__ import annotations

import html
import json
import re

from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.tenants.models import Tenant
from festival.ticketing import signing
from tests.checkin.scanner_world import gate_world
from tests.conftest import translated
from tests.security.conftest import text_of
from tests.ticketing.portal_staff import signed_in


def scanner_data(response) -> dict:
    """The JSON block the page hands to scanner.js."""
    markup = response.get_data(as_text=True)
    block = re.search(r'<script type="application/json" id="scanner-data">(.*?)</script>', markup, re.S)
    assert block, "no scanner data on the page"
    return json.loads(html.unescape(block.group(1)))


def public_key(app, tenant_id: int) -> str:
    with app.app_context(), tenant_scope(tenant_id):
        key = signing.public_key_b64(db.session.get(Tenant, tenant_id))
        db.session.remove()
    return key


def test_gate_staff_go_from_the_portal_home_to_their_gate(app, factory, make_client):
    gates = gate_world(app, factory)
    portal = gates.staff.portal
    gate = signed_in(make_client, gates.staff.emails["gate"])

    home = gate.get(f"{portal}/")
    assert "Open the gate scanner" in text_of(home)
    assert f'href="{portal}/checkin/"' in home.get_data(as_text=True)

    pick = gate.get(f"{portal}/checkin/")
    assert pick.status_code == 200
    page = text_of(pick)
    assert "Pick the gate where you scan tickets." in page
    assert "Lumières de Chine" not in page and "Lantern Festival" in page  # English title for "en"
    for name, gate_id in gates.gate_ids.items():
        link = f'href="{portal}/checkin/{gates.world.exhibition_id}/{gate_id}"'
        assert link in pick.get_data(as_text=True) and name in page


def test_the_scanner_carries_its_strings_key_and_urls(app, factory, make_client):
    gates = gate_world(app, factory)
    gate = signed_in(make_client, gates.staff.emails["gate"], language="fr")
    response = gate.get(gates.scanner_path("South gate"))
    assert response.status_code == 200
    page = text_of(response)
    assert "South gate" in page and "Lumières de Chine" in page
    assert translated(app, "fr", "Start camera") in page
    assert translated(app, "fr", "Ticket code") in page

    data = scanner_data(response)
    assert data["tenant"] == "paris"
    assert data["publicKey"] == public_key(app, gates.world.tenant_id)
    assert data["urls"] == {name: f"{gates.scanner_path('South gate')}/{name}"
                            for name in ("scan", "sync", "counts")}
    assert data["csrfToken"]
    assert data["text"]["offlineAdmitted"] == translated(app, "fr", "Accepted offline")
    assert data["text"]["forged"] == translated(app, "fr", "Forged code")
    assert "%(count)s" in data["text"]["queueLength"]  # filled in by the script

    markup = response.get_data(as_text=True)
    assert 'lang="fr"' in markup
    # The CSP allows no inline code: every script is a file of ours, or the JSON block.
    for tag in re.findall(r"<script\b[^>]*>", markup):
        assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
    assert re.search(r'src="/static/vendor/jsQR\.js\?v=[0-9a-f]{12}"', markup)
    assert 'role="status"' in markup and 'aria-live="assertive"' in markup


def test_every_scanning_role_opens_the_scanner_and_others_do_not(app, factory, make_client, client):
    gates = gate_world(app, factory)
    for role in ("owner", "manager", "box_office", "gate"):
        member = signed_in(make_client, gates.staff.emails[role])
        assert member.get(gates.scanner_path()).status_code == 200, role
        assert "Check-in" in text_of(member.get(f"{gates.staff.portal}/checkin/")), role

    anonymous = client.get(gates.scanner_path())
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    factory.user("stranger@example.org")
    stranger = signed_in(make_client, "stranger@example.org")
    assert stranger.get(gates.scanner_path()).status_code == 404
    assert stranger.get(f"{gates.staff.portal}/checkin/").status_code == 404


def test_a_gate_of_another_exhibition_or_tenant_is_not_found(app, factory, make_client):
    paris = gate_world(app, factory, "paris")
    tokyo = gate_world(app, factory, "tokyo")
    owner = signed_in(make_client, paris.staff.emails["owner"])
    tokyo_gate = tokyo.gate_ids["North gate"]
    assert owner.get(f"{paris.staff.portal}/checkin/{paris.world.exhibition_id}/{tokyo_gate}"
                     ).status_code == 404
    assert owner.get(f"{paris.staff.portal}/checkin/{tokyo.world.exhibition_id}/"
                     f"{paris.gate_ids['North gate']}").status_code == 404
    assert owner.get(f"{paris.staff.portal}/checkin/999999/{paris.gate_ids['North gate']}"
                     ).status_code == 404


def test_a_closed_gate_sends_staff_back_to_the_gate_list(app, factory, make_client):
    from festival.checkin.models import Gate

    gates = gate_world(app, factory)
    with app.app_context(), tenant_scope(gates.world.tenant_id):
        db.session.get(Gate, gates.gate_ids["North gate"]).is_active = False
        db.session.commit()
        db.session.remove()
    gate = signed_in(make_client, gates.staff.emails["gate"])
    response = gate.get(gates.scanner_path("North gate"), follow_redirects=True)
    page = text_of(response)
    assert "This gate is closed for check-in. Pick another one." in page
    assert "South gate" in page and "North gate" not in page


def test_the_qr_library_is_served_from_node_modules_and_nothing_else_is(client):
    library = client.get("/static/vendor/jsQR.js")
    assert library.status_code == 200
    assert library.mimetype == "text/javascript"
    assert "max-age=31536000" in library.headers["Cache-Control"]
    assert b'root["jsQR"] = factory()' in library.get_data()[:2000]
    for name in ("package.json", "jsqr.js", "index.d.ts", "..%2F..%2Fpackage.json", "..%2Fpackage-lock.json",
                 "index.min.js"):
        assert client.get(f"/static/vendor/{name}").status_code == 404, name
    assert client.get("/static/vendor/../../package.json").status_code == 404
