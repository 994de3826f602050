"""Rows written with one plain statement instead of the unit of work, for the on-sale rush.

A flush costs several times the Python of the statement it sends (docs/PERFORMANCE.md), and
every order of a rush writes the same few rows. These helpers send one Core statement, check
its rows against the open scope exactly as a flush is checked (``scope.check_owner``), and,
where the caller needs them, hand back ordinary persistent ORM objects.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, insert, inspect, select, true, union_all, update
from sqlalchemy.orm import make_transient_to_detached

from festival.core.db import db
from festival.core.scope import check_owner, owner_criteria, owner_ids

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


@cache
def _primary_key(model: type) -> tuple[str, Any]:
    """The model's (attribute key, column) of its single-column primary key."""
    (key, column), = [(key, column) for key, column in _columns(model)[1] if column.primary_key]
    return key, column


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
    key, primary = _primary_key(model)
    ids = _connection().execute(insert(table).returning(primary, sort_by_parameter_order=True),
                             [_by_column_name(model, row) for row in full]).scalars().all()
    return [_persistent(model, row, new_id) for row, new_id in zip(full, ids, strict=True)]


def _persistent(model: type[Model], full_row: dict, new_id: int) -> Model:
    """A row just inserted, as an object of the session as if loaded: nothing left to flush."""
    key, _primary = _primary_key(model)
    obj = model(**full_row, **{key: new_id})
    make_transient_to_detached(obj)
    db.session.add(obj)
    return obj


def insert_rows(model: type, rows: list[dict]) -> None:
    """INSERT ``rows`` (attribute → value); nothing is read back."""
    check_owner(model, rows)
    table, _columns_of = _columns(model)
    values = [_by_column_name(model, _complete(model, row)) for row in rows]
    # One row is sent as a single execution: the driver's executemany costs more for one.
    _connection().execute(_insert_statement(table), values[0] if len(values) == 1 else values)


@cache
def _insert_statement(table: Table):
    return insert(table)


def update_rows(model: type, *where, params: dict | None = None, **values) -> int:
    """UPDATE the rows of ``model`` matching ``where`` within the open scope; how many changed.

    ``where`` and ``values`` name the table's columns (``model.__table__.c``); ``params`` gives
    the values of their bound parameters, if any."""
    table, _columns_of = _columns(model)
    statement = update(table).where(*where, *owner_criteria(model, table)).values(**values)
    return _connection().execute(statement, params).rowcount


def insert_if_updated(shape: Hashable, guard: type, where: list, values: dict, params: dict,
                      parent: type[Model], parent_row: dict, child: type, link: str,
                      child_rows: list[dict]) -> tuple[Model, list] | None:
    """UPDATE one row of ``guard`` matching ``where`` (within the open scope); only if it changed,
    INSERT ``parent_row`` and ``child_rows`` (each pointing at the parent through ``link``), and
    return them as persistent objects. None when the UPDATE changed nothing (nothing is written).

    On PostgreSQL this is one statement of data-modifying CTEs, since every order of the on-sale
    rush writes exactly this (the slot's places, the order, its lines): one round trip and one
    statement's overhead instead of three (docs/PERFORMANCE.md). ``where`` and ``values`` hold
    bound parameters whose values ``params`` gives; the statement is built once per ``shape``
    (the caller's name for those clauses) and number of children, then only executed.
    """
    check_owner(parent, [parent_row])
    check_owner(child, child_rows)
    parent_full = _complete(parent, parent_row)
    children_full = [_complete(child, row) for row in child_rows]
    owners = owner_ids(guard)
    connection = _connection()
    if connection.dialect.name != "postgresql":
        table = guard.__table__
        changes = update(table).where(*where, *owner_criteria(guard, table)).values(**values)
        if connection.execute(changes, params).rowcount != 1:
            return None
        parent_object, = insert_objects(parent, [parent_row])
        return parent_object, insert_objects(child, [{**row, link: parent_object.id} for row in child_rows])
    parent_values = _by_column_name(parent, parent_full)
    link_column = child.__table__.c[link].name
    child_values = [{name: value for name, value in _by_column_name(child, row).items()
                     if name != link_column} for row in children_full]
    key = (shape, guard, tuple(owners), parent, tuple(parent_values), child, link_column,
           tuple(child_values[0]), len(child_values))
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _STATEMENTS[key] = _insert_if_updated_statement(
            guard, where, values, tuple(owners), parent, tuple(parent_values), child, link_column,
            tuple(child_values[0]), len(child_values))
    bound = {**params, **{f"owner_{column}": value for column, value in owners.items()},
             **{f"p_{name}": value for name, value in parent_values.items()}}
    for number, row in enumerate(child_values):
        bound.update({f"c{number}_{name}": value for name, value in row.items()})
    result = connection.execute(statement, bound).all()
    if not result:
        return None
    parent_object = _persistent(parent, parent_full, result[0][0])
    return parent_object, [_persistent(child, {**row, link: parent_object.id}, child_id)
                           for row, (_parent_id, child_id) in zip(children_full, result, strict=True)]


# insert_if_updated's statements by shape (a few per process: one per number of order lines).
_STATEMENTS: dict[Hashable, Any] = {}


def _insert_if_updated_statement(guard: type, where: list, values: dict, owners: tuple[str, ...],
                                 parent: type, parent_names: tuple[str, ...], child: type,
                                 link_column: str, child_names: tuple[str, ...], children: int):
    guard_table, parent_table, child_table = guard.__table__, parent.__table__, child.__table__
    taken = (update(guard_table)
             .where(*where, *[guard_table.c[column] == bindparam(f"owner_{column}") for column in owners])
             .values(**values).returning(*guard_table.primary_key.columns).cte("guard"))
    written = insert(parent_table).from_select(list(parent_names), select(*[
        bindparam(f"p_{name}", type_=parent_table.c[name].type) for name in parent_names
    ]).select_from(taken)).returning(parent_table.c.id).cte("parent")
    selects = [select(written.c.id, *[bindparam(f"c{number}_{name}", type_=child_table.c[name].type)
                                      for name in child_names]) for number in range(children)]
    inserted = insert(child_table).from_select(
        [link_column, *child_names], union_all(*selects) if children > 1 else selects[0],
    ).returning(child_table.c.id).cte("children")
    # The children's ids come from one sequence, in the order the SELECTs produce the rows.
    return (select(written.c.id, inserted.c.id.label("child_id"))
            .select_from(written).join(inserted, true()).order_by(inserted.c.id))


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
