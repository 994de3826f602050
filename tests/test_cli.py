"""The festival command line."""

from sqlalchemy import create_engine, func, select, text

from festival.accounts.models import User
from festival.core.db import db
from festival.demo import DEMO_LOGINS, DEMO_PASSWORD
from tests.conftest import ON_POSTGRES, OWNER_URL, postgres_only


def test_create_operator_then_sign_in(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-operator", "chief@example.com",
                                 "--password", "a-long-password-1"])
    assert result.exit_code == 0, result.output
    assert "chief@example.com" in result.output
    response = client.post_form("/login", {"email": "chief@example.com",
                                           "password": "a-long-password-1"})
    assert response.headers["Location"].endswith("/base/")


def test_create_operator_refuses_weak_password_and_duplicates(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["create-operator", "chief@example.com", "--password", "short"])
    assert weak.exit_code != 0 and "at least 10 characters" in weak.output
    runner.invoke(args=["create-operator", "chief@example.com", "--password", "a-long-password-1"])
    again = runner.invoke(args=["create-operator", "chief@example.com",
                                "--password", "a-long-password-1"])
    assert again.exit_code != 0 and "exists already" in again.output


def test_seed_demo_is_idempotent_and_the_logins_work(app, client, make_client):
    runner = app.test_cli_runner()
    assert "Demo data created" in runner.invoke(args=["seed-demo"]).output
    assert "nothing seeded" in runner.invoke(args=["seed-demo"]).output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == len(DEMO_LOGINS)
    client.login("owner@paris.example.com", DEMO_PASSWORD)
    page = client.get("/paris/manage/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Festival des Lanternes de Paris" in page
    supplier = make_client()
    supplier.login("owner@huacai.example.com", DEMO_PASSWORD)
    assert "Zigong Huacai" in supplier.get("/s/huacai/").get_data(as_text=True)


def test_demo_has_five_cities_in_five_currencies(app):
    from festival.core.scope import platform_scope
    from festival.demo import seed
    from festival.tenants.models import Tenant

    with app.app_context():
        seed()
        with platform_scope("cli"):
            tenants = db.session.scalars(select(Tenant)).all()
        assert {t.currency for t in tenants} == {"USD", "EUR", "JPY", "AED"}
        assert {t.default_locale for t in tenants} == {"en", "fr", "de", "ja", "ar"}
        assert len({t.timezone for t in tenants}) == 5
        db.session.remove()


@postgres_only
def test_create_app_role_is_idempotent(app):
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["create-app-role", "lantern_cli_check"])
        assert result.exit_code == 0, result.output
    engine = create_engine(OWNER_URL)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles "
                                "WHERE rolname = 'lantern_cli_check'")).one()
    engine.dispose()
    assert tuple(row) == (False, False, True)
    assert ON_POSTGRES


def test_demo_tenants_each_sell_an_exhibition_with_a_sold_out_night(app):
    from festival.core.scope import platform_scope
    from festival.demo import seed
    from festival.exhibitions.models import Exhibition
    from festival.ticketing.models import EntrySlot, Order

    with app.app_context():
        seed()
        with platform_scope("cli"):
            # One on sale per tenant; the others are the booking demo's next and past seasons.
            exhibitions = db.session.scalars(select(Exhibition).where(Exhibition.status == "on_sale")).all()
            assert len(exhibitions) == 5 and len({e.tenant_id for e in exhibitions}) == 5
            for exhibition in exhibitions:
                nights = db.session.execute(
                    select(EntrySlot.night, func.sum(EntrySlot.taken), func.sum(EntrySlot.capacity))
                    .where(EntrySlot.exhibition_id == exhibition.id).group_by(EntrySlot.night)).all()
                sold_out = [night for night, taken, capacity in nights if taken == capacity]
                partly = [night for night, taken, capacity in nights if 0 < taken < capacity]
                assert len(sold_out) == 1 and len(partly) >= 3, exhibition.slug
            paid = db.session.scalar(select(func.count()).select_from(Order).where(Order.status == "paid"))
            assert paid > 100
        db.session.remove()


def test_expire_holds_releases_unpaid_orders(app, factory):
    from datetime import timedelta

    from festival.core.db import utcnow
    from festival.core.scope import tenant_scope
    from festival.tenants.models import Tenant
    from festival.ticketing import orders
    from festival.ticketing.models import EntrySlot, Order
    from tests.ticketing.world import build_sales_world

    world = build_sales_world(app, factory, "houston")
    with app.test_request_context(), tenant_scope(world.tenant_id):
        order = orders.create_order(db.session.get(Tenant, world.tenant_id), orders.OrderRequest(
            slot_id=world.slot_ids[0], quantities={world.adult_id: 3}, email="a@example.com",
            name="A", locale="en"))
        order.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        order_id = order.id
        db.session.remove()
    result = app.test_cli_runner().invoke(args=["expire-holds"])
    assert "1 expired hold(s) released" in result.output
    assert "0 expired" in app.test_cli_runner().invoke(args=["expire-holds"]).output
    with app.app_context(), tenant_scope(world.tenant_id):
        assert db.session.get(Order, order_id).status == "expired"
        assert db.session.get(EntrySlot, world.slot_ids[0]).taken == 0
        db.session.remove()
