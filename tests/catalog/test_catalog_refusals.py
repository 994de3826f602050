"""Bad input on the catalog pages answers with a clear message and a 4xx, and writes nothing."""

from __future__ import annotations

import io

import pytest

from tests.catalog.world import (
    catalog_world,
    certification_body,
    component_body,
    lamp_group_body,
    png,
    service_body,
)
from tests.conftest import row_counts, translated
from tests.security.conftest import text_of, tiny_png

ZH = "zh_Hans"


@pytest.fixture
def world(app, factory, make_client):
    world = catalog_world(app, factory, make_client)
    created = world.post("/catalog/new", lamp_group_body(code="ZG-PANDA-01"))
    assert created.status_code == 302
    world.lamp_group_id = int(created.headers["Location"].rsplit("/", 1)[1])
    return world


def _refused(app, world, path: str, body: dict, status: int, message: str, **kwargs) -> None:
    before = row_counts(app)
    response = world.post(path, body, **kwargs)
    assert response.status_code == status, text_of(response)[:600]
    assert message in text_of(response), text_of(response)[:1500]
    assert row_counts(app) == before


def test_lamp_group_refusals(app, world):
    new = "/catalog/new"
    cases = [
        (lamp_group_body(weekly_price="-5"), 400,
         translated(app, ZH, "%(field)s cannot be negative.",
                    field=translated(app, ZH, "Weekly price"))),
        (lamp_group_body(length_m="0"), 400,
         translated(app, ZH, "%(field)s must be more than zero.", field=translated(app, ZH, "Length"))),
        (lamp_group_body(power_kw="-1"), 400,
         translated(app, ZH, "%(field)s cannot be negative.", field=translated(app, ZH, "Power"))),
        (lamp_group_body(weekly_price="12.345"), 400,
         translated(app, ZH, "%(field)s has at most two decimal places.",
                    field=translated(app, ZH, "Weekly price"))),
        (lamp_group_body(weekly_price="NaN"), 400,
         translated(app, ZH, "%(field)s must be a number.",
                    field=translated(app, ZH, "Weekly price"))),
        (lamp_group_body(weekly_price="cheap"), 400,
         translated(app, ZH, "Enter a number, for example 12.50.")),
        (lamp_group_body(theme="unicorns"), 400, translated(app, ZH, "Choose one of the options offered.")),
        (lamp_group_body(home_region="atlantis"), 400,
         translated(app, ZH, "Choose one of the options offered.")),
        (lamp_group_body(status="under_repair"), 400,
         translated(app, ZH, "Choose one of the options offered.")),
        (lamp_group_body(name_en=""), 400, translated(app, ZH, "This field is required.")),
        (lamp_group_body(name_zh_Hans="   "), 400, translated(app, ZH, "This field is required.")),
        (lamp_group_body(code="zg-panda-01"), 409, translated(
            app, ZH, "Your catalog already has a lamp group with the code %(code)s. Choose another code.",
            code="zg-panda-01")),
    ]
    for body, status, message in cases:
        _refused(app, world, new, body, status, message)
    # The same rules hold when editing.
    _refused(app, world, f"/catalog/{world.lamp_group_id}", lamp_group_body(setup_days="-1"), 400,
             translated(app, ZH, "%(field)s cannot be negative.", field=translated(app, ZH, "Setup days")))


def test_component_certification_and_service_refusals(app, world):
    components = f"/catalog/{world.lamp_group_id}/components"
    _refused(app, world, components, component_body(quantity="0"), 400,
             translated(app, ZH, "%(field)s must be more than zero.", field=translated(app, ZH, "Quantity")))
    _refused(app, world, components, component_body(value="-1"), 400,
             translated(app, ZH, "%(field)s cannot be negative.", field=translated(app, ZH, "Value")))
    _refused(app, world, components, component_body(hs_code="94-05"), 400,
             translated(app, ZH, "An HS code has 6 to 10 digits, for example 9405.42 or 940542."))
    certifications = f"/catalog/{world.lamp_group_id}/certifications"
    _refused(app, world, certifications,
             certification_body(issued_on="2026-05-01", expires_on="2026-04-01"), 400,
             translated(app, ZH, "The certificate must expire after the date it was issued."))
    _refused(app, world, certifications, certification_body(kind="ISO9001"), 400,
             translated(app, ZH, "Choose one of the options offered."))
    _refused(app, world, certifications, certification_body(expires_on=""), 400,
             translated(app, ZH, "This field is required."))
    _refused(app, world, "/services/new", service_body(price="-10"), 400,
             translated(app, ZH, "%(field)s cannot be negative.", field=translated(app, ZH, "Price")))
    _refused(app, world, "/services/new", service_body(unit="month"), 400,
             translated(app, ZH, "Choose one of the options offered."))
    _refused(app, world, "/services/new", service_body(name_en=""), 400,
             translated(app, ZH, "This field is required."))


def test_photo_refusals(app, world):
    photos = f"/catalog/{world.lamp_group_id}/photos"

    def upload(data: bytes, name: str = "photo.png") -> dict:
        return {"photo": (io.BytesIO(data), name), "caption": "x"}

    _refused(app, world, photos, upload(tiny_png(padding=1024 * 1024 + 10)), 413,
             translated(app, ZH, "The image is larger than 1 MB. Choose a smaller one."),
             content_type="multipart/form-data")
    _refused(app, world, photos, upload(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.png"), 415,
             translated(app, ZH, "Upload a PNG or JPEG image."), content_type="multipart/form-data")
    # The right magic number, then garbage: Pillow cannot read it.
    _refused(app, world, photos, upload(png()[:40] + b"\x00" * 200), 415,
             translated(app, ZH, "This image could not be read. Upload another PNG or JPEG image."),
             content_type="multipart/form-data")
    _refused(app, world, photos, {"caption": "no file"}, 400,
             translated(app, ZH, "Choose a photo to upload."), content_type="multipart/form-data")


def test_an_upload_over_the_request_limit_is_refused_with_a_message(app, world):
    before = row_counts(app)
    response = world.post(f"/catalog/{world.lamp_group_id}/photos",
                          {"photo": (io.BytesIO(b"\x89PNG" + b"0" * (9 * 1024 * 1024)), "big.png")},
                          content_type="multipart/form-data")
    assert response.status_code == 413
    assert row_counts(app) == before
