"""What a tenant owns, discovered from the mapped classes so a table added later is included:
its tenant-owned and party-shared tables, which of their columns are secrets, which name files.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapper

from festival.core.db import PartyShared, TenantOwned, db


@dataclass(frozen=True)
class OwnedTable:
    """One tenant-owned or party-shared mapped class and the columns an export shows."""

    model: type
    name: str
    attributes: tuple[str, ...]  # mapped attribute names, in the table's column order
    columns: tuple[str, ...]  # the table's column names, the export's headers

    @property
    def party_shared(self) -> bool:
        return issubclass(self.model, PartyShared)


def is_secret(column) -> bool:
    """Secrets never leave the database: keys and hashes, and the bearer links (order, pass,
    waiting-request and closure links, tour-operator tokens) that let whoever holds them act
    as the visitor or the partner."""
    name = column.name
    return (isinstance(column.type, LargeBinary) or name in ("secret", "token")
            or name.endswith(("_hash", "_secret")))


def is_file_key(column) -> bool:
    """A column holding a key of festival.core.storage (a logo, a contract or a shipping
    document): named ``*_key`` or ``*_path`` and typed as text."""
    return isinstance(column.type, String) and column.name.endswith(("_key", "_path"))


def _visible(mapper: Mapper) -> list[tuple[str, str]]:
    pairs = [(prop.key, prop.columns[0].name) for prop in mapper.column_attrs
             if not is_secret(prop.columns[0])]
    order = {column.name: index for index, column in enumerate(mapper.local_table.columns)}
    return sorted(pairs, key=lambda pair: order.get(pair[1], len(order)))


def owned_tables() -> list[OwnedTable]:
    """Every table a tenant owns, alone or with a supplier, parents before children."""
    by_table = {mapper.local_table.name: mapper for mapper in db.Model.registry.mappers
                if issubclass(mapper.class_, (TenantOwned, PartyShared))}
    tables = []
    for table in db.metadata.sorted_tables:
        mapper = by_table.get(table.name)
        if mapper is None:
            continue
        visible = _visible(mapper)
        tables.append(OwnedTable(mapper.class_, table.name, tuple(key for key, _ in visible),
                                 tuple(name for _, name in visible)))
    return tables


def file_key_attributes(model: type) -> list[str]:
    """The mapped attributes of ``model`` that hold storage keys."""
    mapper = db.inspect(model)
    return [prop.key for prop in mapper.column_attrs if is_file_key(prop.columns[0])]
