"""Full-text index over Case.search_tokens (jieba tokens): FTS5 on SQLite, GIN tsvector on PostgreSQL."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE cases_case_fts USING fts5(search_tokens, content='cases_case', content_rowid='id')",
    """CREATE TRIGGER cases_case_fts_ai AFTER INSERT ON cases_case BEGIN
         INSERT INTO cases_case_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens);
       END""",
    """CREATE TRIGGER cases_case_fts_ad AFTER DELETE ON cases_case BEGIN
         INSERT INTO cases_case_fts(cases_case_fts, rowid, search_tokens)
         VALUES ('delete', old.id, old.search_tokens);
       END""",
    """CREATE TRIGGER cases_case_fts_au AFTER UPDATE OF search_tokens ON cases_case BEGIN
         INSERT INTO cases_case_fts(cases_case_fts, rowid, search_tokens)
         VALUES ('delete', old.id, old.search_tokens);
         INSERT INTO cases_case_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens);
       END""",
    "INSERT INTO cases_case_fts(cases_case_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS cases_case_fts_ai", "DROP TRIGGER IF EXISTS cases_case_fts_ad",
    "DROP TRIGGER IF EXISTS cases_case_fts_au", "DROP TABLE IF EXISTS cases_case_fts",
]
POSTGRES = ["CREATE INDEX cases_case_search_gin ON cases_case USING GIN (to_tsvector('simple', search_tokens))"]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS cases_case_search_gin"]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_default_policy")]
    operations = [migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                                       _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}))]
