"""Working the moderation queue in the admin, as a member of "Moderators"."""

import pytest
from django.contrib.auth.models import Group

from accounts.models import AuthSession, User
from messaging.services import message_send
from moderation.groups import MODERATORS
from moderation.models import ModerationAction, Report
from moderation.services import report_message, report_user
from tests.helpers import admin_client_for, sign_in

pytestmark = pytest.mark.django_db
QUEUE = "/admin/moderation/report/"


@pytest.fixture
def moderator():
    user = User.objects.create_user(
        phone="+79990000002", username="mod_anna", display_name="Anna", password="x-Strong-pass-1"
    )
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=MODERATORS))
    return user


@pytest.fixture
def mod_client(moderator):
    client = admin_client_for(moderator)
    return client


@pytest.fixture
def reported(alice, bob, chat):
    for n in range(5):
        message_send(sender=bob, chat_id=chat.pk, content=f"before {n}")
    spam = message_send(sender=alice, chat_id=chat.pk, content="buy <b>pills</b>").message
    message_send(sender=bob, chat_id=chat.pk, content="after 0")
    report, _ = report_message(reporter=bob, message_id=spam.pk, reason="spam", text="ads")
    return report


def act(client, action, report, reason="confirmed spam"):
    return client.post(
        QUEUE,
        {"action": action, "_selected_action": [str(report.pk)], "apply": "yes", "reason": reason},
        follow=True,
    )


def test_the_moderators_group_has_only_what_it_needs():
    codenames = set(
        Group.objects.get(name=MODERATORS).permissions.values_list("codename", flat=True)
    )
    assert codenames == {
        "view_user", "view_chat", "view_chatmember", "view_message", "view_report",
        "view_moderationaction", "moderate",
    }  # fmt: skip


def test_the_queue_shows_open_reports_with_the_message_in_context(mod_client, reported):
    page = mod_client.get(QUEUE)
    assert page.status_code == 200 and b"buy &lt;b&gt;pills&lt;/b&gt;" in page.content
    detail = mod_client.get(f"{QUEUE}{reported.pk}/change/")
    assert detail.status_code == 200
    for text in [b"before 2", b"before 4", b"after 0"]:
        assert text in detail.content
    assert b"before 1" not in detail.content  # only a few messages either side
    assert b"<b>pills</b>" not in detail.content  # escaped, never rendered


def test_an_action_first_asks_for_a_reason(mod_client, reported):
    page = mod_client.post(
        QUEUE, {"action": "dismiss_reports", "_selected_action": [str(reported.pk)]}
    )
    assert page.status_code == 200 and b'name="reason"' in page.content
    reported.refresh_from_db()
    assert reported.status == "open"


def test_deleting_the_reported_message_is_told_and_recorded(
    mod_client, moderator, reported, alice, bob, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = act(mod_client, "delete_reported_messages", reported)
    assert response.status_code == 200
    message = reported.target_message
    message.refresh_from_db()
    assert message.deleted and message.content == ""
    assert [e["type"] for _, e in published] == ["message.deleted"]
    assert published[0][0] == {alice.pk, bob.pk}
    reported.refresh_from_db()
    assert reported.status == "actioned" and reported.resolved_by == moderator
    action = ModerationAction.objects.get()
    assert (action.moderator, action.kind, action.reason) == (
        moderator,
        "delete_message",
        "confirmed spam",
    )
    assert action.target_message == message and action.report == reported


def test_deactivating_the_reported_user_cuts_them_off_and_is_recorded(
    mod_client, moderator, reported, alice, api
):
    tokens = sign_in(alice)
    act(mod_client, "deactivate_reported_users", reported, reason="repeat spammer")
    alice.refresh_from_db()
    assert alice.is_active is False
    assert not AuthSession.objects.filter(user=alice, revoked_at__isnull=True).exists()
    me = api.get("/api/users/me", HTTP_AUTHORIZATION=f"Bearer {tokens.access}")
    assert me.status_code == 401
    assert ModerationAction.objects.get().kind == "deactivate_user"


def test_dismissing_is_recorded_and_leaves_the_queue(mod_client, moderator, reported, bob, alice):
    other = report_user(reporter=bob, user_id=alice.pk, reason="other")[0]
    act(mod_client, "dismiss_reports", reported, reason="not spam")
    reported.refresh_from_db()
    assert reported.status == "dismissed"
    assert Report.objects.get(pk=other.pk).status == "open"
    page = mod_client.get(QUEUE)
    assert str(reported.pk).encode() not in page.content
    log = mod_client.get("/admin/moderation/moderationaction/")
    assert log.status_code == 200 and b"not spam" in log.content


def test_staff_without_the_moderate_permission_cannot_act(reported):
    staff = User.objects.create_user(
        phone="+79990000003", username="viewer_1", display_name="V", password="x-Strong-pass-1"
    )
    staff.is_staff = True
    staff.save()
    group = Group.objects.create(name="Viewers")
    from django.contrib.auth.models import Permission

    group.permissions.add(Permission.objects.get(codename="view_report"))
    staff.groups.add(group)
    client = admin_client_for(staff)
    assert client.get(QUEUE).status_code == 200
    act(client, "dismiss_reports", reported)
    reported.refresh_from_db()
    assert reported.status == "open"
    assert not ModerationAction.objects.exists()
