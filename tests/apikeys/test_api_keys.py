from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from apps.apikeys.models import ApiKey, Scope
from spoguild import shown_once, tokens
from tests.factories import make_api_key


def _auth(plaintext: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def test_a_created_key_is_shown_once_and_stored_only_as_a_hash(
    actors, owner_client
) -> None:
    url = reverse("apikeys:list", args=[actors.organization.public_id])

    created = owner_client.post(url, {"name": "grafana", "scope": "read"}, follow=True)
    again = owner_client.get(url)

    key = ApiKey.objects.get()
    plaintext = created.context["created_plaintext"]
    assert created.redirect_chain == [(url, 302)]
    assert plaintext.startswith(f"{key.prefix}_")
    assert plaintext.encode() in created.content
    assert plaintext.encode() not in again.content
    assert key.prefix.encode() in again.content
    assert key.digest == tokens.digest(plaintext)


def test_a_new_key_never_reaches_the_session_store(actors, owner_client) -> None:
    # Sessions live in the database and its backups; the key must not.
    url = reverse("apikeys:list", args=[actors.organization.public_id])

    owner_client.post(url, {"name": "grafana", "scope": "read"})
    waiting = [session.get_decoded() for session in Session.objects.all()]
    shown = owner_client.get(url)

    plaintext = shown.context["created_plaintext"]
    assert plaintext.startswith("sgk_")
    assert waiting
    assert all(plaintext not in str(data) for data in waiting)


def test_a_new_key_waits_at_most_five_minutes_to_be_shown(
    actors, owner_client, monkeypatch
) -> None:
    url = reverse("apikeys:list", args=[actors.organization.public_id])
    kept: list[dict] = []
    real_set = shown_once.cache.set

    def spy(key, value, timeout):
        kept.append({"value": value, "timeout": timeout})
        real_set(key, value, timeout=timeout)

    monkeypatch.setattr(shown_once.cache, "set", spy)

    owner_client.post(url, {"name": "grafana", "scope": "read"})

    [entry] = kept
    assert entry["value"]["key"].startswith("sgk_")
    assert entry["timeout"] == shown_once.KEPT_FOR_SECONDS == 300


def test_a_member_cannot_create_keys(actors, member_client) -> None:
    url = reverse("apikeys:list", args=[actors.organization.public_id])

    response = member_client.post(url, {"name": "x", "scope": "write"})

    assert response.status_code == 403
    assert not ApiKey.objects.exists()


def test_a_key_authenticates_and_records_when_it_was_used(actors, client) -> None:
    key, plaintext = make_api_key(actors.organization)

    response = client.get(reverse("organization-list"), **_auth(plaintext))

    assert response.status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_a_revoked_key_is_refused(actors, owner_client, client) -> None:
    key, plaintext = make_api_key(actors.organization)
    owner_client.post(
        reverse("apikeys:revoke", args=[actors.organization.public_id, key.public_id])
    )

    response = client.get(reverse("organization-list"), **_auth(plaintext))

    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_a_wrong_secret_with_a_real_prefix_is_refused(actors, client) -> None:
    _key, plaintext = make_api_key(actors.organization)

    response = client.get(
        reverse("organization-list"), **_auth(plaintext[:-4] + "AAAA")
    )

    assert response.status_code == 401


def test_a_read_only_key_cannot_write(actors, client) -> None:
    _key, plaintext = make_api_key(actors.organization, Scope.READ)
    url = reverse("organization-detail", kwargs={"id": actors.organization.public_id})

    response = client.patch(
        url, {"name": "Renamed"}, content_type="application/json", **_auth(plaintext)
    )

    assert response.status_code == 403
    actors.organization.refresh_from_db()
    assert actors.organization.name == "Acme Pool"


def test_a_read_write_key_renames_its_organization(actors, client) -> None:
    _key, plaintext = make_api_key(actors.organization, Scope.WRITE)
    url = reverse("organization-detail", kwargs={"id": actors.organization.public_id})

    response = client.patch(
        url, {"name": "Renamed"}, content_type="application/json", **_auth(plaintext)
    )

    assert response.status_code == 200
    actors.organization.refresh_from_db()
    assert actors.organization.name == "Renamed"


def test_last_used_is_written_at_most_once_a_minute(
    actors, client, django_assert_num_queries
) -> None:
    key, plaintext = make_api_key(actors.organization)
    ApiKey.objects.filter(pk=key.pk).update(
        last_used_at=timezone.now() - timedelta(seconds=5)
    )
    url = reverse("organization-detail", kwargs={"id": actors.organization.public_id})

    # key lookup + organization: no UPDATE of last_used_at within the minute
    with django_assert_num_queries(2):
        response = client.get(url, **_auth(plaintext))

    assert response.status_code == 200


def test_the_organization_list_costs_the_same_queries_for_many_organizations(
    actors, owner_client, django_assert_max_num_queries
) -> None:
    from tests.factories import make_organization

    for number in range(10):
        make_organization(actors.owner, name=f"Pool {number}")

    with django_assert_max_num_queries(4):
        response = owner_client.get(reverse("organization-list"))

    assert response.json()["count"] == 11
