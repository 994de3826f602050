"""Work that leaves only once the row it speaks of is committed: a row added with ``after_commit``
is handed to its callback (which enqueues a job or runs it inline) after the outermost commit
of the transaction that wrote it, and forgotten if that transaction rolls back.

The mail outbox (festival.core.mail) and report exports (festival.exports) hand their rows off
this way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from festival.core.db import db

log = logging.getLogger("festival.jobs")

_KEY = "handoff_rows"


def after_commit(row: object, callback: Callable[..., None], *args: object) -> None:
    """Add ``row`` to the current transaction; once it commits, call ``callback(row_id, *args)``."""
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback before any SQL still drops the hand-off
    session.add(row)
    session.info.setdefault(_KEY, []).append((row, callback, args))


@event.listens_for(Session, "after_commit")
def _hand_off(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released: the transaction that wrote the rows may still roll back
    # The identity, not the attribute: the committed objects are expired and no SQL may run here.
    waiting = [(state.identity[0], callback, args) for state, callback, args in
               ((inspect(row), callback, args) for row, callback, args in session.info.pop(_KEY, []))
               if state.identity is not None]
    for row_id, callback, args in waiting:
        try:
            callback(row_id, *args)
        except Exception:
            # The commit has happened: a failing hand-off must not fail the request; the row
            # waits for its sweep.
            log.exception("hand-off of row %s failed", row_id)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction ended
        session.info.pop(_KEY, None)


def discard(callback: Callable[..., None]) -> None:
    """Drop the rows of the current transaction waiting for ``callback`` (they are not written,
    or deleted if they were flushed), and their hand-off."""
    session = db.session()
    waiting = session.info.get(_KEY, [])
    for row, _callback, _args in [entry for entry in waiting if entry[1] is callback]:
        if row in session.new:
            session.expunge(row)
        elif inspect(row).persistent:
            session.delete(row)
    session.info[_KEY] = [entry for entry in waiting if entry[1] is not callback]
