"""Seq allocation: one ``UPDATE … RETURNING`` on the chat row, inside the writer's transaction.

The row stays locked until the transaction ends, so concurrent writers of one chat queue
here and seqs never gap or clash; every other write that must not interleave with a send
(membership changes) takes the same row lock.
"""

from django.db import connection

from chats.models import Chat, ChatMember


def seq_allocate(chat_id, now, *, member_id=None) -> tuple[int, str] | None:
    """Raise the chat's ``last_seq`` by one: ``(seq, chat kind)``.

    With ``member_id``, only if that user is a member (else None, and nothing is locked).
    """
    chats, members = Chat._meta.db_table, ChatMember._meta.db_table
    params = [
        Chat._meta.get_field("updated_at").get_db_prep_value(now, connection),
        Chat._meta.pk.get_db_prep_value(chat_id, connection),
    ]
    membership = ""
    if member_id is not None:
        membership = (
            f" AND EXISTS (SELECT 1 FROM {members} m"  # noqa: S608
            f" WHERE m.chat_id = {chats}.id AND m.user_id = %s)"
        )
        user_field = ChatMember._meta.get_field("user").target_field
        params.append(user_field.get_db_prep_value(member_id, connection))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {chats} SET last_seq = last_seq + 1, updated_at = %s "  # noqa: S608
            f"WHERE id = %s{membership} RETURNING last_seq, kind",
            params,
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None
