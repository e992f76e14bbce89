"""Groups: every rule of the contract's "Groups" section, its system messages and events."""

import pytest
from django.db import connection

from accounts.services.blocks import user_block
from accounts.services.users import user_deactivate
from chats.models import Chat, ChatMember
from messaging.models import Message
from messaging.services import message_edit, message_send
from tests.factories import UserFactory
from tests.helpers import (
    assert_queries,
    assert_same_queries,
    at_once,
    envelope_data,
    envelope_error,
)

pytestmark = pytest.mark.django_db


def create(client, title="Family", user_ids=()):
    body = {"kind": "group", "title": title, "user_ids": [str(u) for u in user_ids]}
    return client.post("/api/chats", body, format="json")


@pytest.fixture
def group(as_alice, bob, carol):
    return envelope_data(create(as_alice, user_ids=[bob.pk, carol.pk]), 201)


def system_events(chat_id) -> list:
    rows = Message.objects.filter(chat_id=chat_id, kind="system").order_by("seq")
    return [(m.seq, m.system["event"], m.system["user_ids"]) for m in rows]


def test_creating_a_group_makes_the_caller_owner_and_says_so_at_seq_1(
    group, alice, bob, carol, as_bob
):
    assert group["kind"] == "group" and group["title"] == "Family"
    assert group["role"] == "owner" and group["member_count"] == 3
    assert group["peer"] is None and group["peer_last_read_seq"] is None
    first = group["last_message"]
    assert first["seq"] == 1 and first["kind"] == "system" and first["content"] == ""
    assert first["sender_id"] == str(alice.pk)
    assert first["system"] == {
        "event": "group_created",
        "actor_id": str(alice.pk),
        "user_ids": [str(bob.pk), str(carol.pk)],
        "title": "Family",
        "role": None,
    }
    theirs = envelope_data(as_bob.get(f"/api/chats/{group['id']}"))
    assert theirs["role"] == "member" and theirs["unread_count"] == 0  # system: never unread


def test_creating_a_group_tells_every_member(as_alice, bob, carol, alice, published):
    envelope_data(create(as_alice, user_ids=[bob.pk, carol.pk]), 201)  # commits
    [(recipients, event)] = published
    assert recipients == {alice.pk, bob.pk, carol.pk} and event["type"] == "message.new"


@pytest.mark.parametrize(
    "user_ids",
    [
        lambda me, other: [],
        lambda me, other: [me.pk],
        lambda me, other: [other.pk, other.pk],
        lambda me, other: ["00000000-0000-0000-0000-000000000000"],
        lambda me, other: ["not-a-uuid"],
    ],
)
def test_bad_member_lists_are_refused_and_change_nothing(as_alice, alice, bob, user_ids):
    body = envelope_error(create(as_alice, user_ids=user_ids(alice, bob)), 400, "validation_error")
    assert "user_ids" in str(body["fields"])
    assert not Chat.objects.filter(kind="group").exists()


@pytest.mark.parametrize("title", ["", "   ", "x" * 129, None, 5])
def test_a_group_needs_a_real_title(as_alice, bob, title):
    envelope_error(create(as_alice, title=title, user_ids=[bob.pk]), 400, "validation_error")


def test_deactivated_people_and_blocks_stop_a_group(as_alice, alice, bob, carol):
    user_deactivate(user=carol)
    envelope_error(create(as_alice, user_ids=[bob.pk, carol.pk]), 400, "validation_error")
    user_block(user=bob, target=alice)
    envelope_error(create(as_alice, user_ids=[bob.pk]), 403, "blocked")
    assert not Chat.objects.filter(kind="group").exists()


def test_renaming_needs_owner_or_admin_and_tells_everyone(group, as_alice, as_bob, bob):
    chat = f"/api/chats/{group['id']}"
    envelope_error(as_bob.patch(chat, {"title": "Mine"}, format="json"), 403, "permission_denied")
    renamed = envelope_data(as_alice.patch(chat, {"title": "Clan"}, format="json"))
    assert renamed["title"] == "Clan"
    assert system_events(group["id"])[-1][1] == "title_changed"


def test_a_direct_chats_title_and_members_never_change(as_alice, chat, carol):
    url = f"/api/chats/{chat.pk}"
    envelope_error(as_alice.patch(url, {"title": "x"}, format="json"), 403, "permission_denied")
    body = {"user_ids": [str(carol.pk)]}
    envelope_error(as_alice.post(f"{url}/members", body, format="json"), 403, "permission_denied")


def test_members_are_listed_earliest_first_and_only_to_members(group, as_bob, alice, client_for):
    members = envelope_data(as_bob.get(f"/api/chats/{group['id']}/members"))
    assert [m["role"] for m in members] == ["owner", "member", "member"]
    assert members[0]["user"]["id"] == str(alice.pk)
    assert set(members[0]) == {"user", "role", "joined_at", "last_read_seq"}
    outsider = client_for(UserFactory())
    envelope_error(outsider.get(f"/api/chats/{group['id']}/members"), 404, "not_found")


def test_adding_leaves_present_people_as_they_are_and_names_those_added(group, as_alice, bob):
    dave = UserFactory()
    url = f"/api/chats/{group['id']}/members"
    envelope_data(as_alice.post(url, {"user_ids": [str(bob.pk), str(dave.pk)]}, format="json"))
    assert system_events(group["id"])[-1][1:] == ("members_added", [str(dave.pk)])
    count = Message.objects.filter(chat_id=group["id"]).count()
    envelope_data(as_alice.post(url, {"user_ids": [str(dave.pk)]}, format="json"))
    assert Message.objects.filter(chat_id=group["id"]).count() == count  # none added: no message


def test_a_plain_member_cannot_add_and_nobody_passes_200(group, as_alice, as_bob):
    url = f"/api/chats/{group['id']}/members"
    dave = UserFactory()
    body = {"user_ids": [str(dave.pk)]}
    envelope_error(as_bob.post(url, body, format="json"), 403, "permission_denied")
    crowd = UserFactory.create_batch(198)
    body = {"user_ids": [str(u.pk) for u in crowd]}
    envelope_error(as_alice.post(url, body, format="json"), 400, "validation_error")
    body["user_ids"] = body["user_ids"][:197]
    assert envelope_data(as_alice.post(url, body, format="json"))["member_count"] == 200


def test_removing_and_leaving_follow_the_roles(
    group, alice, bob, carol, as_bob, as_carol, as_alice
):
    url = f"/api/chats/{group['id']}/members"
    envelope_error(as_bob.delete(f"{url}/{carol.pk}"), 403, "permission_denied")
    body = {"role": "admin"}
    envelope_data(as_alice.patch(f"{url}/{bob.pk}", body, format="json"))
    envelope_error(as_bob.delete(f"{url}/{alice.pk}"), 403, "permission_denied")  # the owner
    envelope_data(as_bob.delete(f"{url}/{carol.pk}"))  # an admin removes a plain member
    envelope_error(as_carol.get(f"/api/chats/{group['id']}"), 404, "not_found")
    envelope_data(as_bob.delete(f"{url}/{bob.pk}"))  # leaving
    events = [event for _, event, _ in system_events(group["id"])]
    assert events[-3:] == ["role_changed", "member_removed", "member_left"]


def test_a_removed_member_hears_nothing_more(
    group, as_alice, bob, carol, alice, published, django_capture_on_commit_callbacks
):
    envelope_data(as_alice.delete(f"/api/chats/{group['id']}/members/{carol.pk}"))  # commits
    with django_capture_on_commit_callbacks(execute=True):
        message_send(sender=alice, chat_id=group["id"], content="after")
    assert ({carol.pk}, {"type": "chat.removed", "chat_id": group["id"]}) in published
    for recipients, event in published:
        if event["type"] != "chat.removed":
            assert carol.pk not in recipients, event
    updated = [r for r, e in published if e["type"] == "chat.updated"]
    assert updated == [{alice.pk, bob.pk}]


def test_when_the_owner_leaves_the_earliest_admin_takes_over_right_after(
    group, as_alice, alice, bob, carol
):
    url = f"/api/chats/{group['id']}/members"
    envelope_data(as_alice.patch(f"{url}/{carol.pk}", {"role": "admin"}, format="json"))
    envelope_data(as_alice.delete(f"{url}/{alice.pk}"))
    *_, left, handed = system_events(group["id"])
    assert left[1] == "member_left" and handed[1] == "owner_changed"
    assert handed[0] == left[0] + 1 and handed[2] == [str(carol.pk)]
    roles = dict(ChatMember.objects.filter(chat_id=group["id"]).values_list("user_id", "role"))
    assert roles == {bob.pk: "member", carol.pk: "owner"}


def test_handing_over_makes_the_old_owner_an_admin(group, as_alice, as_bob, alice, bob):
    url = f"/api/chats/{group['id']}/members"
    member = envelope_data(as_alice.patch(f"{url}/{bob.pk}", {"role": "owner"}, format="json"))
    assert member["role"] == "owner" and member["user"]["id"] == str(bob.pk)
    assert envelope_data(as_alice.get(f"/api/chats/{group['id']}"))["role"] == "admin"
    envelope_error(
        as_alice.patch(f"{url}/{bob.pk}", {"role": "member"}, format="json"),
        403,
        "permission_denied",
    )
    envelope_error(
        as_bob.patch(f"{url}/{bob.pk}", {"role": "member"}, format="json"), 400, "validation_error"
    )


def test_system_messages_cannot_be_edited_deleted_or_reported(group, as_alice, alice):
    first = group["last_message"]["id"]
    body = {"content": "rewritten"}
    envelope_error(
        as_alice.patch(f"/api/messages/{first}", body, format="json"), 400, "validation_error"
    )
    envelope_error(as_alice.delete(f"/api/messages/{first}"), 400, "validation_error")
    report = {"reason": "spam"}
    envelope_error(
        as_alice.post(f"/api/messages/{first}/report", report, format="json"),
        400,
        "validation_error",
    )


def test_blocks_do_not_hide_group_messages_but_stop_direct_ones(group, alice, bob):
    user_block(user=bob, target=alice)
    assert message_send(sender=alice, chat_id=group["id"], content="still heard").created
    sent = message_send(sender=alice, chat_id=group["id"], content="v1").message
    assert message_edit(user=alice, message_id=sent.pk, content="v2")["content"] == "v2"


def test_is_read_needs_every_other_member_and_readers_say_who(
    group, alice, bob, carol, as_alice, as_bob, as_carol
):
    sent = message_send(sender=alice, chat_id=group["id"], content="hi").message
    envelope_data(
        as_bob.post(f"/api/chats/{group['id']}/read", {"up_to_seq": sent.seq}, format="json")
    )
    readers = envelope_data(as_alice.get(f"/api/messages/{sent.pk}/readers"))
    assert [u["id"] for u in readers] == [str(bob.pk)]
    history = envelope_data(as_alice.get(f"/api/chats/{group['id']}/messages"))
    assert history[-1]["is_read"] is False
    body = {"up_to_seq": sent.seq}
    envelope_data(as_carol.post(f"/api/chats/{group['id']}/read", body, format="json"))
    history = envelope_data(as_alice.get(f"/api/chats/{group['id']}/messages"))
    assert history[-1]["is_read"] is True
    assert envelope_data(as_carol.get(f"/api/chats/{group['id']}"))["unread_count"] == 0


def test_the_chat_list_and_history_cost_the_same_for_2_and_200_members(alice, as_alice):
    small = envelope_data(create(as_alice, "Small", [UserFactory().pk]), 201)
    for n in range(5):
        message_send(sender=alice, chat_id=small["id"], content=f"m{n}")
    with assert_queries() as few_list:
        envelope_data(as_alice.get("/api/chats"))
    with assert_queries() as few_history:
        envelope_data(as_alice.get(f"/api/chats/{small['id']}/messages"))
    ChatMember.objects.all().delete()
    big = envelope_data(create(as_alice, "Big", [u.pk for u in UserFactory.create_batch(199)]), 201)
    assert big["member_count"] == 200
    for n in range(5):
        message_send(sender=alice, chat_id=big["id"], content=f"m{n}")
    with assert_queries() as many_list:
        chats = envelope_data(as_alice.get("/api/chats"))
    with assert_queries() as many_history:
        envelope_data(as_alice.get(f"/api/chats/{big['id']}/messages"))
    assert len(chats) == 1 and len(chats[0]["members"]) == 200
    assert_same_queries(few_list, many_list)
    assert_same_queries(few_history, many_history)


@pytest.mark.django_db(transaction=True)
def test_two_admins_adding_the_200th_member_at_once_never_make_201(postgres):
    owner = UserFactory()
    from messaging.services.groups import group_add_members, group_change_role, group_create

    others = UserFactory.create_batch(198)
    chat = group_create(owner=owner, title="Big", user_ids=[u.pk for u in others])
    for admin in others[:2]:
        group_change_role(actor=owner, chat_id=chat.pk, user_id=admin.pk, role="admin")
    newcomers = UserFactory.create_batch(2)
    results = at_once(
        [
            lambda a=admin, n=newcomer: group_add_members(actor=a, chat_id=chat.pk, user_ids=[n.pk])
            for admin, newcomer in zip(others[:2], newcomers, strict=True)
        ]
    )
    assert ChatMember.objects.filter(chat=chat).count() == 200
    assert sum(isinstance(r, list) for r in results) == 1, results


def _leave_and_hand_over_at_once(owner, heir, chat) -> None:
    from messaging.services.groups import group_change_role, group_remove_member

    at_once(
        [
            lambda: group_remove_member(actor=owner, chat_id=chat.pk, user_id=owner.pk),
            lambda: group_change_role(actor=owner, chat_id=chat.pk, user_id=heir.pk, role="owner"),
        ]
    )


@pytest.mark.django_db(transaction=True)
def test_the_owner_leaving_while_promoting_never_makes_zero_or_two_owners(postgres):
    from messaging.services.groups import group_create

    assert connection.vendor == "postgresql"
    for _ in range(3):
        owner, heir, other = UserFactory(), UserFactory(), UserFactory()
        chat = group_create(owner=owner, title="G", user_ids=[heir.pk, other.pk])
        _leave_and_hand_over_at_once(owner, heir, chat)
        assert ChatMember.objects.filter(chat=chat, role="owner").count() == 1


def test_a_cut_off_owners_groups_pass_to_the_next_owner(
    group, alice, carol, as_alice, django_capture_on_commit_callbacks
):
    envelope_data(
        as_alice.patch(
            f"/api/chats/{group['id']}/members/{carol.pk}", {"role": "admin"}, format="json"
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        user_deactivate(user=alice)
    roles = dict(ChatMember.objects.filter(chat_id=group["id"]).values_list("user_id", "role"))
    assert roles[carol.pk] == "owner" and roles[alice.pk] == "admin"
    assert system_events(group["id"])[-1][1:] == ("owner_changed", [str(carol.pk)])
