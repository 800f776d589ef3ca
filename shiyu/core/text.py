"""Chinese text helpers: segmentation for full-text search and input hygiene."""

import logging
import unicodedata

import jieba

jieba.setLogLevel(logging.WARNING)

_CONTROL = {"Cc", "Cf", "Cs", "Co", "Cn"}


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _word(token: str) -> str:
    """A token reduced to word characters, lower-cased (safe inside FTS5 and tsquery syntax)."""
    return "".join(ch for ch in token.lower() if ch.isalnum() or ch == "_")


def tokens(text: str) -> list[str]:
    """Index tokens: jieba's search-mode words, then every CJK character in text order.

    The words give relevance; the character stream makes any Chinese substring findable as a
    phrase of single characters, whatever jieba decided ("烧烤摊油烟" is cut 摊油/烟熏, yet
    "油 烟" still matches as adjacent characters).
    """
    out: list[str] = []
    seen: set[str] = set()
    # HMM off: new-word guessing costs a third of the time, and the character stream below
    # already finds words jieba does not know.
    for raw in jieba.cut_for_search(text or "", HMM=False):
        word = _word(raw)
        if word and word not in seen:
            seen.add(word)
            out.append(word)
    out.extend(ch for ch in (text or "") if _is_cjk(ch))
    return out


def token_string(*parts: str) -> str:
    return " ".join(tokens(" ".join(p for p in parts if p)))


def query_terms(query: str) -> list[tuple[str, list[str]]]:
    """Each query word with its CJK characters: a case matches a word if it has the word as a
    token or the characters as a phrase."""
    terms = []
    for raw in jieba.cut(query or "", HMM=False):
        word = _word(raw)
        if word:
            terms.append((word, [ch for ch in word if _is_cjk(ch)]))
    return terms


def query_tokens(query: str) -> list[str]:
    return [word for word, _ in query_terms(query)]


def clean(text: str) -> str:
    """Normalise submitted text: NFC, no control characters except newlines and tabs."""
    text = unicodedata.normalize("NFC", text or "")
    return "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in _CONTROL
    ).strip()


def warm_up() -> None:
    """Load jieba's dictionary now (about a second) rather than in some user's first search.
    Called when the WSGI application loads; with gunicorn --preload the workers share it."""
    jieba.initialize()
