"""The central tenant filter: every ORM path, writes, and failing closed without a scope."""

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.orm import aliased, selectinload

from festival.accounts.models import TenantMember, User
from festival.core import rows
from festival.core.db import db
from festival.core.scope import ScopeError, platform_scope, supplier_scope, tenant_scope
from festival.tenants.models import Tenant
from tests.conftest import ON_POSTGRES


@pytest.fixture
def two_tenants(factory):
    a = factory.tenant("alpha")
    b = factory.tenant("beta")
    factory.member(a, "a1@example.com", "owner")
    factory.member(a, "a2@example.com", "gate")
    factory.member(b, "b1@example.com", "owner")
    return a, b


def emails(members) -> set[str]:
    return {m.user.email for m in members}


def test_query_without_scope_raises(ctx, two_tenants):
    with pytest.raises(ScopeError):
        db.session.scalars(select(TenantMember)).all()


def test_query_in_wrong_kind_of_scope_raises(ctx, two_tenants):
    with supplier_scope(1), pytest.raises(ScopeError):
        db.session.scalars(select(TenantMember)).all()


def test_top_level_select_sees_only_own_rows(ctx, two_tenants):
    a, _b = two_tenants
    with tenant_scope(a.id):
        assert emails(db.session.scalars(select(TenantMember))) == {"a1@example.com",
                                                                    "a2@example.com"}


def test_get_of_another_tenants_id_finds_nothing(ctx, two_tenants):
    a, b = two_tenants
    with platform_scope("cli"):
        b_member_id = db.session.scalar(select(TenantMember.id)
                                        .where(TenantMember.tenant_id == b.id))
    db.session.expunge_all()
    with tenant_scope(a.id):
        assert db.session.get(TenantMember, b_member_id) is None


def test_lazy_relationship_load_is_filtered(ctx, two_tenants):
    a, b = two_tenants
    with tenant_scope(a.id):
        beta = db.session.get(Tenant, b.id)  # a platform row: visible
        assert beta.members == []  # its members are not
        alpha = db.session.get(Tenant, a.id)
        assert len(alpha.members) == 2


def test_selectinload_is_filtered(ctx, two_tenants):
    a, _b = two_tenants
    with tenant_scope(a.id):
        tenants = db.session.scalars(select(Tenant).options(selectinload(Tenant.members))).all()
        loaded = {t.slug: len(t.members) for t in tenants}
    assert loaded == {"alpha": 2, "beta": 0}


def test_aliased_and_explicit_on_join_is_filtered(ctx, two_tenants):
    a, _b = two_tenants
    member = aliased(TenantMember)
    with tenant_scope(a.id):
        rows = db.session.execute(
            select(User.email).join(member, member.user_id == User.id)).scalars().all()
    assert set(rows) == {"a1@example.com", "a2@example.com"}


def test_orm_update_and_delete_are_filtered(ctx, two_tenants):
    from sqlalchemy import delete, update

    a, b = two_tenants
    with tenant_scope(a.id):
        db.session.execute(update(TenantMember).values(role="manager"))
        db.session.execute(delete(TenantMember).where(TenantMember.role == "nothing"))
        db.session.commit()
    with platform_scope("cli"):
        roles = dict(db.session.execute(select(TenantMember.tenant_id, TenantMember.role)
                                        .where(TenantMember.tenant_id == b.id)).all())
    assert roles == {b.id: "owner"}


def test_write_across_tenants_is_refused(ctx, two_tenants):
    a, b = two_tenants
    with tenant_scope(a.id):
        user = db.session.scalar(select(User).where(User.email == "a1@example.com"))
        db.session.add(TenantMember(tenant_id=b.id, user=user, role="gate"))
        with pytest.raises(ScopeError):
            db.session.flush()
        db.session.rollback()


def test_new_row_takes_the_scopes_tenant(ctx, two_tenants):
    a, _b = two_tenants
    with tenant_scope(a.id):
        user = db.session.scalar(select(User).where(User.email == "b1@example.com"))
        member = TenantMember(user=user, role="gate")
        db.session.add(member)
        db.session.flush()
        assert member.tenant_id == a.id
        db.session.rollback()


def test_write_without_scope_is_refused(ctx, two_tenants):
    a, _b = two_tenants
    user = db.session.scalar(select(User).where(User.email == "b1@example.com"))
    db.session.add(TenantMember(tenant_id=a.id, user=user, role="gate"))
    with pytest.raises(ScopeError):
        db.session.flush()
    db.session.rollback()


def test_orm_insert_statements_are_checked_like_a_flush(ctx, two_tenants):
    """INSERT statements of mapped classes (used where a flush would cost too much) name the
    scope's owner: another tenant's id or no scope at all is refused before the database."""
    a, b = two_tenants
    user_id = db.session.scalar(select(User.id).where(User.email == "b1@example.com"))
    with pytest.raises(ScopeError):
        db.session.execute(insert(TenantMember), [dict(tenant_id=a.id, user_id=user_id, role="gate")])
    with tenant_scope(a.id):
        with pytest.raises(ScopeError):
            db.session.execute(insert(TenantMember),
                               [dict(tenant_id=b.id, user_id=user_id, role="gate")])
        db.session.execute(insert(TenantMember), [dict(tenant_id=a.id, user_id=user_id, role="gate")])
        assert "b1@example.com" in emails(db.session.scalars(select(TenantMember)))
    db.session.rollback()


def test_plain_row_writes_stay_in_their_scope(ctx, two_tenants):
    """core.rows writes without the unit of work (the on-sale rush) and is checked the same way:
    rows of another tenant or with no scope are refused, updates reach only the scope's rows."""
    a, b = two_tenants
    user_id = db.session.scalar(select(User.id).where(User.email == "b1@example.com"))
    with pytest.raises(ScopeError):
        rows.insert_objects(TenantMember, [dict(tenant_id=a.id, user_id=user_id, role="gate")])
    with pytest.raises(ScopeError):
        rows.update_rows(TenantMember, TenantMember.__table__.c.role == "gate", role="owner")
    with tenant_scope(a.id):
        with pytest.raises(ScopeError):
            rows.insert_rows(TenantMember, [dict(tenant_id=b.id, user_id=user_id, role="gate")])
        member, = rows.insert_objects(TenantMember, [dict(tenant_id=a.id, user_id=user_id,
                                                          role="gate")])
        assert member in db.session and member.id is not None and member.role == "gate"
        assert not db.session.dirty and not db.session.new
        # Every member of both tenants is a candidate; only alpha's change.
        changed = rows.update_rows(TenantMember, TenantMember.__table__.c.role == "gate",
                                   role="manager")
        assert changed == 2  # a2 and the new one, not beta's
    with platform_scope("cli"):
        roles = {(m.tenant_id, m.user.email, m.role) for m in db.session.scalars(select(TenantMember))}
    assert (b.id, "b1@example.com", "owner") in roles
    assert (a.id, "a2@example.com", "manager") in roles
    db.session.rollback()


def test_unknown_platform_reason_is_refused(ctx):
    with pytest.raises(ScopeError), platform_scope("curiosity"):
        pass


def test_any_subquery_is_filtered(ctx, two_tenants):
    """``.any()`` was a known gap of with_loader_criteria; SQLAlchemy 2.1 filters it (and RLS)."""
    a, _b = two_tenants
    with tenant_scope(a.id):
        slugs = set(db.session.scalars(
            select(Tenant.slug).where(Tenant.members.any(TenantMember.role == "owner"))))
    assert slugs == {"alpha"}


def test_core_text_statement_is_filtered_by_rls_only(ctx, two_tenants):
    a, _b = two_tenants
    with tenant_scope(a.id):
        count = db.session.scalar(text("SELECT count(*) FROM tenant_member"))
    assert count == (2 if ON_POSTGRES else 3)
