"""Full-text index over Article.search_tokens (jieba tokens): FTS5 on SQLite, GIN tsvector on
PostgreSQL; the same scheme as cases 0003_search."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE knowledge_article_fts USING fts5(search_tokens, content='knowledge_article', "
    "content_rowid='id')",
    """CREATE TRIGGER knowledge_article_fts_ai AFTER INSERT ON knowledge_article BEGIN
         INSERT INTO knowledge_article_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens);
       END""",
    """CREATE TRIGGER knowledge_article_fts_ad AFTER DELETE ON knowledge_article BEGIN
         INSERT INTO knowledge_article_fts(knowledge_article_fts, rowid, search_tokens)
         VALUES ('delete', old.id, old.search_tokens);
       END""",
    """CREATE TRIGGER knowledge_article_fts_au AFTER UPDATE OF search_tokens ON knowledge_article BEGIN
         INSERT INTO knowledge_article_fts(knowledge_article_fts, rowid, search_tokens)
         VALUES ('delete', old.id, old.search_tokens);
         INSERT INTO knowledge_article_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens);
       END""",
    "INSERT INTO knowledge_article_fts(knowledge_article_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS knowledge_article_fts_ai", "DROP TRIGGER IF EXISTS knowledge_article_fts_ad",
    "DROP TRIGGER IF EXISTS knowledge_article_fts_au", "DROP TABLE IF EXISTS knowledge_article_fts",
]
POSTGRES = ["CREATE INDEX knowledge_article_search_gin ON knowledge_article "
            "USING GIN (to_tsvector('simple', search_tokens))"]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS knowledge_article_search_gin"]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]
    operations = [migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                                       _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}))]
