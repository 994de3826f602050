"""Rows written with one plain statement instead of the unit of work, for the on-sale rush.

A flush costs several times the Python of the statement it sends (docs/PERFORMANCE.md), and
every order of a rush writes the same few rows. These helpers send one Core statement, check
its rows against the open scope exactly as a flush is checked (``scope.check_owner``), and,
where the caller needs them, hand back ordinary persistent ORM objects.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Table, insert, inspect, update
from sqlalchemy.orm import make_transient_to_detached

from festival.core.db import db
from festival.core.scope import check_owner, owner_criteria

Model = TypeVar("Model")


def _connection():
    """The session's connection, in its transaction: a plain statement sent straight on it skips
    the session's ORM execution steps (the scope's criteria are added here instead). Pending
    objects are flushed first, as the session itself would before a statement."""
    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection()


@cache
def _columns(model: type) -> tuple[Table, tuple[tuple[str, Any], ...]]:
    """The model's table and (attribute key, column) pairs."""
    mapper = inspect(model)
    return mapper.local_table, tuple(
        (mapper.get_property_by_column(column).key, column) for column in mapper.local_table.columns)


def _complete(model: type, row: dict) -> dict:
    """The row with every column the database would fill from a Python-side default."""
    _table, columns = _columns(model)
    full = dict(row)
    for key, column in columns:
        if key in full or column.primary_key:
            continue
        default = column.default
        if default is None:
            full[key] = None
        elif default.is_callable:
            full[key] = default.arg(None)
        elif default.is_scalar:
            full[key] = default.arg
    return full


def _by_column_name(model: type, row: dict) -> dict:
    _table, columns = _columns(model)
    return {column.name: row[key] for key, column in columns if key in row}


def insert_objects(model: type[Model], rows: list[dict]) -> list[Model]:
    """INSERT ``rows`` (attribute → value) and return them as persistent objects of the session,
    primary keys filled, every column loaded, in the order given."""
    check_owner(model, rows)
    table, columns = _columns(model)
    full = [_complete(model, row) for row in rows]
    (key, primary), = [(key, column) for key, column in columns if column.primary_key]
    ids = _connection().execute(insert(table).returning(primary, sort_by_parameter_order=True),
                             [_by_column_name(model, row) for row in full]).scalars().all()
    objects = []
    for row, new_id in zip(full, ids, strict=True):
        obj = model(**row, **{key: new_id})
        make_transient_to_detached(obj)  # as if loaded: nothing left to flush
        db.session.add(obj)
        objects.append(obj)
    return objects


def insert_rows(model: type, rows: list[dict]) -> None:
    """INSERT ``rows`` (attribute → value); nothing is read back."""
    check_owner(model, rows)
    table, _columns_of = _columns(model)
    _connection().execute(insert(table), [_by_column_name(model, _complete(model, row)) for row in rows])


def update_rows(model: type, *where, **values) -> int:
    """UPDATE the rows of ``model`` matching ``where`` within the open scope; how many changed.

    ``where`` and ``values`` name the table's columns (``model.__table__.c``)."""
    table, _columns_of = _columns(model)
    statement = update(table).where(*where, *owner_criteria(model, table)).values(**values)
    return _connection().execute(statement).rowcount


def upsert_add(model: type, key: dict, increments: dict) -> None:
    """Add ``increments`` to the row of ``model`` identified by ``key`` (its unique columns),
    creating it with them when missing: one INSERT … ON CONFLICT DO UPDATE, atomic under
    concurrent writers, for the counters maintained as data arrives."""
    from sqlalchemy.dialects import postgresql, sqlite

    check_owner(model, [key])
    table = model.__table__
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**key, **increments)
    statement = statement.on_conflict_do_update(index_elements=list(key), set_={
        name: table.c[name] + statement.excluded[name] for name in increments})
    _connection().execute(statement)
