"""Drill 4: a job worker is killed (SIGKILL) in the middle of sending a visitor's tickets.

The worker has claimed the outbox row and is inside the SMTP transaction: the drill's mail
server holds back its answer to DATA, so nothing has been accepted yet. Once the claim is older
than MAIL_STALE_CLAIM_SECONDS the delivery is retried (a new worker, the outbox sweep) and the
visitor gets exactly one confirmation; the row ends up sent.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import threading
import time
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from sqlalchemy import text

from tests.conftest import Mailbox, _free_port, postgres_only
from tests.drills import stack
from tests.drills.buyers import Visitor
from tests.drills.stack import needs_tools

pytestmark = [postgres_only, needs_tools]

VISITOR = "killed@worker.example"
STALE_SECONDS = 3


class StallingMailServer:
    """An SMTP handler that keeps the first DATA for VISITOR unanswered until released, then
    refuses it (the client is dead by then); it keeps only the messages it answered 250 to."""

    def __init__(self):
        self.accepted: list = []
        self.stalled = threading.Event()  # the first transaction for VISITOR is being held
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if VISITOR in envelope.rcpt_tos and not self.stalled.is_set():
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.1)
            return "451 Held by the drill; the sender died meanwhile"
        self.accepted.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def confirmations_for(self, recipient: str) -> list[str]:
        """The order code of every confirmation to ``recipient`` the server accepted."""
        return [re.search(r"order (\S+)\. Your tickets", Mailbox.text(m)).group(1)
                for m in self.accepted if m["To"] == recipient]


def _outbox_row(drill) -> tuple[str, int]:
    with drill.owner.connect() as conn:
        return tuple(conn.execute(text("SELECT status, attempts FROM mail_outbox WHERE recipient = :r"),
                                  {"r": VISITOR}).one())


def test_a_worker_killed_mid_send_is_retried_and_the_visitor_gets_one_mail(drill):
    handler = StallingMailServer()
    smtp = Controller(handler, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    env = {**drill.env, "MAIL_PORT": str(smtp.port), "MAIL_STALE_CLAIM_SECONDS": str(STALE_SECONDS),
           "MAIL_SWEEP_GRACE_SECONDS": "0"}
    worker = stack.Process("worker", [str(stack.VENV_BIN / "festival"), "worker"],
                           drill.logs / "worker-killed.log", env=env)
    try:
        world = drill.world
        visitor = Visitor(drill.shop(), retries=1)
        purchase = visitor.buy(world.exhibition_slug, world.first_night.isoformat(),
                               world.slot_ids[-1], world.adult_id, 1, VISITOR)
        assert purchase is not None, [(a.step, a.status, a.text[:300]) for a in visitor.answers]

        # The confirmation is a queued job; a worker takes it, claims the row and starts SMTP.
        worker.start()
        assert handler.stalled.wait(timeout=stack.START_TIMEOUT), "the worker never sent the mail"
        assert _outbox_row(drill) == ("sending", 1)
        os.killpg(worker.popen.pid, signal.SIGKILL)  # mid-send: the server has not said 250
        worker.popen.wait(timeout=30)
        handler.release.set()
        assert handler.confirmations_for(VISITOR) == []
        assert _outbox_row(drill) == ("sending", 1)  # the dead worker's claim

        # A claim younger than the stale window (600 s by default) may belong to a live, slow
        # worker: the sweep leaves it.
        stack.festival({**env, "MAIL_STALE_CLAIM_SECONDS": "600"}, "deliver-mail")
        assert _outbox_row(drill) == ("sending", 1)

        # Once the claim is stale, a new worker and the scheduler's sweep retry the delivery,
        # and running both again changes nothing.
        time.sleep(STALE_SECONDS + 1)
        for _round in range(2):
            stack.festival(env, "worker", "--burst")
            stack.festival(env, "deliver-mail")
    finally:
        handler.release.set()
        worker.stop()
        smtp.stop()

    assert handler.confirmations_for(VISITOR) == [purchase.code]
    assert _outbox_row(drill) == ("sent", 2)
