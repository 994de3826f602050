"""Freed places reach the waiting list in the transaction that freed them.

``orders.return_places`` notes each slot it gives places back to in ``session.info``; just
before that transaction commits, the nights of those slots that have groups waiting are
offered the places (``services.offer_night``), so a refund, a lapsed hold or a cancellation
never leaves a gap in which someone outside the list buys them. When nobody waits this costs
one indexed query; when nothing was freed, nothing.
"""

from __future__ import annotations

from contextlib import nullcontext

from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from festival.core.db import db
from festival.core.scope import current_scope, platform_scope, tenant_scope
from festival.ticketing.orders import FREED_SLOTS
from festival.waitlist import services


def _own_tenant_scope(tenant_id: int):
    """The tenant's scope for its night's offers: a command or job runs in the platform scope,
    and the offers it makes must read and write one tenant's rows only."""
    scope = current_scope()
    if scope is not None and scope.tenant_id == tenant_id:
        return nullcontext()
    return tenant_scope(tenant_id)


def _finding_scope():
    """Where the freed slots' nights are looked up: the open scope; a commit after its scope
    closed (freed places noted earlier) looks up just those slots in the job's platform scope."""
    return nullcontext() if current_scope() is not None else platform_scope("job")


def offer_freed_places(session: Session) -> None:
    """Offer the nights of the slots freed in this transaction; places freed while offering
    (lapsed holds, a request withdrawn meanwhile) are offered in further rounds."""
    for _round in range(services.MAX_ROUNDS):
        freed = session.info.pop(FREED_SLOTS, None)
        if not freed:
            return
        with _finding_scope():
            nights = services.nights_waiting_at(freed)
        for tenant_id, exhibition_id, night in nights:
            with _own_tenant_scope(tenant_id):
                services.offer_night(exhibition_id, night)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction() or FREED_SLOTS not in session.info:
        return  # a savepoint: the outer transaction commits (and offers) later
    if not has_app_context() or session is not db.session():
        session.info.pop(FREED_SLOTS, None)
        return
    offer_freed_places(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_freed_places(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction ended: nothing was freed
        session.info.pop(FREED_SLOTS, None)
