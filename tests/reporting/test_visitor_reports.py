"""Daily visitor reports in the portal: a night's scans plus manual counts give the exact total;
submission locks the report (409, nothing written); an amendment needs a reason and keeps the
history; the base's figures come from the latest submitted version."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from festival.audit.models import TenantAuditEntry
from festival.checkin.services import night_at
from festival.core.db import db
from festival.reporting import reports
from festival.reporting.models import ManualCount, VisitorReport
from tests.conftest import row_counts
from tests.reporting.world import report_world, scan, sell, slot_ids, slot_start
from tests.security.conftest import field_error, text_of
from tests.ticketing.portal_staff import signed_in

LOCKED = "This report has been submitted and is locked. Amend it to change anything."


def _night_with_scans(app, world) -> dict[str, int]:
    """Night 0: two adults and a family (4) admitted, plus refusals that admit nobody."""
    sales = world.sales
    first, second = slot_ids(app, world, 0)[:2]
    tickets = sell(app, world, first, {sales.adult_id: 2, sales.family_id: 1})
    late = sell(app, world, second, {sales.adult_id: 1})
    at = slot_start(app, world, first) + timedelta(minutes=5)
    results = [scan(app, world, "North gate", tickets[0][0], at),
               scan(app, world, "North gate", tickets[2][0], at),
               scan(app, world, "South gate", tickets[1][0], at + timedelta(minutes=1)),
               scan(app, world, "South gate", tickets[0][0], at + timedelta(minutes=2)),
               scan(app, world, "South gate", "ZZZZ-ZZZZ-ZZZZ", at),
               scan(app, world, "North gate", late[0][0], at - timedelta(hours=2))]
    assert results == ["admitted", "admitted", "admitted", "already_used", "unknown", "wrong_slot"]
    return {"scanned": 6}


def _add(client, world, kind: str, persons: str, note: str = ""):
    path = world.report_path(0)
    return client.post_form(f"{path}/counts", {"kind": kind, "persons": persons, "note": note},
                            token_from=path, follow_redirects=True)


def test_scans_and_manual_counts_make_the_report_then_submission_locks_it(app, factory, make_client):
    world = report_world(app, factory)
    _night_with_scans(app, world)
    manager = signed_in(make_client, world.emails["manager"])
    path = world.report_path(0)

    page = text_of(manager.get(path))
    assert "Status Missing Scanned entries 6 Manual counts 0 Total visitors 6" in page
    assert "the scanned entries are read live" in page

    assert "The manual count is added." in text_of(_add(manager, world, "walk_in", "5", "Cash at gate"))
    _add(manager, world, "group", "20", "École Voltaire")
    page = text_of(_add(manager, world, "complimentary", "2"))
    assert "Status Draft Scanned entries 6 Manual counts 27 Total visitors 33" in page
    assert "Walk-in (sold at the gate) 5 Cash at gate manager@paris.example" in page
    assert "Group 20 École Voltaire manager@paris.example" in page

    # A line entered by mistake is removed while the report is a draft.
    wrong = _add(manager, world, "group", "300")
    assert "Total visitors 333" in text_of(wrong)
    wrong_id = world.run(app, lambda t, e: db.session.scalar(
        select(ManualCount.id).where(ManualCount.persons == 300)))
    removed = manager.post_form(f"{world.portal}/manual-counts/{wrong_id}/remove", {}, token_from=path,
                                follow_redirects=True)
    assert "The manual count is removed." in text_of(removed)
    assert "Total visitors 33" in text_of(removed)

    submitted = manager.post_form(f"{path}/submit", {"weather": "rain", "notes": "Drizzle after 21:00"},
                                  token_from=path, follow_redirects=True)
    page = text_of(submitted)
    assert "The report is submitted to the base: 33 visitors." in page
    assert "Status Submitted Scanned entries 6 Manual counts 27 Total visitors 33" in page
    assert "Weather Rain Notes Drizzle after 21:00" in page
    assert "First submission" in page

    # A scan recorded after submission does not change the submitted figures.
    second = slot_ids(app, world, 0)[1]
    [(late_code, _persons)] = sell(app, world, second, {world.sales.adult_id: 1})
    assert scan(app, world, "North gate", late_code, slot_start(app, world, second)) == "admitted"
    assert "Scanned entries 6 Manual counts 27 Total visitors 33" in text_of(manager.get(path))

    before = row_counts(app)
    for response in (
        manager.post_form(f"{path}/counts", {"kind": "walk_in", "persons": "1"}, token_from=path),
        manager.post_form(path, {"weather": "clear", "notes": "changed"}, token_from=path),
        manager.post_form(f"{path}/submit", {"weather": "clear", "notes": ""}, token_from=path),
    ):
        assert response.status_code == 409
        assert LOCKED in text_of(response)
    first_line = world.run(app, lambda t, e: db.session.scalar(
        select(ManualCount.id).order_by(ManualCount.id)))
    refused = manager.post_form(f"{world.portal}/manual-counts/{first_line}/remove", {}, token_from=path)
    assert refused.status_code == 409 and LOCKED in text_of(refused)
    assert row_counts(app) == before

    stored = world.run(app, lambda t, e: reports.submitted_totals())
    assert [(s.night, s.scanned_persons, s.manual_persons, s.total_persons) for s in stored] == [
        (world.night(0), 6, 27, 33)]
    actions = world.run(app, lambda t, e: list(db.session.scalars(select(TenantAuditEntry.action))))
    assert "festival.reporting.report.submitted" in actions


def _submitted_report(app, world) -> int:
    """Night 0 submitted with 6 scanned and two manual lines (5 walk-ins, 20 in a group)."""
    _night_with_scans(app, world)

    def work(tenant, exhibition):
        night = world.night(0)
        reports.add_manual_count(tenant, exhibition, night, reports.ManualLine("walk_in", 5), None)
        reports.add_manual_count(tenant, exhibition, night,
                                 reports.ManualLine("group", 20, "Scouts"), None)
        reports.save_draft(tenant, exhibition, night, "clear", "", None)
        return reports.submit_report(tenant, exhibition, night, None).id

    return world.run(app, work)


def test_an_amendment_needs_a_reason_and_keeps_the_history(app, factory, make_client):
    world = report_world(app, factory)
    report_id = _submitted_report(app, world)
    owner = signed_in(make_client, world.emails["owner"])
    path = world.report_path(0)
    amend = f"{world.portal}/visitor-reports/{report_id}/amend"
    walk_in = world.run(app, lambda t, e: db.session.scalar(
        select(ManualCount.id).where(ManualCount.kind == "walk_in")))
    assert "Total visitors 31" in text_of(owner.get(path))

    before = row_counts(app)
    no_reason = owner.post_form(amend, {"reason": "  ", "add_kind_1": "group", "add_persons_1": "10",
                                        "weather": "rain"}, token_from=path)
    assert no_reason.status_code == 400
    assert field_error(no_reason, "reason") == "This field is required."
    assert row_counts(app) == before

    amended = owner.post_form(amend, {
        "reason": "The school group came late", "remove_ids": [str(walk_in)], "add_kind_1": "group",
        "add_persons_1": "12", "add_note_1": "Late school", "weather": "rain", "notes": "Rain at ten",
        "revision": "1"}, token_from=path, follow_redirects=True)
    page = text_of(amended)
    assert "The amendment is submitted: 38 visitors." in page
    assert "Status Amended Scanned entries 6 Manual counts 32 Total visitors 38" in page
    # The history: version 2 with its reason, version 1 as first submitted.
    history = page[page.index("History"):]
    assert "2" in history and "The school group came late" in history and "Rain at ten" in history
    assert "Total visitors 38" in page and "31" in history and "First submission" in history
    assert history.index("The school group came late") < history.index("First submission")
    assert "Walk-in (sold at the gate): 5" in history  # the first version's lines are kept

    # An amendment of an older version than the latest is refused.
    stale = owner.post_form(amend, {"reason": "Again", "weather": "rain", "revision": "1"}, token_from=path)
    assert stale.status_code == 409
    assert "The report was changed meanwhile." in text_of(stale)

    stored = world.run(app, lambda t, e: reports.submitted_totals())
    assert [(s.total_persons, s.revision) for s in stored] == [(38, 2)]
    revisions = world.run(app, lambda t, e: [
        (r.number, r.total_persons, r.reason) for r in db.session.get(VisitorReport, report_id).revisions])
    assert revisions == [(1, 31, None), (2, 38, "The school group came late")]
    actions = world.run(app, lambda t, e: list(db.session.scalars(select(TenantAuditEntry.action))))
    assert "festival.reporting.report.amended" in actions


def test_the_services_refuse_what_the_forms_would(app, factory):
    world = report_world(app, factory)
    report_id = _submitted_report(app, world)

    def attempt(work):
        try:
            world.run(app, work)
        except reports.DomainError as error:
            return error.status_code, error.message
        return None

    def report(exhibition):
        return db.session.get(VisitorReport, report_id)

    assert attempt(lambda t, e: reports.amend_report(
        t, e, report(e), reports.Amendment(" ", "rain", ""), None)) == (
        400, "Say why the report is amended (at most 1000 characters).")
    assert attempt(lambda t, e: reports.amend_report(t, e, report(e), reports.Amendment(
        "Why", "rain", "", add=[reports.ManualLine("group", 0)]), None))[0] == 400
    night = world.night(1)
    for line, message in ((reports.ManualLine("vip", 3), "Choose walk-in, group or complimentary."),
                          (reports.ManualLine("group", 100_001), "Enter between 1 and 100,000 persons."),
                          (reports.ManualLine("group", -1), "Enter between 1 and 100,000 persons."),
                          (reports.ManualLine("group", "12"), "Enter between 1 and 100,000 persons."),
                          (reports.ManualLine("group", 2, "x" * 201),
                           "Use at most 200 characters for the note.")):
        assert attempt(lambda t, e, line=line: reports.add_manual_count(t, e, night, line, None)) \
            == (400, message)
    assert attempt(lambda t, e: reports.save_draft(t, e, night, "hail", "", None))[0] == 400
    assert attempt(lambda t, e: reports.save_draft(t, e, night, None, "x" * 2001, None))[0] == 400
    # The night is over only after closing: tonight's report waits.
    tonight = world.night(3)

    def too_early(tenant, exhibition):
        opens = reports.night_window(exhibition, tonight, tenant.timezone)[0]
        return reports.submit_report(tenant, exhibition, tonight, None, now=opens + timedelta(hours=1))

    assert attempt(too_early) == (409, "This night is not over yet: submit its report after closing.")
    assert world.run(app, lambda t, e: db.session.scalar(
        select(VisitorReport.id).where(VisitorReport.night == tonight))) is None


def test_a_scan_after_midnight_counts_toward_the_night_that_opened(app, factory, make_client):
    world = report_world(app, factory)
    sales = world.sales
    last_slot = slot_ids(app, world, 1)[-1]  # 21:00–22:00 on night 1
    tickets = sell(app, world, last_slot, {sales.adult_id: 1, sales.family_id: 1})

    def late_tolerance(tenant, exhibition):
        exhibition.checkin_late_minutes = 180  # the park lets late visitors in until 01:00
    world.run(app, late_tolerance)
    after_midnight = slot_start(app, world, last_slot) + timedelta(hours=3, minutes=30)  # 00:30
    local = after_midnight.astimezone(ZoneInfo("Europe/Paris"))
    assert (local.hour, local.minute) == (0, 30) and local.date() == world.night(2)
    assert world.run(app, lambda t, e: night_at(e, after_midnight, t.timezone)) == world.night(1)
    assert [scan(app, world, "North gate", code, after_midnight) for code, _p in tickets] == [
        "admitted", "admitted"]

    manager = signed_in(make_client, world.emails["manager"])
    assert "Scanned entries 5" in text_of(manager.get(world.report_path(1)))
    assert "Scanned entries 0" in text_of(manager.get(world.report_path(2)))
