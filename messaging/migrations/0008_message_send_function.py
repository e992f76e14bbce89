"""``tether_message_send``: a plain text send as one statement (``messaging.send_statement``).

A PL/pgSQL function so that one call is one round trip, and yet its statements run in
order, each with its own snapshot: the locks are taken first, and the checks that follow see
whatever committed while they were awaited (a block, a membership change), exactly as on the
ORM path. It stores the message only when every rule holds, and otherwise stores nothing and
says whether the session was the reason. PostgreSQL only (SQLite sends go the ORM way).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION tether_message_send(
    p_session uuid, p_sender uuid, p_chat uuid, p_id uuid, p_content text,
    p_client_id varchar, p_now timestamptz, p_oldest timestamptz, p_blocks_lock bigint,
    p_touch_before timestamptz
) RETURNS TABLE (stored_seq bigint, session_live boolean, draft_cleared boolean,
                 member_ids uuid[])
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    -- As blocks_hold_steady: no block by or of the sender commits until this one does.
    PERFORM pg_advisory_xact_lock_shared(p_blocks_lock);
    -- As seq_allocate: sends and membership changes of one chat take turns.
    PERFORM 1 FROM chats_chat WHERE id = p_chat FOR NO KEY UPDATE;
    -- As session_touch: the sign-in's last use, at most once per interval.
    UPDATE accounts_authsession SET last_used_at = p_now
    WHERE id = p_session AND user_id = p_sender AND last_used_at < p_touch_before;
    RETURN QUERY
    WITH live AS (
        SELECT 1 FROM accounts_authsession s JOIN accounts_user u ON u.id = s.user_id
        WHERE s.id = p_session AND s.user_id = p_sender AND s.revoked_at IS NULL
          AND u.is_active AND s.created_at > p_oldest
    ), repeat AS (
        SELECT 1 FROM messaging_message m
        WHERE p_client_id IS NOT NULL AND m.sender_id = p_sender AND m.client_id = p_client_id
    ), me AS (
        SELECT 1 FROM chats_chatmember WHERE chat_id = p_chat AND user_id = p_sender
    ), blocked AS (
        SELECT 1 FROM chats_chatmember o JOIN accounts_block b
          ON (b.blocker_id = p_sender AND b.blocked_id = o.user_id)
          OR (b.blocked_id = p_sender AND b.blocker_id = o.user_id)
        WHERE o.chat_id = p_chat AND o.user_id <> p_sender
    ), chat AS (
        UPDATE chats_chat c SET last_seq = c.last_seq + 1, updated_at = p_now
        WHERE c.id = p_chat
          AND EXISTS (SELECT 1 FROM live) AND NOT EXISTS (SELECT 1 FROM repeat)
          AND EXISTS (SELECT 1 FROM me)
          AND (c.kind <> 'direct' OR NOT EXISTS (SELECT 1 FROM blocked))
        RETURNING c.last_seq
    ), stored AS (
        INSERT INTO messaging_message (id, chat_id, seq, sender_id, kind, content, system,
            client_id, reply_to_id, forwarded_from_user_id, forwarded_from_name, created_at,
            edited_at, deleted_at)
        SELECT p_id, p_chat, chat.last_seq, p_sender, 'text', p_content, NULL, p_client_id,
            NULL, NULL, '', p_now, NULL, NULL
        FROM chat
        RETURNING messaging_message.seq
    ), undrafted AS (
        UPDATE chats_chatmember cm SET draft = '', draft_updated_at = p_now
        WHERE cm.chat_id = p_chat AND cm.user_id = p_sender AND cm.draft <> ''
          AND EXISTS (SELECT 1 FROM stored)
        RETURNING 1
    )
    SELECT
        (SELECT stored.seq FROM stored),
        EXISTS (SELECT 1 FROM live),
        EXISTS (SELECT 1 FROM undrafted),
        ARRAY(SELECT cm.user_id FROM chats_chatmember cm WHERE cm.chat_id = p_chat);
END
$$
"""

DROP = (
    "DROP FUNCTION IF EXISTS tether_message_send("
    "uuid, uuid, uuid, uuid, text, varchar, timestamptz, timestamptz, bigint, timestamptz)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0007_message_search_vector"),
        ("chats", "0003_drafts_and_mute"),
        ("accounts", "0004_privacy"),
    ]

    operations = [migrations.RunPython(create, drop)]
