import pytest
from django.urls import reverse

from tests.factories import make_api_key

MODELS = [
    "accounts_user",
    "organizations_organization",
    "organizations_membership",
    "organizations_invitation",
    "apikeys_apikey",
    "health_workerheartbeat",
]


@pytest.mark.parametrize("model", MODELS)
def test_the_admin_lists_and_searches_each_model(model, actors, admin_client) -> None:
    make_api_key(actors.organization)

    listing = admin_client.get(reverse(f"admin:{model}_changelist"), {"q": "acme"})

    assert listing.status_code == 200


def test_the_admin_never_shows_an_api_key_digest(actors, admin_client) -> None:
    key, _plaintext = make_api_key(actors.organization)

    page = admin_client.get(reverse("admin:apikeys_apikey_change", args=[key.pk]))

    assert page.status_code == 200
    assert key.digest.encode() not in page.content
