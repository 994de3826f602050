def test_landing_lists_tenants(client, factory):
    factory.tenant("houston")
    response = client.get("/")
    assert response.status_code == 200
    assert "Houston Lantern Festival" in response.get_data(as_text=True)


def test_owner_signs_in_and_lands_in_portal(client, factory):
    tenant = factory.tenant("houston")
    factory.member(tenant, "owner@example.com", "owner")
    response = client.login("owner@example.com")
    assert response.headers["Location"].endswith("/houston/manage/")
    page = client.get("/houston/manage/").get_data(as_text=True)
    assert "Houston Lantern Festival" in page
