"""The message search index (messaging/search.py): a partial GIN index over the Russian and
English text-search vectors of text messages not deleted. PostgreSQL only; SQLite searches
by substring and needs none."""

from django.db import migrations

INDEX = "message_search"
VECTOR = (
    "(to_tsvector('russian'::regconfig, translate(content, 'Ёё', 'Ее')) || "
    "to_tsvector('english'::regconfig, translate(content, 'Ёё', 'Ее')))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON messaging_message USING gin ({VECTOR}) "
        "WHERE kind = 'text' AND deleted_at IS NULL"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ('messaging', '0005_attachments'),
    ]

    operations = [migrations.RunPython(create, drop)]
