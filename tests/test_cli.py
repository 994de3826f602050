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
