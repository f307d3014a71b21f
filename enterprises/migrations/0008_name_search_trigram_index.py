"""Name search by index on PostgreSQL: pg_trgm and a trigram GIN index of the name with every character
doubled (see enterprises/search.py). Nothing on other databases, which search by a plain LIKE."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "enterprise_name_doubled_trgm"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON enterprises_enterprise "
    r"USING gin ((regexp_replace(name, '(.)', '\1\1', 'g')) gin_trgm_ops)"
)
DROP = f"DROP INDEX IF EXISTS {INDEX}"


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0007_entity_kind_strict_codes_district_moves")]

    operations = [
        TrigramExtension(),  # a no-op on other databases
        migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP)),
    ]
