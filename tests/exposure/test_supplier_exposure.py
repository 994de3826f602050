"""A supplier's exposure, as its people read it: per lamp group the visitors of the nights it
stood at exhibitions in every city, each exhibition night by night, and the lamp group record
PDF in Chinese and English; another supplier's lamp group is not found."""

from __future__ import annotations

import pytest

from tests.documents.conftest import normalize_spaces, pdf_fonts, pdf_text, shows_across_lines
from tests.exposure.world import HUACAI, LONGTENG, build_exposure_world
from tests.security.conftest import text_of


@pytest.fixture
def scene(app, factory):
    return build_exposure_world(app, factory)


def _signed_in(make_client, email: str, locale: str | None = "en"):
    client = make_client()
    client.login(email)
    if locale:
        client.get(f"/locale/{locale}")
    return client


def test_the_supplier_sees_each_lamp_group_across_cities(make_client, scene):
    page = text_of(_signed_in(make_client, HUACAI).get("/s/huacai/exposure"))
    # The dragon: Dubai's 3 + 1, Paris's reported 7 (not its 2 scans) + 1; four nights, two cities.
    assert "DR-1 Lamp group DR-1 12 4 Dubai (United Arab Emirates), Paris (France)" in page
    # The phoenix arrived a day late: Paris's first night is not its own.
    assert "PH-2 Lamp group PH-2 1 1 Paris (France)" in page
    assert "LO-3" not in page  # only requested: it never stood anywhere
    assert "PD-1" not in page  # another supplier's


def test_a_lamp_group_page_shows_each_exhibition_night_by_night(make_client, scene):
    client = _signed_in(make_client, HUACAI)
    page = text_of(client.get(f"/s/huacai/exposure/{scene.dragon}"))
    assert "Visitors 12 Nights 4 Cities 2" in page
    assert "Dubai United Arab Emirates مهرجان الفوانيس Parc Floral" in page
    assert "Paris France Lumières de Chine On show now Parc Floral" in page  # its season runs tonight
    from babel.dates import format_date

    first = format_date(scene.paris.night(0), "full", locale="en")
    second = format_date(scene.paris.night(1), "full", locale="en")
    assert f"{first} 7 Submitted report" in page
    assert f"{second} 1 Scanned entries" in page
    assert "Download lamp group record (PDF)" in page


def test_a_chinese_supplier_reads_its_exposure_in_chinese(make_client, scene):
    page = text_of(_signed_in(make_client, HUACAI, locale=None).get("/s/huacai/exposure"))
    assert "灯组 DR-1 12 4 Dubai (阿拉伯联合酋长国), Paris (法国)" in page


def test_the_lamp_group_record_pdf_has_both_languages_and_the_figures(make_client, scene):
    client = _signed_in(make_client, HUACAI)
    response = client.get(f"/s/huacai/exposure/{scene.dragon}/record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = normalize_spaces(pdf_text(response.data))
    assert "灯组 DR-1" in text and "Lamp group DR-1" in text  # each section names it in its language
    assert "简体中文" in text and "English" in text
    assert "IPR-DR-1" in text and "自贡华彩灯艺有限公司" in text and "Huacai Lanterns" in text
    assert shows_across_lines("Dubai, 阿拉伯联合酋长国", text) and shows_across_lines("Paris, France", text)
    assert shows_across_lines("Lamp group record", text)
    assert shows_across_lines("Visitors 12", text) and shows_across_lines("Cities 2", text)
    assert any("WenQuanYi" in font["name"] and font["emb"] == "yes" for font in pdf_fonts(response.data))


def test_another_suppliers_lamp_group_is_not_found(make_client, scene):
    huacai = _signed_in(make_client, HUACAI)
    assert huacai.get(f"/s/huacai/exposure/{scene.panda}").status_code == 404
    assert huacai.get(f"/s/huacai/exposure/{scene.panda}/record.pdf").status_code == 404
    longteng = text_of(_signed_in(make_client, LONGTENG).get("/s/longteng/exposure"))
    assert "PD-1 Lamp group PD-1 4 2 Dubai (United Arab Emirates)" in longteng
    assert "DR-1" not in longteng and "Paris" not in longteng


def test_a_supplier_whose_lamp_groups_stood_nowhere_sees_the_empty_state(app, factory, make_client):
    from tests.booking import world as booking

    booking.seed_reference_data(app)
    supplier = factory.supplier("quiet")
    factory.member(supplier, "owner@quiet.example", "owner")
    booking.lamp_group(app, supplier.id, "QT-1")
    page = text_of(_signed_in(make_client, "owner@quiet.example").get("/s/quiet/exposure"))
    assert "None of your lamp groups has stood at an exhibition yet." in page
