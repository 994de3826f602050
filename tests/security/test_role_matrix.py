"""Every portal route against every role: the expected answer is derived from the permission the
view requires (``requires()`` leaves it on the view) and the policy tables in access.py.

A member without the permission gets 403, a non-member 404, everyone else the page or the
action; a base operator on a support visit may look (GET) but never change anything (403).
Nobody signed in is sent to /login.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from festival.accounts.access import SUPPLIER_PERMISSIONS, SUPPORT_ROLE, TENANT_PERMISSIONS
from festival.accounts.models import SUPPLIER_ROLES, TENANT_ROLES
from tests.security.conftest import (
    OPERATOR_EMAIL,
    Side,
    changed_tables,
    fill_values,
    fillers,
    form_body,
    methods_of,
    registered,
    signed_in,
    text_of,
    url_of,
)

PORTALS = {"tenant_portal": "tenant", "supplier_portal": "supplier"}
TABLES = {"tenant": TENANT_PERMISSIONS, "supplier": SUPPLIER_PERMISSIONS}
ROLES = {"tenant": TENANT_ROLES, "supplier": SUPPLIER_ROLES}
# Views that show a page under one permission and check a stronger one inside for the change.
POST_PERMISSION = {
    "tenant_portal.settings": "settings.edit",
    "supplier_portal.profile": "settings.edit",
    "tenant_portal.exhibition_edit": "exhibitions.manage",
    **registered("POST_PERMISSION"),
}
OUTSIDER_EMAIL = "nobody@elsewhere.example"


def portal_rules(app):
    """(kind, rule) of every tenant and supplier portal route."""
    return [(PORTALS[rule.endpoint.split(".")[0]], rule) for rule in app.url_map.iter_rules()
            if rule.endpoint.split(".")[0] in PORTALS]


def required_permission(app, rule, method: str) -> str | None:
    view = app.view_functions[rule.endpoint]
    permission = getattr(view, "required_permission", None)
    if method != "GET":
        permission = POST_PERMISSION.get(rule.endpoint, permission)
    return permission


def expected(kind: str, role: str | None, permission: str, method: str) -> int | None:
    """404, 403, or None for "allowed" (a 2xx or 3xx answer)."""
    if role is None:
        return 404
    if role == SUPPORT_ROLE:
        return None if method == "GET" else 403
    return None if role in TABLES[kind][permission] else 403


def test_every_portal_view_requires_a_known_permission(app):
    problems = []
    for kind, rule in portal_rules(app):
        for method in methods_of(rule):
            permission = required_permission(app, rule, method)
            if permission is None:
                problems.append(f"{rule.rule} ({rule.endpoint}): not guarded by requires()")
            elif permission not in TABLES[kind]:
                problems.append(f"{rule.rule}: permission {permission!r} is not in the policy")
    assert len(portal_rules(app)) >= 18
    assert not problems, "\n".join(problems)


def test_role_matrix(app, world, builder, make_client, snapshot):
    alpha, xcai = world["alpha"], world["xcai"]
    side = Side(alpha, xcai)
    fill = fillers(builder)
    builder.user(OUTSIDER_EMAIL)

    operator = signed_in(make_client, OPERATOR_EMAIL)
    detail = f"/base/tenants/{alpha.id}"
    visit = operator.post_form(f"{detail}/support", {}, token_from=detail)
    assert visit.status_code == 302, text_of(visit)

    personas: dict[str, list[tuple[str, str | None, object]]] = {}  # kind -> (label, role, client)
    for kind, org in (("tenant", alpha), ("supplier", xcai)):
        personas[kind] = [(role, role, signed_in(make_client, org.emails[role]))
                          for role in ROLES[kind]]
        personas[kind].append(("signed-in non-member", None, signed_in(make_client,
                                                                       OUTSIDER_EMAIL)))
    # Support visits are to tenants; in a supplier's portal the operator is a non-member.
    personas["tenant"].append(("operator on a support visit", SUPPORT_ROLE, operator))
    personas["supplier"].append(("operator on a support visit of a tenant", None, operator))
    tokens = {id(client): client.csrf("/account/")
              for kind in personas for _label, _role, client in personas[kind]}

    problems: list[str] = []
    checked = 0
    for kind, rule in portal_rules(app):
        for method in methods_of(rule):
            permission = required_permission(app, rule, method)
            for label, role, client in personas[kind]:
                outcome = expected(kind, role, permission, method)
                # An allowed change uses up a fresh object (member, invitation) of the org.
                url = url_of(rule, fill_values(fill, rule, kind, side, side, outcome is None))
                before = snapshot() if outcome is not None and method != "GET" else None
                if method == "GET":
                    response = client.get(url)
                else:
                    response = client.http.post(url, data={
                        **form_body(rule.endpoint, kind, builder), "csrf_token": tokens[id(client)]})
                checked += 1
                status = response.status_code
                what = f"{method} {url} as {kind} {label} (needs {permission})"
                if outcome is None and not 200 <= status < 400:
                    problems.append(f"{what}: {status}, expected 2xx/3xx: {text_of(response)[:200]}")
                elif outcome is not None and status != outcome:
                    problems.append(f"{what}: {status}, expected {outcome}")
                if before is not None:
                    after = snapshot()
                    if before != after:
                        problems.append(f"{what}: refused but wrote to "
                                        f"{changed_tables(before, after)}")
    assert checked >= 100, checked
    assert not problems, "\n".join(problems)


def test_nobody_signed_in_is_sent_to_login(app, world, builder, make_client, snapshot):
    alpha, xcai = world["alpha"], world["xcai"]
    side = Side(alpha, xcai)
    fill = fillers(builder)
    visitor = make_client()
    token = visitor.csrf("/login")
    rules = [rule for _kind, rule in portal_rules(app)]
    rules += [rule for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/base/") or rule.endpoint in ("accounts.home",
                                                                     "accounts.security")]
    problems = []
    before = snapshot()
    for rule in rules:
        kind = PORTALS.get(rule.endpoint.split(".")[0], "tenant")
        url = url_of(rule, fill_values(fill, rule, kind, side, side, False))
        for method in methods_of(rule):
            if method == "GET":
                response = visitor.get(url)
            else:
                response = visitor.http.post(url, data={**form_body(rule.endpoint, kind, builder),
                                                        "csrf_token": token})
            location = urlsplit(response.headers.get("Location", ""))
            if response.status_code != 302 or location.path != "/login":
                problems.append(f"{method} {url}: {response.status_code} "
                                f"{response.headers.get('Location')}, expected a redirect to /login")
    assert changed_tables(before, snapshot()) == []
    assert len(rules) >= 30
    assert not problems, "\n".join(problems)
