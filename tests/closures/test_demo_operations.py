"""The demo shows the nightly operations at once on Paris's season: a closed night with decided
and undecided visitors, a waiting list on the sold-out night, a season pass with a reserved
visit, a tour operator with a paid and an unpaid block — each on its page in the portal."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from festival.closures.models import ClosureOrder
from festival.core.db import db
from festival.core.scope import platform_scope, tenant_scope
from festival.demo import DEMO_PASSWORD, seed
from festival.exhibitions.models import Exhibition
from festival.groups.models import GroupBlock
from festival.passes.models import Pass
from festival.tenants.models import Tenant
from festival.ticketing.models import EntrySlot
from festival.waitlist.models import WaitingRequest
from tests.security.conftest import text_of


def _facts(app) -> dict:
    with app.app_context():
        with platform_scope("cli"):
            assert seed()
            db.session.commit()
            paris = db.session.scalar(select(Tenant).where(Tenant.slug == "paris")).id
        with tenant_scope(paris):
            waiting = list(db.session.scalars(select(WaitingRequest)))
            full = {slot.remaining for slot in db.session.scalars(
                select(EntrySlot).where(EntrySlot.night == waiting[0].night))}
            facts = {
                "exhibition": db.session.scalar(select(Exhibition.id).order_by(Exhibition.id)),
                "decisions": Counter(db.session.scalars(select(ClosureOrder.decision))),
                "waiting": [(w.name, w.persons) for w in waiting], "free_on_waiting_night": full,
                "passes": [(p.holder_name, len(p.visits)) for p in db.session.scalars(select(Pass))],
                "blocks": sorted(db.session.scalars(select(GroupBlock.status))),
            }
        db.session.remove()
    return facts


def test_the_demo_shows_the_nightly_operations(app, client):
    facts = _facts(app)
    decisions = facts["decisions"]
    assert decisions[ClosureOrder.REBOOKED] == 2 and decisions[ClosureOrder.CREDITED] == 1
    assert decisions[ClosureOrder.UNDECIDED] >= 1
    assert sorted(facts["waiting"]) == [("Famille Moreau", 4), ("Tom Baker", 2)]
    assert facts["free_on_waiting_night"] == {0}  # the list waits on the sold-out night
    assert facts["passes"] == [("Camille Durand", 2)]
    assert facts["blocks"] == [GroupBlock.OPEN, GroupBlock.PAID]

    client.login("owner@paris.example.com", DEMO_PASSWORD)
    client.get("/locale/en")
    portal = f"/paris/manage/exhibitions/{facts['exhibition']}"
    assert "Avis de tempête" in text_of(client.get(f"{portal}/closures"))
    assert "Famille Moreau" in text_of(client.get(f"{portal}/waiting-list"))
    assert "Camille Durand" in text_of(client.get(f"{portal}/passes"))
    assert "Voyages Lumière SARL" in text_of(client.get("/paris/manage/tour-operators"))
