"""Visitors buying through the real HTTP stack, each with its own browser session (cookies,
CSRF tokens): the night page's checkout form, then the test gateway's payment page.

A visitor who meets a 503 waits a moment and tries the same step again, as a person reloads a
page; every answer is kept so a drill can judge all of them afterwards.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import requests

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
ORDER_LINK = re.compile(r"/o/([A-Za-z0-9_-]{16,64})$")
ORDER_CODE = re.compile(r"<h1>Order ([^<]+)</h1>")
UNAVAILABLE = "The service is briefly unavailable"


@dataclass
class Answer:
    """One HTTP answer a visitor got."""

    step: str
    status: int
    retry_after: str | None
    text: str
    at: float  # time.monotonic() when it arrived


@dataclass
class Purchase:
    """An order the visitor saw paid, with what it holds."""

    code: str
    secret: str
    slot_id: int
    persons: int
    email: str
    paid_at: float


@dataclass
class Visitor:
    base_url: str  # e.g. http://127.0.0.1:PORT/houston
    answers: list[Answer] = field(default_factory=list)
    retries: int = 40  # a 503 is retried this many times, half a second apart
    pause: float = 0.5

    def __post_init__(self):
        self.http = requests.Session()
        # The shop speaks the visitor's language: English, so the drills can read it.
        self.http.headers["Accept-Language"] = "en"

    def send(self, step: str, method: str, path: str, **kwargs) -> requests.Response:
        for _attempt in range(self.retries):
            try:
                response = self.http.request(method, self.base_url + path, allow_redirects=False,
                                             timeout=90, **kwargs)
            except requests.RequestException as error:  # no answer at all: judged as such
                self.answers.append(Answer(step, 0, None, str(error), time.monotonic()))
                raise
            self.answers.append(Answer(step, response.status_code,
                                       response.headers.get("Retry-After"), response.text[:4000],
                                       time.monotonic()))
            if response.status_code != 503:
                return response
            time.sleep(self.pause)
        return response

    def _token(self, step: str, path: str) -> str | None:
        page = self.send(step, "GET", path)
        match = CSRF.search(page.text) if page.status_code == 200 else None
        return match.group(1) if match else None

    def buy(self, exhibition_slug: str, night: str, slot_id: int, ticket_type_id: int,
            quantity: int, email: str) -> Purchase | None:
        """Check out ``quantity`` tickets and pay; the purchase once its page shows it paid,
        None when a step refused (sold out, say) or stayed unavailable."""
        night_path = f"/{exhibition_slug}/{night}"
        token = self._token("night page", night_path)
        if token is None:
            return None
        checkout = self.send("checkout", "POST", night_path, data={
            "csrf_token": token, "slot": str(slot_id), f"quantity_{ticket_type_id}": str(quantity),
            "email": email, "name": "Drill Visitor", "voucher": ""})
        link = ORDER_LINK.search(checkout.headers.get("Location", "")) if checkout.status_code == 303 \
            else None
        if link is None:
            return None
        secret = link.group(1)
        token = self._token("payment page", f"/o/{secret}/test-payment")
        if token is None:
            return None
        paid = self.send("payment", "POST", f"/o/{secret}/test-payment",
                          data={"csrf_token": token, "decision": "pay"})
        if paid.status_code != 303:
            return None
        page = self.send("order page", "GET", f"/o/{secret}")
        code = ORDER_CODE.search(page.text)
        if page.status_code != 200 or code is None or 'class="badge paid"' not in page.text:
            return None
        return Purchase(code.group(1), secret, slot_id, quantity, email, time.monotonic())


def sign_in(http: requests.Session, base_url: str, email: str, password: str) -> requests.Response:
    """Post the sign-in form at ``base_url`` (CSRF token from the same page)."""
    page = http.get(f"{base_url}/login", timeout=30)
    token = CSRF.search(page.text).group(1)
    return http.post(f"{base_url}/login", data={"csrf_token": token, "email": email,
                                                "password": password},
                     allow_redirects=False, timeout=30)
