"""The tenant-isolation walk: every registered URL rule, requested with another organisation's
existing objects, answers 404 and changes nothing; the same request with one's own objects works.

A rule the walk cannot classify fails the test, so a route added later is walked (give its
arguments a filler in ``conftest.fillers`` and its POST body in ``conftest.form_body``) or listed
in ``ALLOW_LIST`` with the reason it holds no organisation's data.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from tests.security.conftest import (
    ARGUMENT,
    ID_ARGUMENT,
    OPERATOR_EMAIL,
    ORG_ARGUMENTS,
    Side,
    changed_tables,
    fill_values,
    fillers,
    form_body,
    methods_of,
    path_arguments,
    registered,
    signed_in,
    text_of,
    url_of,
)

# Rules that carry no organisation's data: the walk does not request them across owners.
ALLOW_LIST: dict[str, str] = {
    "/static/<path:filename>": "static assets: no tenant data",
    "/": "global landing page: the public names of active tenants only",
    "/login": "global sign-in",
    "/login/two-factor": "global sign-in step, bound to the pending user in the session",
    "/logout": "global sign-out",
    "/account/": "the signed-in person's own account (a platform row)",
    "/account/security": "the signed-in person's own two-factor setting",
    "/account/password/forgot": "global; the same answer for every address",
    "/account/password/reset/<token>": "a signed link bound to one user, not to an organisation "
                                       "(tampered and expired links: test_bad_input)",
    "/account/welcome/<token>": "a signed link bound to one new operator, not to an organisation",
    "/locale/<code>": "global preference",
    **registered("ALLOW_LIST"),
}

# A tenant's storefront is public: anyone sees it, and it shows none of the tenant's people.
PUBLIC: dict[str, str] = {
    "/<tenant_slug>/": "the tenant's public storefront",
    "/<tenant_slug>/brand.css": "the tenant's public colours",
    "/<tenant_slug>/logo": "the tenant's public logo",
    **registered("PUBLIC"),
}

# The link is the credential: whoever holds it may look, but it cannot make anyone else (another
# organisation's owner, say) a member.
BEARER: dict[str, str] = {
    "/account/invitation/<token>": "an invitation link, bound to the invited email address",
}
# A visitor's order link: the secret is the credential, and it only opens under its own tenant.
ORDER_LINKS: dict[str, str] = registered("ORDER_LINKS")


def classify(rule) -> str | None:
    if rule.rule in ALLOW_LIST:
        return "allow-listed"
    if rule.rule in PUBLIC:
        return "public"
    if rule.rule in BEARER:
        return "bearer"
    if rule.rule in ORDER_LINKS:
        return "order-link"
    if rule.rule.startswith("/base/"):
        return "base"
    if "tenant_slug" in rule.arguments:
        return "tenant"
    if "supplier_slug" in rule.arguments:
        return "supplier"
    return None


def test_every_rule_is_walked_or_allow_listed(app):
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    problems = [f"{rule.rule} ({rule.endpoint}): neither walked nor allow-listed"
                for rule in app.url_map.iter_rules() if classify(rule) is None]
    for listed in (ALLOW_LIST, PUBLIC, BEARER, ORDER_LINKS):
        problems += [f"{rule}: listed but no longer registered" for rule in listed
                     if rule not in rules]
    # A rule that names an organisation or an object cannot be excused from the walk.
    # Except the token-scoped API, whose cross-tenant ids tests/api/test_api_isolation.py walks.
    problems += [f"{rule}: names an organisation or an id and cannot be allow-listed"
                 for rule, reason in ALLOW_LIST.items()
                 if (ORG_ARGUMENTS & set(ARGUMENT.findall(rule)) or ID_ARGUMENT.search(rule))
                 and not (rule.startswith("/api/v1/") and reason.startswith("token-scoped:"))]
    known = fillers(None)
    problems += [f"{rule.rule}: no filler for <{name}> in conftest.fillers"
                 for rule in app.url_map.iter_rules() if classify(rule) != "allow-listed"
                 for name in path_arguments(rule) if name not in known]
    assert not problems, "\n".join(problems)


def test_isolation_walk(app, world, builder, make_client, snapshot):
    alpha, beta, xcai, yguang = (world[s] for s in ("alpha", "beta", "xcai", "yguang"))
    foreign, own = Side(alpha, xcai), Side(beta, yguang)
    fill = fillers(builder)
    b_owner = signed_in(make_client, beta.emails["owner"])
    y_owner = signed_in(make_client, yguang.emails["owner"])
    operator = signed_in(make_client, OPERATOR_EMAIL)
    # Each requester's CSRF token comes from a page of its own portal. Keyed by the client
    # object itself: a visitor's client is dropped after its rule, and a new one may reuse its
    # id() (a token of another session is a CSRF failure, not the 404 the walk looks for).
    tokens = WeakKeyDictionary({b_owner: b_owner.csrf(beta.team_page),
                                y_owner: y_owner.csrf(yguang.team_page),
                                operator: operator.csrf("/base/operators")})
    # What must never appear in an answer to someone else: the people of A and X.
    people_of_a = [*alpha.emails.values(), alpha.invitation_email, *xcai.emails.values(),
                   xcai.invitation_email]
    problems: list[str] = []
    requests = 0

    def send(client, method: str, url: str, endpoint: str, kind: str):
        nonlocal requests
        requests += 1
        if method == "GET":
            return client.get(url)
        if client not in tokens:  # a visitor's browser: any form of the site gives a token
            tokens[client] = client.csrf()
        return client.http.post(url, data={**form_body(endpoint, kind, builder),
                                           "csrf_token": tokens[client]})

    def refused(client, who: str, method: str, url: str, endpoint: str, kind: str) -> None:
        """Another organisation's objects: 404, nothing written, none of its people shown."""
        before = snapshot()
        response = send(client, method, url, endpoint, kind)
        after = snapshot()
        label = f"{method} {url} as {who}"
        if response.status_code != 404:
            problems.append(f"{label}: {response.status_code}, expected 404")
        if before != after:
            problems.append(f"{label}: wrote to {changed_tables(before, after)}")
        body = response.get_data().decode("utf-8", "replace")
        problems.extend(f"{label}: shows {person}" for person in people_of_a if person in body)

    def works(client, who: str, method: str, url: str, endpoint: str, kind: str) -> None:
        response = send(client, method, url, endpoint, kind)
        if not 200 <= response.status_code < 400:
            problems.append(f"{method} {url} as {who} (own objects): {response.status_code}, "
                            f"expected 2xx/3xx: {text_of(response)[:300]}")

    walked = 0
    for rule in app.url_map.iter_rules():
        category = classify(rule)
        if category in (None, "allow-listed"):
            continue  # test_every_rule_is_walked_or_allow_listed reports unclassified rules
        walked += 1
        kind = category if category in ("tenant", "supplier") else "tenant"
        for method in methods_of(rule):
            if category in ("tenant", "supplier"):
                requester, who = ((b_owner, "owner of tenant beta") if category == "tenant"
                                  else (y_owner, "owner of supplier yguang"))
                # A's objects under A's address: B's owner is not a member there.
                url = url_of(rule, fill_values(fill, rule, kind, foreign, foreign, False))
                refused(requester, who, method, url, rule.endpoint, kind)
                if ID_ARGUMENT.search(rule.rule):
                    # A's objects under B's own address: the scoped query does not find them.
                    url = url_of(rule, fill_values(fill, rule, kind, own, foreign, False))
                    refused(requester, who, method, url, rule.endpoint, kind)
                url = url_of(rule, fill_values(fill, rule, kind, own, own, True))
                works(requester, who, method, url, rule.endpoint, kind)
            elif category == "base":
                # Operators only: an organisation's owner finds nothing there, whichever ids.
                for requester, who in ((b_owner, "owner of tenant beta"),
                                       (y_owner, "owner of supplier yguang")):
                    for side in (foreign, own):
                        url = url_of(rule, fill_values(fill, rule, kind, side, side, False))
                        refused(requester, who, method, url, rule.endpoint, kind)
                url = url_of(rule, fill_values(fill, rule, kind, foreign, foreign, False))
                works(operator, "base operator", method, url, rule.endpoint, kind)
            elif category == "order-link":
                # A's order secret under B's address finds nothing; B's own works for a visitor.
                visitor = make_client()
                url = url_of(rule, fill_values(fill, rule, "tenant", own, foreign, False))
                refused(visitor, "a visitor", method, url, rule.endpoint, "tenant")
                url = url_of(rule, fill_values(fill, rule, "tenant", own, own, True))
                works(visitor, "a visitor", method, url, rule.endpoint, "tenant")
            elif category == "bearer":
                requests += 2
                _walk_invitation_link(rule, method, b_owner, tokens[b_owner], alpha, beta,
                                      builder, make_client, snapshot, problems)
            elif category == "public":
                url = url_of(rule, fill_values(fill, rule, kind, foreign, foreign, False))
                for client, who in ((make_client(), "a visitor"), (b_owner, "owner of beta")):
                    requests += 1
                    response = client.get(url)
                    body = response.get_data().decode("utf-8", "replace")
                    if response.status_code != 200:
                        problems.append(f"GET {url} as {who}: {response.status_code}, "
                                        "expected 200 (public)")
                    problems.extend(f"GET {url} as {who}: shows {person}"
                                    for person in [*people_of_a, *beta.emails.values()]
                                    if person in body)

    assert walked >= 30 and requests >= 100, (walked, requests)  # the walk really ran
    assert not problems, "\n".join(problems)


def _walk_invitation_link(rule, method, b_owner, token, alpha, beta, builder, make_client,
                          snapshot, problems) -> None:
    """B's owner cannot use A's invitation link to join A; B's invitee can use B's."""
    foreign_url = url_of(rule, {"token": alpha.invitation_token})
    label = f"{method} {foreign_url} as owner of tenant beta"
    before = snapshot()
    if method == "GET":
        response = b_owner.get(foreign_url)
        if response.status_code >= 500:
            problems.append(f"{label}: {response.status_code}")
    else:
        response = b_owner.http.post(foreign_url, data={
            **form_body(rule.endpoint, "tenant", builder), "csrf_token": token})
        if not 400 <= response.status_code < 500:
            problems.append(f"{label}: {response.status_code}, expected 4xx")
        elif f"This invitation is for {alpha.invitation_email}" not in text_of(response):
            problems.append(f"{label}: no clear message: {text_of(response)[:300]}")
    after = snapshot()
    if before != after:
        problems.append(f"{label}: wrote to {changed_tables(before, after)}")

    _id, own_token, _email = builder.invitation(beta)
    own_url = url_of(rule, {"token": own_token})
    invitee = make_client()  # a fresh browser, not signed in
    response = (invitee.get(own_url) if method == "GET"
                else invitee.post_form(own_url, form_body(rule.endpoint, "tenant", builder)))
    if not 200 <= response.status_code < 400:
        problems.append(f"{method} {own_url} as beta's invitee: {response.status_code}: "
                        f"{text_of(response)[:300]}")
