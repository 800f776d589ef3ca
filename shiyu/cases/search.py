"""Chinese full-text search: jieba tokens indexed by FTS5 (SQLite) or tsvector (PostgreSQL)."""

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from shiyu.core.text import query_tokens


def apply_search(qs: QuerySet, query: str) -> QuerySet:
    words = query_tokens(query)[:12]
    if not words:
        return qs
    if connection.vendor == "sqlite":
        match = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
        # Parameterised; the table is ours (see migration 0002_search).
        return qs.filter(pk__in=RawSQL(  # noqa: S611
            "SELECT rowid FROM cases_case_fts WHERE cases_case_fts MATCH %s", [match]))
    if connection.vendor == "postgresql":
        return qs.annotate(_fts=RawSQL(  # noqa: S611
            "to_tsvector('simple', cases_case.search_tokens) @@ plainto_tsquery('simple', %s)",
            [" ".join(words)], output_field=BooleanField())).filter(_fts=True)
    for word in words:
        qs = qs.filter(search_tokens__contains=word)
    return qs
