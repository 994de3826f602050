"""The gate scanner in a real headless Chromium on a phone-sized screen: a typed code is admitted and
then refused as already used; a QR code shown to the (fake) camera is read and admitted; with the
browser offline, QR codes are verified on the device, queued, and synchronised when it is back."""

from __future__ import annotations

import base64
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from festival.core.db import db
from festival.documents.qr import qr_png
from festival.tenants.models import Tenant
from festival.ticketing import codes, signing
from tests.browser.conftest import CHROMIUM, PHONE, fits_the_screen
from tests.checkin.scanner_world import GateWorld, admitted_check_ins, gate_world
from tests.conftest import PASSWORD
from tests.ticketing.portal_staff import signed_in

pytestmark = pytest.mark.browser

LAUNCH_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]


def open_scanner(page, live_server: str, gates: GateWorld, gate: str = "North gate"):
    """Sign in as the gate member and walk from the portal home to the gate's scanner."""
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(gates.staff.emails["gate"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}{gates.staff.portal}/")
    page.get_by_role("link", name="Open the gate scanner").click()
    page.get_by_role("link", name=gate).click()
    expect(page.get_by_role("heading", name=gate)).to_be_visible()
    expect(page.locator("#count-night")).to_have_text("0")  # the counts arrived: the script runs


def type_code(page, text: str) -> None:
    page.get_by_label("Ticket code").fill(text)
    page.get_by_role("button", name="Check", exact=True).click()


def expect_result(page, result: str, headline: str, timeout: int = 5_000):
    box = page.locator("#result")
    expect(box).to_have_attribute("data-result", result, timeout=timeout)
    expect(page.locator("#result-headline")).to_have_text(headline)
    return box


def no_script_errors(page) -> list[str]:
    """The page's uncaught script errors, collected as they happen (the test asserts none)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    yield context
    context.close()


def test_gate_staff_admit_a_typed_code_then_see_it_already_used(app, factory, live_server, phone):
    gates = gate_world(app, factory)
    page = phone.new_page()
    errors = no_script_errors(page)
    open_scanner(page, live_server, gates)
    fits_the_screen(page)
    adult = gates.tickets[0]

    spaced = " ".join(adult.code[i:i + 4] for i in range(0, len(adult.code), 4)).lower()
    type_code(page, spaced)  # as read aloud from paper: grouped, any case
    box = expect_result(page, "admitted", "Admitted")
    expect(box).to_have_class(re.compile(r"\bok\b"))
    expect(page.locator("#result-detail")).to_contain_text("Adult")
    expect(page.locator("#result-detail")).to_contain_text("1")
    expect(page.locator("#count-gate")).to_have_text("1")
    expect(page.locator("#count-night")).to_have_text("1")
    fits_the_screen(page)

    type_code(page, adult.code)
    box = expect_result(page, "already_used", "Already used")
    expect(box).to_have_class(re.compile(r"\bstop\b"))
    detail = page.locator("#result-detail")
    expect(detail).to_contain_text(re.compile(r"\d{1,2}:\d{2}"))  # when it was used
    expect(detail).to_contain_text("North gate")
    expect(page.locator("#count-night")).to_have_text("1")
    assert admitted_check_ins(app, gates.world) == [(adult.code, 1)]
    assert errors == []


def test_offline_scans_are_verified_queued_and_synchronised(app, factory, live_server, phone):
    gates = gate_world(app, factory)
    page = phone.new_page()
    errors = no_script_errors(page)
    open_scanner(page, live_server, gates)
    adult, _second, family = gates.tickets

    phone.set_offline(True)
    expect(page.locator("#connection")).to_have_class(re.compile(r"\boffline\b"))
    type_code(page, adult.payload)
    expect_result(page, "accepted_offline", "Accepted offline")
    expect(page.locator("#result-detail")).to_contain_text(adult.code)
    type_code(page, family.payload)
    expect_result(page, "accepted_offline", "Accepted offline")
    queue = page.locator("#queue")
    expect(queue).to_have_text("Waiting to be sent: 2")

    type_code(page, adult.payload)  # the same ticket shown twice at this device
    expect_result(page, "repeat_offline", "Already scanned on this device")
    head, signature = family.payload.rsplit(".", 1)
    forged = f"{head}.{signature[:10]}{'A' if signature[10] != 'A' else 'B'}{signature[11:]}"
    type_code(page, forged)
    expect_result(page, "forged", "Forged code")
    type_code(page, adult.payload.replace("LNT1.paris.", "LNT1.tokyo.", 1))
    expect_result(page, "foreign", "Not valid here")
    expect(queue).to_have_text("Waiting to be sent: 2")
    fits_the_screen(page)

    # Back online but the sync request fails: the queue stays, also across a reload.
    failed = "The scans made offline could not be sent yet. Trying again shortly."
    page.route("**/sync", lambda route: route.abort())
    phone.set_offline(False)
    expect(page.locator("#sync-status")).to_have_text(failed)
    page.reload()
    expect(page.locator("#sync-status")).to_have_text(failed)  # tried again on load, and failed
    expect(queue).to_have_text("Waiting to be sent: 2")
    assert admitted_check_ins(app, gates.world) == []

    page.unroute("**/sync")  # the periodic retry sends it
    expect(queue).to_have_text("Waiting to be sent: 0", timeout=30_000)
    expect(page.locator("#sync-status")).to_have_text("Scans made offline are confirmed: 2.")
    expect(page.locator("#count-night")).to_have_text(str(adult.persons + family.persons))
    expect(page.locator("#count-gate")).to_have_text("5")
    assert sorted(admitted_check_ins(app, gates.world)) == sorted(
        [(adult.code, 1), (family.code, 4)])
    assert errors == []


# --- the camera: a QR code image fed to Chromium's fake video capture ---------------------------

def camera_frame(payload: str, width: int = 640, height: int = 480) -> Image.Image:
    """The payload's QR code as printed, filling most of a greyscale camera frame, on white."""
    code = Image.open(io.BytesIO(qr_png(payload))).convert("L")
    side = min(width, height) - 80
    code = code.resize((side, side), Image.Resampling.NEAREST)
    frame = Image.new("L", (width, height), 255)
    frame.paste(code, ((width - side) // 2, (height - side) // 2))
    return frame


def camera_frame_uri(payload: str) -> str:
    buffer = io.BytesIO()
    camera_frame(payload).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def write_y4m(path, payload: str, width: int = 640, height: int = 480, frames: int = 10) -> None:
    """A short Y4M (4:2:0) video of the payload's QR code on white, as a camera would see it."""
    luma = camera_frame(payload, width, height).tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2))  # no colour
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for _ in range(frames):
            video.write(b"FRAME\n" + luma + chroma + chroma)


@pytest.fixture
def camera_browser(playwright, tmp_path):
    """A Chromium of its own whose camera shows ``camera_browser.video`` (written before launch)."""
    launched = []

    def launch(video_path):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            *LAUNCH_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video_path}"])
        launched.append(browser)
        return browser

    yield launch
    for browser in launched:
        browser.close()


def test_a_qr_code_shown_to_the_camera_is_read_and_admitted(app, factory, live_server, camera_browser,
                                                            tmp_path):
    gates = gate_world(app, factory)
    family = gates.tickets[2]
    video = tmp_path / "ticket.y4m"
    write_y4m(video, family.payload)
    browser = camera_browser(video)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    context.grant_permissions(["camera"], origin=live_server)
    page = context.new_page()
    errors = no_script_errors(page)
    open_scanner(page, live_server, gates, gate="South gate")

    page.get_by_role("button", name="Start camera").click()
    expect(page.locator("#camera")).to_be_visible()
    # Reading camera frames is CPU work: give a busy machine time (about a second when idle).
    expect_result(page, "admitted", "Admitted", timeout=20_000)
    expect(page.locator("#result-detail")).to_contain_text("Family")
    expect(page.locator("#count-gate")).to_have_text("4")
    expect(page.get_by_role("button", name="Stop camera")).to_be_visible()
    fits_the_screen(page)
    context.close()
    assert admitted_check_ins(app, gates.world) == [(family.code, 4)]
    assert errors == []


def test_a_ticket_let_in_offline_and_at_another_gate_is_shown_as_a_conflict(
        app, factory, live_server, phone, make_client):
    gates = gate_world(app, factory)
    page = phone.new_page()
    errors = no_script_errors(page)
    open_scanner(page, live_server, gates)
    adult, second, _family = gates.tickets

    phone.set_offline(True)
    type_code(page, adult.payload)
    expect_result(page, "accepted_offline", "Accepted offline")
    type_code(page, second.code)  # a typed code cannot be verified offline
    expect_result(page, "queued", "Saved, not checked")
    type_code(page, second.code.lower())
    expect_result(page, "repeat_offline", "Already scanned on this device")
    expect(page.locator("#queue")).to_have_text("Waiting to be sent: 2")

    # Meanwhile the South gate, online, lets the same adult in.
    south = signed_in(make_client, gates.staff.emails["owner"])
    answer = south.post(f"{gates.scanner_path('South gate')}/scan",
                        json={"code": adult.payload, "device": "south-phone"},
                        headers={"X-CSRFToken": south.csrf(gates.scanner_path("South gate"))})
    assert answer.get_json()["result"] == "admitted"

    phone.set_offline(False)
    expect(page.locator("#queue")).to_have_text("Waiting to be sent: 0")
    expect(page.locator("#sync-status")).to_have_text("Scans made offline are confirmed: 1.")
    report = page.locator("#sync-report li")
    expect(report).to_have_count(1)
    expect(report).to_contain_text(adult.code)
    expect(page.locator("#conflicts li")).to_contain_text(adult.code)
    expect(page.get_by_role("heading", name="Conflicts tonight")).to_be_visible()
    expect(page.locator("#count-night")).to_have_text("2")  # the adult once, the second adult
    assert sorted(admitted_check_ins(app, gates.world)) == sorted([(adult.code, 1), (second.code, 1)])
    assert errors == []


def test_the_scanner_reads_every_ticket_code_as_printed(app, factory, live_server, browser):
    """The scanner's reader (jsQR, as the page loads it) decodes 100 freshly signed ticket codes,
    each drawn as on the ticket and shown as the camera test shows it. ZXing's browser reader,
    used before, missed about one in ten of them: a visitor turned away at the gate."""
    gates = gate_world(app, factory)
    with app.app_context():
        tenant = db.session.get(Tenant, gates.world.tenant_id)
        payloads = [signing.sign_ticket(tenant, codes.ticket_code()) for _ in range(100)]
    page = browser.new_page()
    page.goto(f"{live_server}/healthz")
    page.add_script_tag(url=f"{live_server}/static/vendor/jsQR.js")
    read = page.evaluate("""async (frames) => {
        const canvas = document.createElement('canvas');
        const context = canvas.getContext('2d', { willReadFrequently: true });
        const texts = [];
        for (const frame of frames) {
          const image = new Image();
          image.src = frame;
          await image.decode();
          canvas.width = image.width; canvas.height = image.height;
          context.drawImage(image, 0, 0);
          const code = jsQR(context.getImageData(0, 0, image.width, image.height).data,
                            image.width, image.height, { inversionAttempts: 'dontInvert' });
          texts.push(code ? code.data : null);
        }
        return texts;
    }""", [camera_frame_uri(payload) for payload in payloads])
    page.close()
    assert read == payloads
