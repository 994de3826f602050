"""The issue's "bare minimum" order endpoint, to calibrate the machine a benchmark runs on.

Issue 4 compares Lantern with the least a Flask + SQLAlchemy app can do for an order (388
orders/s on its reference machine): a conditional UPDATE of the slot, an order and a position
inserted, one commit, nothing else (no tenant scope, no row-level security, no token, no
idempotency, no translation, no limiter, no log line). Machines here differ from day to day by
up to two times, so bench/run measures this app beside Lantern, same run, same wrk script.

    python bench/bare_minimum.py setup DATABASE_URL    # its own schema "bare", one large slot
    DATABASE_URL=... gunicorn --pythonpath bench bare_minimum:app
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from decimal import Decimal

from flask import Flask, abort, jsonify, request
from sqlalchemy import ForeignKey, Numeric, String, create_engine, update
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

SCHEMA = "bare"


class Base(DeclarativeBase):
    pass


class Slot(Base):
    __tablename__ = "slot"
    __table_args__ = {"schema": SCHEMA}
    id: Mapped[int] = mapped_column(primary_key=True)
    capacity: Mapped[int]
    taken: Mapped[int]


class Order(Base):
    __tablename__ = "order"
    __table_args__ = {"schema": SCHEMA}
    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey(Slot.id))
    email: Mapped[str] = mapped_column(String(200))
    total: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    created_at: Mapped[datetime]


class Position(Base):
    __tablename__ = "position"
    __table_args__ = {"schema": SCHEMA}
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey(Order.id))
    persons: Mapped[int]
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))


def setup(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        connection.exec_driver_sql(f"CREATE SCHEMA {SCHEMA}")
        Base.metadata.create_all(connection)
        connection.execute(Slot.__table__.insert().values(id=1, capacity=10_000_000, taken=0))


def create_app() -> Flask:
    app = Flask(__name__)
    sessions = sessionmaker(create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True))

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.post("/api/v1/orders")
    def create_order():
        body = request.get_json()
        persons = sum(item["quantity"] for item in body["items"])
        session: Session
        with sessions() as session, session.begin():
            taken = session.execute(
                update(Slot).where(Slot.id == body["slot_id"], Slot.taken + persons <= Slot.capacity)
                .values(taken=Slot.taken + persons)).rowcount
            if not taken:
                abort(409)
            order = Order(slot_id=body["slot_id"], email=body["email"], total=Decimal("12.00"),
                          created_at=datetime.now(UTC).replace(tzinfo=None))
            session.add(order)
            session.flush()
            order_id = order.id
            session.add(Position(order_id=order_id, persons=persons, price=Decimal("12.00")))
        return jsonify(id=order_id), 201

    return app


if __name__ == "__main__" and sys.argv[1:2] == ["setup"]:
    setup(sys.argv[2])
elif __name__ != "__main__":
    app = create_app()
