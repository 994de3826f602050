"""A tenant's data as one zip: its own row, one CSV per table it owns, its stored files.

The zip is written to a file as it goes (rows are streamed from the database), so a large
tenant never sits in memory. Reads go through the tenant's scope, so the central filter (and
row-level security under it) keep every other tenant's rows out.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any

from sqlalchemy import select

from festival.accounts.models import User
from festival.audit.services import record_event
from festival.core.db import db, utcnow
from festival.core.errors import DomainError
from festival.core.scope import tenant_scope
from festival.core.storage import read_file
from festival.privacy.tables import OwnedTable, file_key_attributes, is_secret, owned_tables
from festival.tenants.models import Tenant

FORMAT_VERSION = 1
BATCH = 1000  # rows fetched per round trip while streaming a table


@dataclass
class ExportSummary:
    """What went into one export: rows per table and the files included or missing."""

    rows: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)


def _cell(value: Any) -> Any:
    """One value as text a spreadsheet and a program both read back without guessing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def tenant_record(tenant: Tenant) -> dict[str, Any]:
    """The tenant's own row, secrets (its ticket signing key) left out."""
    mapper = db.inspect(Tenant)
    return {prop.columns[0].name: _cell(getattr(tenant, prop.key))
            for prop in mapper.column_attrs if not is_secret(prop.columns[0])}


def _write_table(archive: zipfile.ZipFile, table: OwnedTable, file_keys: set[str]) -> int:
    attributes = [getattr(table.model, key) for key in table.attributes]
    key_positions = [table.attributes.index(key) for key in file_key_attributes(table.model)
                     if key in table.attributes]
    order = [column for column in db.inspect(table.model).primary_key]
    query = select(*attributes).order_by(*order).execution_options(yield_per=BATCH)
    count = 0
    with archive.open(f"tables/{table.name}.csv", "w") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow(table.columns)
        for row in db.session.execute(query):
            writer.writerow([_cell(value) for value in row])
            file_keys.update(row[i] for i in key_positions if row[i])
            count += 1
        text.flush()
        text.detach()
    return count


def _write_files(archive: zipfile.ZipFile, keys: set[str], summary: ExportSummary) -> None:
    for key in sorted(keys):
        try:
            data = read_file(key)
        except DomainError:  # a row naming a file the store no longer has
            summary.missing_files.append(key)
            continue
        archive.writestr(f"files/{key}", data)
        summary.files.append(key)


def _manifest(tenant: Tenant, summary: ExportSummary) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "tenant": tenant.slug,
        "exported_at": utcnow().isoformat(),
        "tables": summary.rows,
        "files": summary.files,
        "missing_files": summary.missing_files,
        "left_out": "secrets: signing keys, token and password hashes, visitors' secret links",
    }


def write_tenant_export(tenant: Tenant, target: IO[bytes], actor: User | None,
                        ip_address: str | None = None) -> ExportSummary:
    """Write the tenant's export zip to ``target`` and record it in the tenant's audit log."""
    summary = ExportSummary()
    with tenant_scope(tenant.id), zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("tenant.json", json.dumps(tenant_record(tenant), ensure_ascii=False,
                                                   indent=2, sort_keys=True))
        file_keys = {key for key in (getattr(tenant, attr) for attr in
                                     file_key_attributes(Tenant)) if key}
        for table in owned_tables():
            summary.rows[table.name] = _write_table(archive, table, file_keys)
        _write_files(archive, file_keys, summary)
        archive.writestr("manifest.json", json.dumps(_manifest(tenant, summary), indent=2))
        record_event("festival.privacy.tenant.exported", actor=actor, ip_address=ip_address,
                     tables=len(summary.rows), rows=sum(summary.rows.values()),
                     files=len(summary.files))
    return summary


def export_to_temporary_file(tenant: Tenant, actor: User | None,
                             ip_address: str | None = None) -> IO[bytes]:
    """The export in an anonymous temporary file, rewound; it disappears once closed."""
    target = tempfile.TemporaryFile(prefix="lantern-export-")  # noqa: SIM115  handed to the caller
    try:
        write_tenant_export(tenant, target, actor, ip_address)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target
