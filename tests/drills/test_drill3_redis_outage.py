"""Drill 3: Redis stops while visitors buy. The shop keeps selling (rate limits fall back to
memory, mail waits in the outbox table); once Redis is back, the worker and the outbox sweep send
every confirmation, each exactly once, including the one whose queued job Redis lost."""

from __future__ import annotations

import re

from sqlalchemy import text

from tests.conftest import postgres_only
from tests.drills import stack
from tests.drills.buyers import Purchase, Visitor
from tests.drills.stack import needs_tools

pytestmark = [postgres_only, needs_tools]

DURING_OUTAGE = 4


def _buy(drill, email: str, slot_index: int = -1) -> tuple[Purchase, Visitor]:
    visitor = Visitor(drill.shop(), retries=1)
    world = drill.world
    purchase = visitor.buy(world.exhibition_slug, world.first_night.isoformat(),
                           world.slot_ids[slot_index], world.adult_id, 1, email)
    assert purchase is not None, [(a.step, a.status, a.text[:300]) for a in visitor.answers]
    return purchase, visitor


def _confirmations(mailbox) -> list[str]:
    """The order code of every confirmation that reached the mail server in this drill."""
    return [re.search(r"order (\S+)\. Your tickets", mailbox.text(m)).group(1)
            for m in mailbox.messages if m["To"].endswith("@outage.example")]


def _waiting_mail(drill) -> int:
    with drill.owner.connect() as conn:
        return conn.scalar(text("SELECT count(*) FROM mail_outbox WHERE status = 'pending' "
                                "AND recipient LIKE '%@outage.example'"))


def test_without_redis_the_shop_sells_and_each_mail_goes_out_once_it_is_back(drill, mailbox):
    # Bought while Redis answers: its mail is a job in the queue, which Redis is about to lose.
    queued, _visitor = _buy(drill, "queued@outage.example")

    drill.stop_redis()
    try:
        outage = [_buy(drill, f"outage-{n}@outage.example") for n in range(DURING_OUTAGE)]
        # Every step of every sale answered at once, as if Redis had never been there.
        assert {a.status for _p, v in outage for a in v.answers} <= {200, 303}
        assert _confirmations(mailbox) == []
        assert _waiting_mail(drill) == 1 + DURING_OUTAGE
    finally:
        drill.start_redis()

    # Back: a sale queues its mail again; the worker and the sweep race for the rows.
    after, _visitor = _buy(drill, "after@outage.example")
    sweep = {**drill.env, "MAIL_SWEEP_GRACE_SECONDS": "0"}
    stack.festival(sweep, "deliver-mail")
    stack.festival(drill.env, "worker", "--burst")
    # Run again, as the scheduler does every minute: nothing is sent twice.
    stack.festival(sweep, "deliver-mail")
    stack.festival(drill.env, "worker", "--burst")

    sent = _confirmations(mailbox)
    expected = [queued.code, *(purchase.code for purchase, _v in outage), after.code]
    assert sorted(sent) == sorted(expected)
    assert _waiting_mail(drill) == 0
