"""Tenancy in one place: the scope of the current unit of work and the ORM filter behind it.

A scope is opened by an entry point (URL resolver, API token, webhook, job or CLI
decorator) and every ORM statement touching tenant- or supplier-owned classes is
filtered to it. A query of such a class with no scope open raises: tenancy fails
closed. On PostgreSQL the scope is also handed to row-level security through
transaction-local settings, the floor under this filter.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass

from sqlalchemy import event, text
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from festival.core.db import PartyShared, SupplierOwned, TenantOwned

log = logging.getLogger("festival.scope")

# The named places allowed to read across owners. Anything else is a programming error.
PLATFORM_REASONS = frozenset(
    {
        "accounts.memberships",  # a signed-in user's own memberships, for the portal switcher
        "accounts.invitation",  # an invited person's own invitation, found by its token
        "api.token",  # an API request's bearer token, found by its prefix before its tenant is known
        "base.console",  # the base console's aggregate views
        "cli",  # operator commands
        "job",  # periodic work and background jobs
        "webhook",  # payment provider callbacks
        "demo",  # seeding demo data
        "catalog.browse",  # a tenant reading the suppliers' published catalog: read only
        "booking.parties",  # a booking's step telling the other party's team: read only
        "exposure.supplier",  # a supplier's lamp groups' visitors, summed per night: read only
    }
)
# Platform scopes that read across owners but must never write.
READ_ONLY_REASONS = frozenset({"catalog.browse", "booking.parties", "exposure.supplier"})


class ScopeError(RuntimeError):
    """A scoped class was queried or written outside (or across) its scope."""


@dataclass(frozen=True)
class Scope:
    tenant_id: int | None = None
    supplier_id: int | None = None
    platform_reason: str | None = None

    @property
    def is_platform(self) -> bool:
        return self.platform_reason is not None


_current: ContextVar[Scope | None] = ContextVar("festival_scope", default=None)


def current_scope() -> Scope | None:
    """The scope open in this context, if any."""
    return _current.get()


def enter_scope(scope: Scope | None) -> Token:
    """Open a scope for the rest of this context (request hooks); pair with ``leave_scope``."""
    if scope is not None and scope.is_platform and scope.platform_reason not in PLATFORM_REASONS:
        raise ScopeError(f"unknown platform scope reason {scope.platform_reason!r}")
    if scope is not None and scope.is_platform:
        log.info("platform scope opened: %s", scope.platform_reason)
    token = _current.set(scope)
    _sync_open_transaction()
    return token


def leave_scope(token: Token) -> None:
    """Close the scope opened with ``enter_scope``."""
    _current.reset(token)
    _sync_open_transaction()


def switch_scope(token: Token, scope: Scope) -> Token:
    """Leave the scope opened with ``token`` and open ``scope`` in one step: a running
    transaction hears of the change once (one round trip to the database, not two)."""
    _current.reset(token)
    new_token = _current.set(scope)
    _sync_open_transaction()
    return new_token


@contextmanager
def scope(scope: Scope | None) -> Iterator[Scope | None]:
    token = enter_scope(scope)
    try:
        yield scope
    finally:
        leave_scope(token)


def tenant_scope(tenant_id: int):
    """Open the scope of one tenant."""
    return scope(Scope(tenant_id=tenant_id))


def supplier_scope(supplier_id: int):
    """Open the scope of one supplier."""
    return scope(Scope(supplier_id=supplier_id))


def platform_scope(reason: str):
    """Open the platform scope for one of the named ``PLATFORM_REASONS``."""
    return scope(Scope(platform_reason=reason))


def _required_kinds(state: ORMExecuteState) -> tuple[bool, bool, bool]:
    tenant = supplier = shared = False
    for mapper in state.all_mappers:
        tenant = tenant or issubclass(mapper.class_, TenantOwned)
        supplier = supplier or issubclass(mapper.class_, SupplierOwned)
        shared = shared or issubclass(mapper.class_, PartyShared)
    return tenant, supplier, shared


def _owners(model: type, current: Scope | None) -> list[tuple[str, int | None]]:
    """The owner columns ``model`` has, with the id the open scope gives each."""
    if issubclass(model, PartyShared):
        # Either party's scope will do; the column of the other party is not the scope's to check.
        if current is not None and current.supplier_id is not None:
            return [("supplier_id", current.supplier_id)]
        return [("tenant_id", current.tenant_id if current else None)]
    owners = []
    if issubclass(model, TenantOwned):
        owners.append(("tenant_id", current.tenant_id if current else None))
    if issubclass(model, SupplierOwned):
        owners.append(("supplier_id", current.supplier_id if current else None))
    return owners


def check_owner(model: type, rows: list[dict]) -> None:
    """Rows about to be inserted without a flush name the open scope's owner, like a flush's
    (``_check_writes``); values left out are left to row-level security."""
    current = _current.get()
    if current is not None and current.is_platform:
        return
    for column, scoped_id in _owners(model, current):
        if scoped_id is None:
            raise ScopeError(f"{model.__name__} inserted outside its owner's scope")
        if any(column in row and row[column] != scoped_id for row in rows):
            raise ScopeError(f"{model.__name__} inserted across owners")


def owner_criteria(model: type, table) -> list:
    """WHERE criteria keeping a plain (Core) statement on ``model``'s table inside the scope."""
    return [table.c[column] == scoped_id for column, scoped_id in owner_ids(model).items()]


def owner_ids(model: type) -> dict[str, int]:
    """The owner columns a plain statement on ``model`` must match in the open scope, with their
    ids ({} in a platform scope); ``owner_criteria`` as values, for a statement built once with
    bound parameters."""
    current = _current.get()
    if current is not None and current.is_platform:
        return {}
    owners = {}
    for column, scoped_id in _owners(model, current):
        if scoped_id is None:
            raise ScopeError(f"{model.__name__} written outside its owner's scope")
        owners[column] = scoped_id
    return owners


def _check_insert(state: ORMExecuteState) -> None:
    """An ORM-enabled INSERT (no flush, so no ``before_flush``) is checked like ``check_owner``."""
    params = state.parameters
    rows = params if isinstance(params, list) else [params or {}]
    for mapper in state.all_mappers:
        check_owner(mapper.class_, rows)


def _filter_statement(state: ORMExecuteState) -> None:
    current = _current.get()
    if current is not None and current.is_platform:
        return
    if state.is_insert:
        _check_insert(state)
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    needs_tenant, needs_supplier, needs_party = _required_kinds(state)
    if needs_tenant and (current is None or current.tenant_id is None):
        raise ScopeError("tenant-owned data queried outside a tenant scope")
    if needs_supplier and (current is None or current.supplier_id is None):
        raise ScopeError("supplier-owned data queried outside a supplier scope")
    if needs_party and (current is None or (current.tenant_id is None and current.supplier_id is None)):
        raise ScopeError("party-shared data queried outside its tenant's or supplier's scope")
    # Relationship and column loads are filtered too: skipping them leaked rows (STACK-NOTES).
    if current is not None and current.tenant_id is not None:
        tenant_id = current.tenant_id
        state.statement = state.statement.options(
            with_loader_criteria(
                TenantOwned, lambda cls: cls.tenant_id == tenant_id, include_aliases=True
            )
        )
        state.statement = state.statement.options(
            with_loader_criteria(
                PartyShared, lambda cls: cls.tenant_id == tenant_id, include_aliases=True
            )
        )
    if current is not None and current.supplier_id is not None:
        supplier_id = current.supplier_id
        state.statement = state.statement.options(
            with_loader_criteria(
                SupplierOwned, lambda cls: cls.supplier_id == supplier_id, include_aliases=True
            ),
            with_loader_criteria(
                PartyShared, lambda cls: cls.supplier_id == supplier_id, include_aliases=True
            ),
        )


def _owner_id(obj: object, column: str, relation: str) -> int | None:
    value = getattr(obj, column, None)
    if value is None and getattr(obj, relation, None) is not None:
        value = getattr(obj, relation).id
    return value


def _owner_checks(current: Scope | None) -> tuple:
    """(kind, column, relation, the scope's id) per kind of owned row; a party-shared row is
    checked on the column of the scope's own party."""
    tenant_id = current.tenant_id if current else None
    supplier_id = current.supplier_id if current else None
    party = (("supplier_id", "supplier", supplier_id) if supplier_id is not None
             else ("tenant_id", "tenant", tenant_id))
    return ((TenantOwned, "tenant_id", "tenant", tenant_id),
            (SupplierOwned, "supplier_id", "supplier", supplier_id),
            (PartyShared, *party))


def _check_writes(session: Session, flush_context, instances) -> None:
    current = _current.get()
    if current is not None and current.platform_reason in READ_ONLY_REASONS and (
            session.new or session.dirty or session.deleted):
        raise ScopeError(f"the {current.platform_reason} scope reads only")
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        for kind, column, relation, scoped_id in _owner_checks(current):
            if not isinstance(obj, kind):
                continue
            if current is not None and current.is_platform:
                continue
            if scoped_id is None:
                raise ScopeError(f"{type(obj).__name__} written outside its owner's scope")
            owner = _owner_id(obj, column, relation)
            if owner is None and obj in session.new:
                setattr(obj, column, scoped_id)
            elif owner != scoped_id:
                raise ScopeError(f"{type(obj).__name__} written across owners")


def _scope_settings() -> dict[str, str]:
    current = _current.get()
    return {
        "tenant": "" if current is None or current.tenant_id is None else str(current.tenant_id),
        "supplier": "" if current is None or current.supplier_id is None else str(current.supplier_id),
        "platform": "on" if current is not None and current.is_platform else "",
    }


_SET_SCOPE_SQL = text(
    "SELECT set_config('app.tenant_id', :tenant, true), "
    "set_config('app.supplier_id', :supplier, true), "
    "set_config('app.platform', :platform, true)"
)


def hand_scope_to_connection(connection, scope: Scope) -> None:
    """Give row-level security a scope on a connection outside the ORM session (after-commit
    bookkeeping); the statements that follow must still name their owner themselves."""
    if connection.dialect.name == "postgresql":
        connection.execute(_SET_SCOPE_SQL, {
            "tenant": "" if scope.tenant_id is None else str(scope.tenant_id),
            "supplier": "" if scope.supplier_id is None else str(scope.supplier_id),
            "platform": "on" if scope.is_platform else ""})


def _hand_scope_to_database(session: Session, transaction, connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(_SET_SCOPE_SQL, _scope_settings())


def _sync_open_transaction() -> None:
    """A scope opened inside a running transaction must reach row-level security at once."""
    from flask import has_app_context

    from festival.core.db import db

    if not has_app_context():
        return
    session = db.session()
    if session.in_transaction() and session.get_bind().dialect.name == "postgresql":
        session.connection().execute(_SET_SCOPE_SQL, _scope_settings())


def install_orm_scoping() -> None:
    """Register the central filter on every ORM session (idempotent)."""
    if not event.contains(Session, "do_orm_execute", _filter_statement):
        event.listen(Session, "do_orm_execute", _filter_statement)
        event.listen(Session, "before_flush", _check_writes)
        event.listen(Session, "after_begin", _hand_scope_to_database)


@contextmanager
def read_only_scope(reason: str) -> Iterator[None]:
    """Open one of the READ_ONLY_REASONS: pending writes of the surrounding work are flushed
    first, in their own scope, since the read-only scope refuses any write."""
    from festival.core.db import db

    if reason not in READ_ONLY_REASONS:
        raise ScopeError(f"{reason!r} is not a read-only scope")
    db.session.flush()
    with platform_scope(reason):
        yield


def in_platform_scope(reason: str):
    """Decorator for CLI commands and jobs: the whole command runs in one named platform scope."""
    from functools import wraps

    def decorator(function):
        @wraps(function)
        def scoped(*args, **kwargs):
            with platform_scope(reason):
                return function(*args, **kwargs)

        return scoped

    return decorator
