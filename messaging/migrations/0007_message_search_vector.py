"""Search reads a stored vector: a generated column beside ``content`` with the GIN index on
it, so that rechecking a match (the common words of a long history) reads the vector instead
of computing two text-search vectors per row again. PostgreSQL only."""

from django.db import migrations

VECTOR = (
    "(to_tsvector('russian'::regconfig, translate(content, 'Ёё', 'Ее')) || "
    "to_tsvector('english'::regconfig, translate(content, 'Ёё', 'Ее')))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS message_search")
    schema_editor.execute(
        "ALTER TABLE messaging_message ADD COLUMN IF NOT EXISTS search_vector tsvector "
        f"GENERATED ALWAYS AS ({VECTOR}) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS message_search ON messaging_message USING gin "
        "(search_vector) WHERE kind = 'text' AND deleted_at IS NULL"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS message_search")
    schema_editor.execute("ALTER TABLE messaging_message DROP COLUMN IF EXISTS search_vector")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS message_search ON messaging_message USING gin ({VECTOR}) "
        "WHERE kind = 'text' AND deleted_at IS NULL"
    )


class Migration(migrations.Migration):
    dependencies = [("messaging", "0006_message_search")]

    operations = [migrations.RunPython(create, drop)]
