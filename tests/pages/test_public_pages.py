from django.test import Client
from django.urls import reverse


def test_the_landing_page_says_what_the_service_does(db, client) -> None:
    response = client.get(reverse("landing"))

    assert response.status_code == 200
    assert b"For stake pool operators" in response.content
    assert b"For delegators" in response.content


def test_pages_carry_a_content_security_policy_and_other_security_headers(
    db, client
) -> None:
    response = client.get(reverse("landing"))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_load_no_script_from_another_origin(db, client) -> None:
    response = client.get(reverse("landing"))

    assert b"<script>" not in response.content
    assert b'src="http' not in response.content


def test_an_unknown_address_gets_the_friendly_404(db, client) -> None:
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert b"This page is not here" in response.content


def test_a_post_without_a_csrf_token_is_refused(actors) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(actors.owner)

    response = client.post(
        reverse("organizations:invite", args=[actors.organization.public_id]),
        {"email": "x@example.org", "role": "viewer"},
    )

    assert response.status_code == 403
    assert not actors.organization.invitations.exists()


def test_the_api_schema_and_docs_are_served(db, client) -> None:
    schema = client.get(
        reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    docs = client.get(reverse("api-docs"))

    assert schema.status_code == 200
    assert "/api/v1/organizations" in schema.json()["paths"]
    assert "apiKey" in schema.json()["components"]["securitySchemes"]
    assert docs.status_code == 200
