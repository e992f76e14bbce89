"""The accounts lists (blocked people, sessions, people search) cost the same for few and
many rows."""

import pytest

from accounts.models import Block
from tests.factories import UserFactory
from tests.helpers import assert_queries, assert_same_queries, envelope_data, sign_in

pytestmark = pytest.mark.django_db


def test_the_blocked_list_costs_the_same_for_2_and_30_people(alice, as_alice):
    Block.objects.bulk_create(
        [Block(blocker=alice, blocked=u) for u in UserFactory.create_batch(2)]
    )
    with assert_queries(at_most=2) as few:
        assert len(envelope_data(as_alice.get("/api/users/blocked"))) == 2
    Block.objects.bulk_create(
        [Block(blocker=alice, blocked=u) for u in UserFactory.create_batch(28)]
    )
    with assert_queries(at_most=2) as many:
        assert len(envelope_data(as_alice.get("/api/users/blocked"))) == 30
    assert_same_queries(few, many)


def test_the_session_list_costs_the_same_for_2_and_20_sessions(alice, as_alice):
    sign_in(alice)
    with assert_queries(at_most=2) as few:
        assert len(envelope_data(as_alice.get("/api/auth/sessions"))) == 2
    for _ in range(18):
        sign_in(alice)
    with assert_queries(at_most=2) as many:
        assert len(envelope_data(as_alice.get("/api/auth/sessions"))) == 20
    assert_same_queries(few, many)


def test_people_search_costs_the_same_for_2_and_20_matches(alice, as_alice):
    UserFactory.create_batch(2, display_name="Common Name")
    with assert_queries(at_most=3) as few:
        assert len(envelope_data(as_alice.get("/api/users?q=Common"))) == 2
    UserFactory.create_batch(25, display_name="Common Name")
    with assert_queries(at_most=3) as many:
        assert len(envelope_data(as_alice.get("/api/users?q=Common"))) == 20
    assert_same_queries(few, many)


def test_a_session_past_its_maximum_age_is_not_listed(alice, as_alice):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import AuthSession

    old = AuthSession.objects.create(user=alice, device="Old phone")
    AuthSession.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))
    listed = [s["device"] for s in envelope_data(as_alice.get("/api/auth/sessions"))]
    assert "Old phone" not in listed and len(listed) == 1
