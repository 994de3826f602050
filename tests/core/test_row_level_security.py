"""On PostgreSQL, raw SQL as the application role cannot cross tenants (no ORM filter involved)."""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from tests.conftest import APP_URL, postgres_only

pytestmark = postgres_only


@pytest.fixture
def app_engine(app):
    engine = create_engine(APP_URL)
    yield engine
    engine.dispose()


@pytest.fixture
def alpha_beta(factory):
    a, b = factory.tenant("alpha"), factory.tenant("beta")
    factory.member(a, "a@example.com", "owner")
    factory.member(b, "b@example.com", "owner")
    return a, b


def scoped(conn, tenant_id):
    conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)})


def test_app_role_is_not_owner_nor_superuser(app_engine):
    with app_engine.connect() as conn:
        row = conn.execute(text("SELECT rolsuper, rolbypassrls FROM pg_roles "
                                "WHERE rolname = current_user")).one()
        owner = conn.scalar(text("SELECT tableowner FROM pg_tables WHERE tablename = 'tenant_member'"))
        me = conn.scalar(text("SELECT current_user"))
    assert row == (False, False)
    assert owner != me


def test_every_owned_table_has_a_policy(app_engine):
    from festival.core.db import SupplierOwned, TenantOwned, db

    owned = {m.class_.__tablename__ for m in db.Model.registry.mappers
             if issubclass(m.class_, (TenantOwned, SupplierOwned))}
    with app_engine.connect() as conn:
        with_rls = set(conn.scalars(text(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relkind = 'r'")))
        with_policy = set(conn.scalars(text("SELECT tablename FROM pg_policies")))
    assert owned <= with_rls
    assert owned <= with_policy


def test_raw_select_sees_only_the_scoped_tenant(app_engine, alpha_beta):
    a, _b = alpha_beta
    with app_engine.begin() as conn:
        assert conn.scalar(text("SELECT count(*) FROM tenant_member")) == 0  # no scope: nothing
        scoped(conn, a.id)
        tenants = set(conn.scalars(text("SELECT tenant_id FROM tenant_member")))
    assert tenants == {a.id}


def test_raw_update_and_delete_cannot_touch_another_tenant(app_engine, alpha_beta):
    a, b = alpha_beta
    with app_engine.begin() as conn:
        scoped(conn, a.id)
        updated = conn.execute(text("UPDATE tenant_member SET role = 'gate' WHERE tenant_id = :b"),
                               {"b": b.id}).rowcount
        deleted = conn.execute(text("DELETE FROM tenant_member WHERE tenant_id = :b"),
                               {"b": b.id}).rowcount
    assert (updated, deleted) == (0, 0)


def test_raw_insert_into_another_tenant_is_refused(app_engine, alpha_beta):
    a, b = alpha_beta
    with pytest.raises(ProgrammingError, match="row-level security"), app_engine.begin() as conn:
        scoped(conn, a.id)
        user_id = conn.scalar(text("SELECT id FROM user_account WHERE email = 'a@example.com'"))
        conn.execute(text("INSERT INTO tenant_member (tenant_id, user_id, role, created_at) "
                          "VALUES (:b, :u, 'gate', now())"), {"b": b.id, "u": user_id})


def test_pooled_connection_after_a_scope_reads_nothing(app_engine, alpha_beta):
    a, _b = alpha_beta
    with app_engine.begin() as conn:
        scoped(conn, a.id)
    with app_engine.begin() as conn:  # the same pooled connection, setting was transaction-local
        assert conn.scalar(text("SELECT count(*) FROM tenant_member")) == 0
