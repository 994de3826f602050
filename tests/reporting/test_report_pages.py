"""Live entries per slot and gate, missing-report reminders by email, who may see the report
pages, and bad input that writes nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

from babel.dates import format_date

from festival.exhibitions.models import Exhibition
from tests.conftest import row_counts, translated
from tests.reporting.world import report_world, scan, sell, slot_ids, slot_start
from tests.security.conftest import field_error, text_of
from tests.ticketing.portal_staff import signed_in


def _cells(response) -> list[list[str]]:
    """The entries table as text cells, row by row (header, slots, totals)."""
    markup = response.get_data(as_text=True)
    table = re.search(r"<table class=\"list\">(.*?)</table>", markup, re.S).group(1)
    cell = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)
    return [[re.sub(r"<[^>]+>", "", text).strip() for text in cell.findall(row)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


def test_live_entries_per_slot_and_gate_equal_the_scans(app, factory, make_client):
    world = report_world(app, factory)
    sales = world.sales
    first, second = slot_ids(app, world, 1)[:2]
    early = sell(app, world, first, {sales.adult_id: 3, sales.family_id: 1})  # 1, 1, 1, 4 persons
    later = sell(app, world, second, {sales.adult_id: 2})
    at = slot_start(app, world, first)
    for minute, (gate, code) in enumerate((("North gate", early[0][0]), ("North gate", early[3][0]),
                                           ("South gate", early[1][0]), ("South gate", early[1][0]))):
        scan(app, world, gate, code, at + timedelta(minutes=minute))
    at = slot_start(app, world, second)
    for minute, (gate, code) in enumerate((("South gate", later[0][0]), ("South gate", later[1][0]))):
        scan(app, world, gate, code, at + timedelta(minutes=minute))

    box_office = signed_in(make_client, world.emails["box_office"])
    response = box_office.get(f"{world.portal}/exhibitions/{world.exhibition_id}/entries"
                              f"?night={world.night(1).isoformat()}")
    assert response.status_code == 200
    rows = _cells(response)
    assert rows[0][1:] == ["North gate", "South gate", "Total"]
    assert [row[1:] for row in rows[1:]] == [["5", "1", "6"], ["0", "2", "2"], ["0", "0", "0"],
                                             ["0", "0", "0"], ["5", "3", "8"]]
    assert "Persons admitted 8 Conflicts 0" in text_of(response)
    # A past night is not refreshed; tonight's page refreshes itself every 30 seconds.
    assert 'http-equiv="refresh"' not in response.get_data(as_text=True)
    tonight = box_office.get(f"{world.portal}/exhibitions/{world.exhibition_id}/entries")
    assert '<meta http-equiv="refresh" content="30">' in tonight.get_data(as_text=True)
    assert "Persons admitted 0" in text_of(tonight)


def test_reminders_reach_owners_and_managers_in_their_language_once(app, factory, make_client, mailbox):
    world = report_world(app, factory, locales={"owner": "fr", "manager": "en"})

    def season_ends_last_night(tenant, exhibition):
        exhibition.season_end = world.night(2)
        exhibition.status = Exhibition.RUNNING
        from festival.reporting import reports
        night = world.night(0)
        reports.save_draft(tenant, exhibition, night, "clear", "", None)
        reports.submit_report(tenant, exhibition, night, None)
    world.run(app, season_ends_last_night)
    runner = app.test_cli_runner()

    first = runner.invoke(args=["remind-visitor-reports", "--hours", "0"])
    assert first.exit_code == 0, first.output
    assert "2 missing visitor report(s) reminded." in first.output
    owner, manager = world.emails["owner"], world.emails["manager"]
    assert len(mailbox.to(owner)) == 2 and len(mailbox.to(manager)) == 2
    assert not mailbox.to(world.emails["box_office"]) and not mailbox.to(world.emails["gate"])
    assert len(mailbox.messages) == 4

    night = world.night(2)
    french = [m for m in mailbox.to(owner) if format_date(night, "full", locale="fr") in m["Subject"]]
    assert len(french) == 1
    assert french[0]["Subject"] == translated(
        app, "fr", "Visitor report missing: %(exhibition)s, %(night)s", exhibition="Lumières de Chine",
        night=format_date(night, "full", locale="fr"))
    assert french[0]["Content-Language"] == "fr"
    english = [m for m in mailbox.to(manager) if format_date(night, "full", locale="en") in m["Subject"]]
    assert english[0]["Subject"] == (f"Visitor report missing: Lantern Festival, "
                                     f"{format_date(night, 'full', locale='en')}")
    body = mailbox.text(english[0])
    assert "has not been submitted to the base yet" in body
    link = [u for u in re.findall(r"https?://\S+", body) if "/reports/" in u][0]
    assert urlsplit(link).path == world.report_path(2)

    reader = signed_in(make_client, manager)
    page = reader.get(urlsplit(link).path)
    assert page.status_code == 200
    assert f"Visitor report of {format_date(night, 'full', locale='en')}" in text_of(page)

    mailbox.clear()
    again = runner.invoke(args=["remind-visitor-reports", "--hours", "0"])
    assert "0 missing visitor report(s) reminded." in again.output
    assert mailbox.messages == []


def test_gate_staff_get_403_and_other_tenants_ids_404(app, factory, make_client):
    world = report_world(app, factory)
    other = report_world(app, factory, "tokyo")
    exhibition = f"{world.portal}/exhibitions/{world.exhibition_id}"
    night = world.night(0).isoformat()
    gate = signed_in(make_client, world.emails["gate"])
    for path in (f"{exhibition}/entries", f"{exhibition}/reports", f"{exhibition}/reports/{night}"):
        assert gate.get(path).status_code == 403
    assert gate.post_form(f"{exhibition}/reports/{night}/counts", {"kind": "group", "persons": "3"},
                          token_from="/account/").status_code == 403

    box_office = signed_in(make_client, world.emails["box_office"])
    assert box_office.get(f"{exhibition}/reports/{night}").status_code == 200
    before = row_counts(app)
    assert box_office.post_form(f"{exhibition}/reports/{night}", {"weather": "rain"},
                                token_from=f"{exhibition}/reports/{night}").status_code == 403
    assert row_counts(app) == before

    manager = signed_in(make_client, world.emails["manager"])
    foreign = f"{world.portal}/exhibitions/{other.exhibition_id}"
    for path in (f"{foreign}/entries", f"{foreign}/reports", f"{foreign}/reports/{night}"):
        assert manager.get(path).status_code == 404
    season = date.today() - timedelta(days=3)
    for bad in ("2026-13-01", "yesterday", "2026-1-1", (season - timedelta(days=1)).isoformat(),
                (date.today() + timedelta(days=5)).isoformat(), "9999-12-31"):
        response = manager.get(f"{exhibition}/reports/{bad}")
        assert response.status_code == 404, bad
    response = manager.get(f"{exhibition}/reports/{(season - timedelta(days=1)).isoformat()}")
    assert "There is no report for this night" in text_of(response)
    assert manager.get(f"{exhibition}/entries?night=1999-01-01").status_code == 404


def test_bad_manual_counts_and_notes_are_refused_and_write_nothing(app, factory, make_client):
    world = report_world(app, factory)
    manager = signed_in(make_client, world.emails["manager"])
    path = world.report_path(0)
    before = row_counts(app)
    for persons, message in (("0", "Enter between 1 and 100000 persons."),
                             ("-4", "Enter between 1 and 100000 persons."),
                             ("100001", "Enter between 1 and 100000 persons."),
                             ("99999999999999999999", "Enter between 1 and 100000 persons."),
                             ("twelve", "Enter a whole number."),
                             ("", "This field is required.")):
        response = manager.post_form(f"{path}/counts", {"kind": "group", "persons": persons},
                                     token_from=path)
        assert response.status_code == 400, persons
        assert field_error(response, "persons") == message, persons
    unknown = manager.post_form(f"{path}/counts", {"kind": "vip", "persons": "3"}, token_from=path)
    assert unknown.status_code == 400
    assert field_error(unknown, "kind") == "Choose one of the options offered."
    long_note = manager.post_form(f"{path}/counts", {"kind": "group", "persons": "3", "note": "n" * 201},
                                  token_from=path)
    assert field_error(long_note, "note") == "Use at most 200 characters."
    notes = manager.post_form(path, {"weather": "clear", "notes": "x" * 2001}, token_from=path)
    assert notes.status_code == 400 and field_error(notes, "notes") == "Use at most 2000 characters."
    weather = manager.post_form(path, {"weather": "hail"}, token_from=path)
    assert weather.status_code == 400
    assert field_error(weather, "weather") == "Choose one of the options offered."
    no_token = manager.http.post(f"{path}/counts", data={"kind": "group", "persons": "3"})
    assert no_token.status_code == 400
    assert row_counts(app) == before
