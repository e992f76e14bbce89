"""Every admin changelist moderators work in costs the same for 2 rows and 20."""

import pytest

from accounts.models import VerificationCode
from moderation.models import ModerationAction, Report
from tests.factories import ChatFactory, MessageFactory, UserFactory
from tests.helpers import assert_queries, assert_same_queries

pytestmark = pytest.mark.django_db


def _messages(n, staff):
    chat = ChatFactory()
    MessageFactory.create_batch(n, chat=chat)


def _chats(n, staff):
    ChatFactory.create_batch(n)


def _users(n, staff):
    UserFactory.create_batch(n)


def _reports(n, staff):
    for message in MessageFactory.create_batch(n):
        Report.objects.create(
            reporter=UserFactory(), target_user=message.sender, target_message=message,
            reason=Report.Reason.SPAM,
        )  # fmt: skip


def _actions(n, staff):
    for user in UserFactory.create_batch(n):
        ModerationAction.objects.create(
            moderator=staff, kind=ModerationAction.Kind.DEACTIVATE_USER, target_user=user,
            reason="spam",
        )  # fmt: skip


def _codes(n, staff):
    from datetime import timedelta

    from django.utils import timezone

    VerificationCode.objects.bulk_create(
        [
            VerificationCode(
                phone=f"+7916555{i:04d}",
                purpose="sign_in",
                code_hash="x",
                expires_at=timezone.now() + timedelta(minutes=5),
            )  # fmt: skip
            for i in range(n)
        ]
    )


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/admin/messaging/message/", _messages),
        ("/admin/chats/chat/", _chats),
        ("/admin/accounts/user/", _users),
        ("/admin/moderation/report/", _reports),
        ("/admin/moderation/moderationaction/", _actions),
        ("/admin/accounts/verificationcode/", _codes),
    ],
)
def test_a_changelist_costs_the_same_for_2_and_20_rows(admin_client, url, make):
    make(2, admin_client.staff)
    with assert_queries() as few:
        assert admin_client.get(url).status_code == 200
    make(18, admin_client.staff)
    with assert_queries() as many:
        assert admin_client.get(url).status_code == 200
    assert_same_queries(few, many)
