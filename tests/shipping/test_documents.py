"""The shipment's documents: the packing list and the ATA carnet general list printed from the
components (Chinese and English), uploads checked by their content, and the carnet reminders."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from datetime import date, timedelta
from pathlib import Path

from festival.core.db import db
from festival.core.scope import platform_scope
from tests.conftest import row_counts
from tests.security.conftest import text_of, tiny_png
from tests.shipping.conftest import COMPONENTS, SUPPLIER_EMAIL, TENANT_EMAIL
from tests.ticketing.portal_staff import pdf_text

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def signed_in(make_client, email):
    client = make_client()
    client.login(email)
    return client


def fonts_of(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        return subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout


def stored_files(app) -> list[Path]:
    root = Path(app.config["STORAGE_PATH"]) / "shipping"
    return sorted(root.rglob("*")) if root.exists() else []


def test_packing_list_prints_components_and_ip_records_in_chinese_and_english(app, shipment, make_client):
    tenant = signed_in(make_client, TENANT_EMAIL)
    page = text_of(tenant.get(shipment.tenant_page))
    assert "Customs IP record no. IPR-DR-01" in page
    answer = tenant.get(f"{shipment.tenant_page}/packing-list.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in answer.headers["Content-Disposition"]
    text = pdf_text(answer.data)
    for serial, description, _quantity, _weight, _value, hs_code in COMPONENTS:
        assert serial in text and hs_code in text and description in text
    assert text.count("IPR-DR-01") == 2  # once per language
    assert "Lamp group DR-01" in text and "灯组 DR-01" in text  # the English and Chinese sections
    assert "Total pieces" in text and " 9" in text  # 1 + 6 + 2 pieces
    assert "1,524.5" in text  # 420.5 + 6 × 180 + 2 × 12 kg
    assert "Huacai Lanterns" in text and "自贡华彩灯艺有限公司" in text  # the shipper in both languages
    assert "WenQuanYi" in fonts_of(answer.data)  # the Chinese prints with a font that has it


def test_carnet_general_list_and_reminders(app, shipment, make_client, mailbox):
    from festival.shipping.carnet import remind_carnets

    supplier = signed_in(make_client, SUPPLIER_EMAIL)
    page = shipment.supplier_page
    issued = date.today() - timedelta(days=10)
    deadline = date.today() + timedelta(days=20)
    body = {"carnet-number": "FR/2026/004711", "carnet-issued_on": issued.isoformat(),
            "carnet-reexport_deadline": deadline.isoformat()}
    saved = supplier.post_form(f"{page}/carnet", body, token_from=page)
    assert saved.status_code == 302, text_of(saved)[:500]
    shown = text_of(supplier.get(page))
    assert "FR/2026/004711" in shown
    answer = supplier.get(f"{page}/carnet-list.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = pdf_text(answer.data)
    assert "FR/2026/004711" in text and "DR01-BODY" in text and "CN" in text
    assert "57,000.00" in text  # 18000 + 6 × 6000 + 2 × 1500 CNY

    # 20 days before the re-export deadline: one reminder to both sides; not again the same week.
    runner = app.test_cli_runner()
    result = runner.invoke(args=["remind-carnets"])
    assert result.exit_code == 0 and "1 ATA carnet(s) reminded." in result.output, result.output
    for email in (TENANT_EMAIL, SUPPLIER_EMAIL):
        [reminder] = [m for m in mailbox.to(email) if "ATA carnet FR/2026/004711" in m["Subject"]]
        assert deadline.isoformat() in mailbox.text(reminder)
    assert "0 ATA carnet(s) reminded." in runner.invoke(args=["remind-carnets"]).output
    with app.app_context(), platform_scope("job"):
        assert remind_carnets(date.today() + timedelta(days=10)) == 0  # still the 30-day threshold
        assert remind_carnets(date.today() + timedelta(days=14)) == 1  # 6 days left: the 7-day one
        assert remind_carnets(date.today() + timedelta(days=15)) == 0
        db.session.commit()
        db.session.remove()
    assert len([m for m in mailbox.to(TENANT_EMAIL) if "ATA carnet" in m["Subject"]]) == 2


def test_a_carnet_deadline_after_its_validity_is_refused(app, shipment, make_client):
    supplier = signed_in(make_client, SUPPLIER_EMAIL)
    page = shipment.supplier_page
    issued = date.today() - timedelta(days=10)
    answer = supplier.post_form(f"{page}/carnet", {
        "carnet-number": "FR/2026/1", "carnet-issued_on": issued.isoformat(),
        "carnet-reexport_deadline": (issued + timedelta(days=400)).isoformat()}, token_from=page)
    assert answer.status_code == 400
    assert "The re-export deadline must fall within the carnet's validity" in text_of(answer)
    # Without a deadline: 30 days after the last day on site, within the year of validity.
    answer = supplier.post_form(f"{page}/carnet", {"carnet-number": "FR/2026/1",
                                                       "carnet-issued_on": issued.isoformat()},
                                token_from=page)
    assert answer.status_code == 302
    assert "No carnet is recorded yet." not in text_of(supplier.get(page))


def test_documents_are_checked_by_their_content_before_anything_is_written(app, shipment, make_client):
    tenant = signed_in(make_client, TENANT_EMAIL)
    page = shipment.tenant_page
    before, files_before = row_counts(app), stored_files(app)  # the store outlives each test

    def upload(data: bytes, name: str):
        return tenant.post_form(f"{page}/documents", {"doc-kind": "insurance", "doc-title": "Cargo insurance",
                                                      "doc-file": (io.BytesIO(data), name)},
                                token_from=page, content_type="multipart/form-data")

    too_large = upload(PDF + b"0" * (5 * 1024 * 1024), "policy.pdf")
    assert too_large.status_code == 413 and "larger than 5 MB" in text_of(too_large)
    disguised = upload(b"<html><script>alert(1)</script></html>", "policy.pdf")
    assert disguised.status_code == 415 and "Upload a PDF, PNG or JPEG file." in text_of(disguised)
    assert row_counts(app) == before and stored_files(app) == files_before

    assert upload(PDF, "policy.pdf").status_code == 302
    assert upload(tiny_png(), "scan.png").status_code == 302
    shown = tenant.get(page).get_data(as_text=True)
    assert "Cargo insurance" in shown
    links = re.findall(r'href="([^"]*/shipping/documents/\d+)"', shown)
    assert len(links) == 2
    first = tenant.get(links[0])
    assert first.status_code == 200 and first.data == PDF and first.mimetype == "application/pdf"
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert first.headers["Content-Disposition"].startswith("attachment")
    # The supplier sees (and can download) what the tenant attached.
    supplier = signed_in(make_client, SUPPLIER_EMAIL)
    assert "Cargo insurance" in text_of(supplier.get(shipment.supplier_page))
    document_id = links[1].rsplit("/", 1)[-1]
    scan = supplier.get(f"/s/{shipment.supplier_slug}/shipping/documents/{document_id}")
    assert scan.mimetype == "image/png"
