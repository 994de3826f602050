"""A venue partner plans a season in the tenant portal; other roles see it or are refused."""

import re

from tests.conftest import row_counts


def plan_body(**changes) -> dict:
    body = {"slug": "lumieres", "title_fr": "Lumières de Chine", "title_en": "Lights of China",
            "venue_name": "Jardin d'Acclimatation", "season_start": "2026-12-01",
            "season_end": "2027-01-31", "opens_at": "18:00", "closes_at": "00:30",
            "closed_weekdays": ["1"], "slot_minutes": "30", "slot_capacity": "250"}
    body.update(changes)
    return body


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def paris(factory):
    tenant = factory.tenant("paris", country="FR", timezone="Europe/Paris", currency="EUR",
                            default_locale="fr", offered_locales=["fr", "en"])
    factory.member(tenant, "owner@paris.example.com", "owner")
    factory.member(tenant, "box@paris.example.com", "box_office")
    factory.member(tenant, "gate@paris.example.com", "gate")
    return tenant


def test_owner_plans_a_season_in_french(client, factory):
    paris(factory)
    client.login("owner@paris.example.com")
    fr = {"Accept-Language": "fr"}
    empty = text_of(client.get("/paris/manage/exhibitions", headers=fr))
    assert "Aucune exposition n’est encore planifiée" in empty
    form = text_of(client.get("/paris/manage/exhibitions/new", headers=fr))
    assert "Titre (Français)" in form and "Titre (English)" in form and "lundi" in form
    response = client.post_form("/paris/manage/exhibitions/new", plan_body(),
                                headers=fr, follow_redirects=True)
    page = text_of(response)
    assert "L’exposition est enregistrée." in page and "Lumières de Chine" in page
    listing = text_of(client.get("/paris/manage/exhibitions", headers=fr))
    assert "Lumières de Chine" in listing and "1 déc. 2026" in listing
    assert "En préparation" in listing
    english = text_of(client.get("/paris/manage/exhibitions", headers={"Accept-Language": "en"}))
    assert "Lights of China" in english and "Planning" in english


def test_status_moves_and_a_bad_plan_writes_nothing(app, client, factory):
    paris(factory)
    client.http.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.login("owner@paris.example.com")
    location = client.post_form("/paris/manage/exhibitions/new", plan_body()).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    moved = client.post(f"{location}/status", data={"csrf_token": token, "status": "on_sale"},
                        follow_redirects=True)
    assert "The exhibition is now: On sale." in text_of(moved)
    before = row_counts(app)
    for bad, message in (({"season_end": "2026-11-01"}, "The season must end on or after"),
                         ({"season_start": "not a date"}, "Enter a date, for example"),
                         ({"slot_capacity": "-3"}, "An entry slot admits between 1"),
                         ({"title_fr": "", "title_en": ""}, "Give the exhibition a title")):
        response = client.post_form(location, plan_body(**bad))
        assert 400 <= response.status_code < 500
        assert message in text_of(response)
    assert row_counts(app) == before


def test_box_office_sees_but_cannot_change_and_gate_cannot_see(client, factory, make_client):
    paris(factory)
    client.login("owner@paris.example.com")
    location = client.post_form("/paris/manage/exhibitions/new", plan_body()).headers["Location"]
    box = make_client()
    box.login("box@paris.example.com")
    page = box.get(location, headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "Lights of China" in text_of(page)
    assert "Save" not in text_of(page)
    refused = box.post_form(location, plan_body(venue_name="Elsewhere"), token_from=location)
    assert refused.status_code == 403
    gate = make_client()
    gate.login("gate@paris.example.com")
    assert gate.get("/paris/manage/exhibitions").status_code == 403
