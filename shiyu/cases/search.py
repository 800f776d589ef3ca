"""Chinese full-text search over jieba tokens plus a character stream (see core.text.tokens),
indexed by FTS5 on SQLite and a GIN tsvector on PostgreSQL."""

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from shiyu.core.text import query_terms

MAX_TERMS = 12


def _fts5(terms: list[tuple[str, list[str]]]) -> str:
    parts = []
    for word, chars in terms:
        if len(chars) > 1:
            parts.append(f'("{word}" OR "{" ".join(chars)}")')
        else:
            parts.append(f'"{word}"')
    return " AND ".join(parts)


def _tsquery(terms: list[tuple[str, list[str]]]) -> str:
    parts = []
    for word, chars in terms:
        if len(chars) > 1:
            phrase = " <-> ".join(f"'{ch}'" for ch in chars)
            parts.append(f"('{word}' | ({phrase}))")
        else:
            parts.append(f"'{word}'")
    return " & ".join(parts)


def apply_search(qs: QuerySet, query: str) -> QuerySet:
    # Terms hold word characters only (core.text._word), so quoting them cannot break the syntax.
    terms = query_terms(query)[:MAX_TERMS]
    if not terms:
        return qs
    if connection.vendor == "sqlite":
        return qs.filter(pk__in=RawSQL(  # noqa: S611  (parameterised; the table is ours, see 0003_search)
            "SELECT rowid FROM cases_case_fts WHERE cases_case_fts MATCH %s", [_fts5(terms)]))
    if connection.vendor == "postgresql":
        return qs.annotate(_fts=RawSQL(  # noqa: S611  (parameterised)
            "to_tsvector('simple', cases_case.search_tokens) @@ to_tsquery('simple', %s)",
            [_tsquery(terms)], output_field=BooleanField())).filter(_fts=True)
    for word, _chars in terms:
        qs = qs.filter(search_tokens__contains=word)
    return qs
