"""factory_boy factories: people, chats and messages straight into the tables.

Tests of a rule call the service; tests that only need rows to exist (lists, query counts,
the admin) build them here, quickly and in bulk.
"""

import factory
from django.db.models import F

from accounts.models import User
from chats.models import Chat, ChatMember
from messaging.models import Message


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"+7916{n:07d}")
    username = factory.Sequence(lambda n: f"person_{n:05d}")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    # Saved with the row (a post-generation call was never saved, so force_login broke).
    password = factory.django.Password(None)


class ChatFactory(factory.django.DjangoModelFactory):
    """A direct chat; ``ChatFactory(members=[a, b])`` picks its two people (else two new)."""

    class Meta:
        model = Chat
        skip_postgeneration_save = True

    kind = Chat.Kind.DIRECT

    @factory.post_generation
    def members(chat: Chat, create: bool, extracted, **kwargs) -> None:
        if not create:
            return
        people = list(extracted) if extracted else UserFactory.create_batch(2)
        ChatMember.objects.bulk_create([ChatMember(chat=chat, user=user) for user in people])
        if chat.kind == Chat.Kind.DIRECT and len(people) == 2:
            chat.direct_key = Chat.direct_key_for(people[0].pk, people[1].pk)
            chat.save(update_fields=["direct_key"])


class MessageFactory(factory.django.DjangoModelFactory):
    """A message that takes its chat's next seq; the sender defaults to the first member."""

    class Meta:
        model = Message

    chat = factory.SubFactory(ChatFactory)
    sender = factory.LazyAttribute(lambda message: message.chat.memberships.first().user)
    content = factory.Sequence(lambda n: f"message {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        chat = kwargs["chat"]
        Chat.objects.filter(pk=chat.pk).update(last_seq=F("last_seq") + 1)
        chat.refresh_from_db(fields=["last_seq"])
        kwargs.setdefault("seq", chat.last_seq)
        return super()._create(model_class, *args, **kwargs)
