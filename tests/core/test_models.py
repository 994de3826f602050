"""Every mapped class is exactly one of the kinds of data."""

from festival.core.db import PartyShared, PlatformRow, SupplierOwned, TenantOwned, db, scope_kind


def test_every_mapped_class_has_exactly_one_kind(app):
    classes = [mapper.class_ for mapper in db.Model.registry.mappers]
    assert classes
    for cls in classes:
        kind = scope_kind(cls)  # raises unless exactly one
        if kind is TenantOwned:
            assert "tenant_id" in cls.__table__.c
        if kind is SupplierOwned:
            assert "supplier_id" in cls.__table__.c
        if kind is PartyShared:
            assert {"tenant_id", "supplier_id"} <= set(cls.__table__.c.keys())
        if kind is PlatformRow:
            assert "tenant_id" not in cls.__table__.c and "supplier_id" not in cls.__table__.c
