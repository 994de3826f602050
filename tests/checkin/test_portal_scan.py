"""Gate staff scan tickets through the scanner page's JSON endpoints (session + CSRF header)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from tests.checkin.gates import build_gate_world, entry_persons, scan_rows, ticket_state, tickets
from tests.conftest import row_counts
from tests.ticketing.portal_staff import signed_in

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def gw(app, factory):
    return build_gate_world(app, factory)



def _token_from_gate_page(client, gw) -> str:
    """The session's CSRF token, as the scanner page hands it to its script (any form has it)."""
    return client.csrf("/account/security")


class Gate:
    """A signed-in staff member's scanner at one gate."""

    def __init__(self, client, gw, gate_id: int, device: str = "phone-1"):
        self.client, self.gw, self.device = client, gw, device
        self.base = f"{gw.portal}/checkin/{gw.world.exhibition_id}/{gate_id}"
        self.token = _token_from_gate_page(client, gw)

    def post(self, action: str, body=None, raw: bytes | None = None):
        headers = {"X-CSRFToken": self.token}
        if raw is not None:
            return self.client.http.post(f"{self.base}/{action}", data=raw, headers=headers,
                                         content_type="application/json")
        return self.client.http.post(f"{self.base}/{action}", json=body, headers=headers)

    def scan(self, code: str):
        response = self.post("scan", {"code": code, "device": self.device})
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    def counts(self):
        return self.client.http.get(f"{self.base}/counts").get_json()


def test_a_gate_member_admits_a_ticket_once_and_then_sees_when_and_where(app, gw, make_client):
    (code, payload), = tickets(app, gw)
    client = signed_in(make_client, gw.staff.emails["gate"])
    north = Gate(client, gw, gw.north)

    first = north.scan(payload)
    assert first["result"] == "admitted"
    assert first["headline"] == "Admitted"
    assert first["detail"] == "Adult · 1 person"
    assert first["ticket"]["code"] == code and first["ticket"]["persons"] == 1
    assert first["ticket"]["slot"] == gw.slot_starts.astimezone(PARIS).strftime("%H:%M")
    assert first["counts"] == {"gate": 1, "night": 1}
    assert ticket_state(app, gw, code) == ("used", gw.north)

    south = Gate(client, gw, gw.south, device="phone-2")
    again = south.scan(code.lower()[:8] + " " + code.lower()[8:])  # typed, lower case, spaced
    assert again["result"] == "already_used"
    assert again["headline"] == "Already used"
    assert again["detail"].startswith("Used at ") and again["detail"].endswith(" at North gate")
    assert again["counts"] == {"gate": 0, "night": 1}
    assert entry_persons(app, gw) == 1
    assert [r[0] for r in scan_rows(app, gw)] == ["admitted", "already_used"]


def test_a_family_ticket_admits_its_persons_and_the_answer_is_in_the_staff_language(
        app, gw, make_client):
    (code, _payload), = tickets(app, gw, {gw.world.family_id: 1})
    client = signed_in(make_client, gw.staff.emails["gate"], language="fr")
    answer = Gate(client, gw, gw.north).scan(code)
    assert answer["result"] == "admitted"
    assert answer["ticket"]["type"] == "Famille" and answer["ticket"]["persons"] == 4
    assert answer["counts"] == {"gate": 4, "night": 4}


def test_unknown_codes_are_recorded_and_count_nothing(app, gw, make_client):
    client = signed_in(make_client, gw.staff.emails["box_office"])
    answer = Gate(client, gw, gw.north).scan("ZZZZ-ZZZZ-ZZZZ-ZZZZ")
    assert answer["result"] == "unknown" and answer["ticket"] is None
    assert answer["headline"] == "Unknown ticket"
    assert "No ticket has this code" in answer["detail"]
    assert answer["counts"] == {"gate": 0, "night": 0}
    assert scan_rows(app, gw) == [("unknown", 0, False)]


def test_foreign_and_forged_payloads_are_refused_and_not_recorded(app, gw, make_client):
    (code, payload), = tickets(app, gw)
    client = signed_in(make_client, gw.staff.emails["gate"])
    north = Gate(client, gw, gw.north)
    altered = payload.replace(code, code[:-1] + ("A" if code[-1] != "A" else "B"))
    forged = north.scan(altered)
    assert forged["result"] == "forged" and forged["headline"] == "Invalid QR code"
    assert forged["counts"] is None and forged["ticket"] is None
    foreign = north.scan(payload.replace("LNT1.paris.", "LNT1.tokyo."))
    assert foreign["result"] == "foreign"
    assert foreign["detail"] == "This ticket is not for this festival. Do not admit."
    assert "tokyo" not in str(foreign)
    assert scan_rows(app, gw) == []
    assert ticket_state(app, gw, code) == ("valid", None)


def test_counts_and_conflicts_endpoint(app, gw, make_client):
    (code, _payload), = tickets(app, gw)
    client = signed_in(make_client, gw.staff.emails["gate"])
    Gate(client, gw, gw.north).scan(code)
    assert Gate(client, gw, gw.south).counts() == {"counts": {"gate": 0, "night": 1},
                                                   "conflicts": []}


@pytest.mark.parametrize("raw, message", [
    (b"not json", "The body must be a JSON object."),
    (b'{"device": "x"}', "code must be a text of 1 to 400 characters."),
    (b'{"code": "ABC", "device": "x", "extra": 1}', "Unknown fields: extra."),
    (b'{"code": "ABC", "device": "' + b"d" * 65 + b'"}', "device must be a text of 1 to 64"),
])
def test_bad_scan_requests_answer_a_clear_json_error_and_write_nothing(
        app, gw, make_client, raw, message):
    client = signed_in(make_client, gw.staff.emails["gate"])
    before = row_counts(app)
    response = Gate(client, gw, gw.north).post("scan", raw=raw)
    assert 400 <= response.status_code < 500
    assert message in response.get_json()["error"]["message"]
    assert row_counts(app) == before


def test_a_closed_gate_and_a_gate_of_another_exhibition_refuse_scans(app, gw, make_client):
    (code, _payload), = tickets(app, gw)
    client = signed_in(make_client, gw.staff.emails["gate"])
    before = row_counts(app)
    closed = Gate(client, gw, gw.closed).post("scan", {"code": code})
    assert closed.status_code == 409
    assert "This gate is closed" in closed.get_json()["error"]["message"]
    elsewhere = Gate(client, gw, gw.elsewhere).post("scan", {"code": code})
    assert elsewhere.status_code == 404
    assert elsewhere.get_json()["error"]["message"] == "This gate is not at this exhibition."
    assert row_counts(app) == before


def test_a_scan_without_the_csrf_header_is_refused(app, gw, make_client):
    (code, _payload), = tickets(app, gw)
    client = signed_in(make_client, gw.staff.emails["gate"])
    base = f"{gw.portal}/checkin/{gw.world.exhibition_id}/{gw.north}/scan"
    assert client.http.post(base, json={"code": code}).status_code == 400
    assert ticket_state(app, gw, code) == ("valid", None)


def test_a_gate_member_sees_no_sales_pages_and_cannot_manage_gates(app, gw, make_client):
    client = signed_in(make_client, gw.staff.emails["gate"])
    for path in ("/exhibitions", f"/exhibitions/{gw.world.exhibition_id}/sales",
                 f"/exhibitions/{gw.world.exhibition_id}/gates", "/orders"):
        assert client.http.get(f"{gw.portal}{path}").status_code == 403, path
