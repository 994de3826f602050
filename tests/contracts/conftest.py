"""A Paris host city and a Zigong supplier with their teams, an exhibition 200 days ahead and a
service, ready for a booking to be accepted and contracted (tests/contracts/deal.py)."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.booking import world
from tests.contracts import deal
from tests.documents.conftest import normalize_spaces
from tests.security.conftest import owner_engine, snapshot  # noqa: F401  fixtures: every row

CLAIRE, MARC, BOX = "claire@paris.example", "marc@paris.example", "box@paris.example"
LI, WANG = "li@huacai.example", "wang@huacai.example"


@dataclass
class Parties:
    tenant_id: int
    supplier_id: int
    exhibition_id: int
    service_id: int
    tenant_portal: str = "/paris/manage"
    supplier_portal: str = "/s/huacai"

    def tenant_page(self, booking_id: int) -> str:
        return f"{self.tenant_portal}/bookings/{booking_id}/contract"

    def supplier_page(self, booking_id: int) -> str:
        return f"{self.supplier_portal}/bookings/{booking_id}/contract"


@pytest.fixture
def parties(app, factory) -> Parties:
    world.seed_reference_data(app)
    paris = world.host_city(factory)
    supplier = factory.supplier()
    deal.supplier_details(app, supplier.id)
    for email, role in ((CLAIRE, "owner"), (MARC, "manager"), (BOX, "box_office")):
        factory.member(paris, email, role)
    factory.member(supplier, LI, "owner")
    factory.member(supplier, WANG, "staff")
    # Everyone reads English here, so the pages' sentences can be checked as written; the
    # contract PDF's Chinese and French are checked in test_contract_pdf.py.
    speak_english(app, [CLAIRE, MARC, BOX, LI, WANG])
    return Parties(paris.id, supplier.id, world.exhibition(app, paris.id), world.service(app, supplier.id))


def speak_english(app, emails: list[str]) -> None:
    from sqlalchemy import select

    from festival.accounts.models import User
    from festival.core.db import db
    from festival.core.scope import platform_scope

    with app.app_context(), platform_scope("cli"):
        for user in db.session.scalars(select(User).where(User.email.in_(emails))):
            user.locale = "en"
        db.session.commit()
        db.session.remove()


@pytest.fixture
def sign_in(make_client):
    def signed_in(email: str):
        client = make_client()
        client.login(email)
        return client

    return signed_in


def pdf_words(pdf: bytes) -> str:
    """A PDF's text in reading order, spaces normalised and collapsed, to search for phrases."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "contract.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                              capture_output=True, text=True).stdout
    return " ".join(normalize_spaces(text).split())

