"""Chinese text helpers: segmentation for full-text search and input hygiene."""

import logging
import re
import unicodedata

import jieba

jieba.setLogLevel(logging.WARNING)

_WORD = re.compile(r"\w", re.UNICODE)
_CONTROL = {"Cc", "Cf", "Cs", "Co", "Cn"}


def tokens(text: str) -> list[str]:
    """Search tokens: jieba words (search mode) plus single CJK characters.

    Single characters make one-character queries work; lower-casing makes Latin
    words match regardless of case.
    """
    out: list[str] = []
    seen: set[str] = set()
    for word in jieba.cut_for_search(text or ""):
        word = word.strip().lower()
        if not word or not _WORD.search(word):
            continue
        if word not in seen:
            seen.add(word)
            out.append(word)
        if len(word) > 1 and any("\u4e00" <= ch <= "\u9fff" for ch in word):
            for ch in word:
                if ch not in seen and "\u4e00" <= ch <= "\u9fff":
                    seen.add(ch)
                    out.append(ch)
    return out


def token_string(*parts: str) -> str:
    return " ".join(tokens(" ".join(p for p in parts if p)))


def query_tokens(query: str) -> list[str]:
    """Tokens of a search box query: jieba's exact mode, so each word must match."""
    words = [w.strip().lower() for w in jieba.cut(query or "")]
    return [w for w in words if w and _WORD.search(w)]


def clean(text: str) -> str:
    """Normalise submitted text: NFC, no control characters except newlines and tabs."""
    text = unicodedata.normalize("NFC", text or "")
    return "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in _CONTROL
    ).strip()
