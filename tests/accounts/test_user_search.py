"""``GET /api/users``: finding people by username prefix, name words or exact phone."""

import pytest

from tests.factories import UserFactory
from tests.helpers import envelope_data, envelope_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(db):
    return UserFactory(username="alice_me", display_name="Alice Me", phone="+79035550100")


@pytest.fixture
def client(client_for, me):
    return client_for(me)


def found(client, **query) -> list[str]:
    return [user["username"] for user in envelope_data(client.get("/api/users", query))]


def test_q_finds_usernames_by_prefix_whatever_the_case(client):
    UserFactory(username="alice_smith")
    UserFactory(username="alicia")
    UserFactory(username="bob_alice")
    assert found(client, q="ali") == ["alice_smith", "alicia"]
    assert found(client, q="ALICE") == ["alice_smith"]


def test_q_finds_display_names_by_words_in_any_order(client):
    UserFactory(username="maria_i", display_name="Maria Ivanova")
    UserFactory(username="maria_p", display_name="Maria Petrova")
    assert found(client, q="ivanova maria") == ["maria_i"]
    assert found(client, q="Mari") == ["maria_i", "maria_p"]
    assert found(client, q="petr") == ["maria_p"]


def test_results_are_users_without_their_phones(client):
    UserFactory(username="carol", display_name="Carol")
    (carol,) = envelope_data(client.get("/api/users", {"q": "carol"}))
    assert set(carol) == {
        "id", "username", "display_name", "bio", "avatar_url", "last_seen", "online"
    }  # fmt: skip


def test_the_caller_is_never_found(client, me):
    assert found(client, q="alice") == []
    assert found(client, q="Alice Me") == []
    assert found(client, phone=me.phone) == []


def test_deactivated_users_are_never_found(client):
    UserFactory(username="alice_gone", phone="+79035550101", is_active=False)
    assert found(client, q="alice") == []
    assert found(client, phone="+79035550101") == []


def test_at_most_20_are_returned(client, django_assert_max_num_queries):
    for n in range(25):
        UserFactory(username=f"zed_{n:02d}")
    with django_assert_max_num_queries(2):  # the caller's session, then the page
        assert len(found(client, q="zed")) == 20


def test_phone_finds_exactly_one_number_normalised(client):
    UserFactory(username="phoned", phone="+79161234567")
    UserFactory(username="neighbour", phone="+79161234568")
    assert found(client, phone="+79161234567") == ["phoned"]
    assert found(client, phone="8 (916) 123-45-67") == ["phoned"]
    assert found(client, phone="+7 916 123 45 67") == ["phoned"]
    assert found(client, phone="+79161234569") == []


def test_an_invalid_phone_is_a_validation_error(client):
    body = envelope_error(client.get("/api/users", {"phone": "12345"}), 400, "validation_error")
    assert "phone" in body["fields"]


@pytest.mark.parametrize("query", [{}, {"q": ""}, {"q": "   "}, {"other": "x"}])
def test_neither_parameter_is_400(client, query):
    envelope_error(client.get("/api/users", query), 400, "validation_error")


def test_search_accepts_a_trailing_slash(client):
    UserFactory(username="slashed")
    assert [u["username"] for u in envelope_data(client.get("/api/users/", {"q": "sla"}))] == [
        "slashed"
    ]


def test_search_needs_credentials(api):
    envelope_error(api.get("/api/users", {"q": "alice"}), 401, "not_authenticated")


@pytest.mark.parametrize("q", ["ab\x00cd", "x" * 101])
def test_a_nul_character_or_an_overlong_q_is_a_validation_error(client, q):
    body = envelope_error(client.get("/api/users", {"q": q}), 400, "validation_error")
    assert "q" in body["fields"]


def test_like_wildcards_in_q_are_taken_literally(client):
    UserFactory(username="percent")
    assert found(client, q="%") == [] and found(client, q="_") == []
