"""Profiles and finding people (API.md "Objects: user", GET/PATCH /api/users*)."""

import pytest

from tests.acceptance.conftest import error, ok

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("postgres", "redis_server")]

USER_FIELDS = {"id", "username", "display_name", "bio", "avatar_url", "last_seen", "online"}


def test_another_user_has_no_phone_and_the_caller_has_one(person):
    alice, bob = person("Alice"), person("Bob")
    seen = ok(alice.call("GET", f"/api/users/{bob.id}", via=1))
    assert set(seen) == USER_FIELDS and seen["display_name"] == "Bob"
    assert set(ok(bob.call("GET", "/api/users/me"))) == USER_FIELDS | {"phone"}


def test_patch_changes_the_profile_and_lowercases_the_username(person):
    alice, bob = person("Alice"), person("Bob")
    name = f"alice_{alice.id[:8]}"
    changed = ok(
        alice.call(
            "PATCH",
            "/api/users/me",
            {
                "username": name.upper(),
                "display_name": "Alice A.",
                "bio": "  hi  ",
                "avatar_url": "https://example.com/a.png",
            },
        )
    )
    assert changed["username"] == name and changed["display_name"] == "Alice A."
    assert changed["bio"] == "  hi  " and changed["avatar_url"] == "https://example.com/a.png"
    assert changed["phone"] == alice.phone
    assert ok(bob.call("GET", f"/api/users/{alice.id}", via=1))["username"] == name
    assert ok(alice.call("PATCH", "/api/users/me", {}))["username"] == name
    error(
        bob.call("PATCH", "/api/users/me", {"username": name.capitalize()}), 409, "username_taken"
    )


@pytest.mark.parametrize(
    "change",
    [
        {"username": "abcd"},
        {"username": "a" * 33},
        {"username": "bad-name"},
        {"username": "имя_пользователя"},
        {"username": 12345},
        {"display_name": ""},
        {"display_name": "x" * 101},
        {"display_name": None},
        {"bio": "x" * 501},
        {"bio": 5},
    ],
)
def test_bad_profile_changes_are_validation_errors(person, change):
    alice = person("Alice")
    body = error(alice.call("PATCH", "/api/users/me", change), 400, "validation_error")
    assert set(body["fields"]) == set(change)


def test_profile_limits_are_inclusive(person):
    alice = person("Alice")
    edge = {"display_name": "я" * 100, "bio": "b" * 500, "username": f"u{alice.id[:4]}"}
    data = ok(alice.call("PATCH", "/api/users/me", edge))
    assert data["display_name"] == "я" * 100 and len(data["bio"]) == 500


def test_two_people_taking_one_username_at_once_one_wins(person):
    from concurrent.futures import ThreadPoolExecutor

    alice, bob = person("Alice"), person("Bob")
    name = f"race_{alice.id[:8]}"
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(
                lambda pv: pv[0].call("PATCH", "/api/users/me", {"username": name}, via=pv[1]),
                [(alice, 0), (bob, 1)],
            )
        )
    assert sorted(a.status for a in answers) == [200, 409]


def test_search_by_username_prefix_name_words_and_phone(person):
    alice, bob = person("Alice"), person("Bob Quentin Marsh")
    prefix = f"srch{bob.id[:6]}"
    ok(bob.call("PATCH", "/api/users/me", {"username": f"{prefix}_bob"}))
    found = ok(alice.call("GET", f"/api/users?q={prefix.upper()}"))
    assert [u["id"] for u in found] == [bob.id] and set(found[0]) == USER_FIELDS
    by_words = ok(alice.call("GET", "/api/users?q=marsh%20quentin", via=1))
    assert bob.id in [u["id"] for u in by_words]
    by_phone = ok(alice.call("GET", f"/api/users?phone={bob.phone.replace('+', '%2B')}"))
    assert [u["id"] for u in by_phone] == [bob.id]
    national = "8" + bob.phone[2:]
    assert [u["id"] for u in ok(alice.call("GET", f"/api/users?phone={national}"))] == [bob.id]


def test_search_never_finds_the_caller_and_needs_a_parameter(person):
    alice = person("Alice")
    prefix = f"self{alice.id[:6]}"
    ok(alice.call("PATCH", "/api/users/me", {"username": f"{prefix}_a"}))
    assert ok(alice.call("GET", f"/api/users?q={prefix}")) == []
    phone = alice.phone.replace("+", "%2B")
    assert ok(alice.call("GET", f"/api/users?phone={phone}")) == []
    error(alice.call("GET", "/api/users"), 400, "validation_error")
    error(alice.call("GET", "/api/users?q="), 400, "validation_error")


def test_search_answers_at_most_20(person):
    alice = person("Alice")
    word = f"Crowd{alice.id[:6]}"
    for n in range(21):
        person(f"{word} {n}")
    found = ok(alice.call("GET", f"/api/users?q={word}"))
    assert len(found) == 20
