"""Text features: cleaned title and body as hashed character n-grams and jieba words, TF-IDF weighted.

Speed is the design constraint: intake asks for a suggestion on every submission and a bulk
re-evaluation runs over tens of thousands of cases, yet scikit-learn's character analyzer and
jieba's precise mode both walk the text in Python (about 2 ms for a 400-character message). Here
the n-grams of a whole batch are computed at once with numpy: each text becomes an array of code
points and every n-gram a 64-bit polynomial hash, looked up in the sorted hashes of the fitted
vocabulary. Words come from jieba at fit time only: the vocabulary is the words jieba finds in the
training texts (precise mode), and a text's words are then found as those of its 2..MAX_WORD-grams
that are vocabulary words (what jieba's full mode would list), by the same hashing. 64-bit hashes
of at most a few million distinct n-grams collide with negligible probability, so the vocabulary is
exact in practice.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import jieba
import numpy as np
import scipy.sparse as sp

jieba.setLogLevel(logging.WARNING)

_SPACE = re.compile(r"\s+")
# Control and format characters other than whitespace (C0, C1, zero-width and direction marks).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_PRIME = np.uint64(1_000_003)
_SALT = np.uint64(0x9E3779B97F4A7C15)
_DOC_MIX = np.uint64(0xC2B2AE3D27D4EB4F)
MAX_WORD = 6
_EXTRA_DF: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}


def clean(text: str | None) -> str:
    """One line of normalised text: NFKC (full-width letters and digits, the ideographic space
    U+3000 become their plain forms), lower case, whitespace runs one space, no control characters.
    The message-board exports carry leading and trailing \\n\\t and U+3000 padding."""
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    return _SPACE.sub(" ", _CONTROL.sub("", text)).strip()


def _code_points(texts: Sequence[str], max_chars: int) -> tuple[np.ndarray, np.ndarray]:
    """Code points of all texts joined by NUL, and the index of the text each position belongs to."""
    parts = [t[:max_chars].replace("\x00", " ") for t in texts]
    joined = "\x00".join(parts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter((len(p) + 1 for p in parts), count=len(parts), dtype=np.int64)
    doc = np.repeat(np.arange(len(parts), dtype=np.int64), lengths)[: len(codes)]
    return codes, doc


def ngram_hashes(
    texts: Sequence[str], n_min: int, n_max: int, max_chars: int = 4000
) -> tuple[np.ndarray, np.ndarray]:
    """(text index, hash) of every character n-gram, n_min <= n <= n_max, within each text."""
    codes, doc = _code_points(texts, max_chars)
    size = len(codes)
    if size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    # How many separators lie before each position: a window is inside one text when that count
    # is the same at both ends.
    seps = np.concatenate(([0], np.cumsum(codes == 0)))
    h = np.zeros(size, dtype=np.uint64)
    docs_out, hashes_out = [], []
    with np.errstate(over="ignore"):
        for n in range(1, n_max + 1):
            if size - n + 1 <= 0:
                break
            # h[i] is the hash of codes[i:i+n]; extend each window by its next code point.
            h = h[: size - n + 1] * _PRIME + codes[n - 1 :]
            if n < n_min:
                continue
            starts = np.arange(size - n + 1)
            inside = seps[starts + n] == seps[starts]
            docs_out.append(doc[: size - n + 1][inside])
            hashes_out.append(h[inside] ^ (_SALT * np.uint64(n)))
    if not hashes_out:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    return np.concatenate(docs_out), np.concatenate(hashes_out)


def word_hashes(words: Sequence[str]) -> np.ndarray:
    """The n-gram hash each word has inside a text (the function of ngram_hashes, in plain ints)."""
    mask, prime, salt = (1 << 64) - 1, int(_PRIME), int(_SALT)
    out = []
    for word in words:
        if 2 <= len(word) <= MAX_WORD and "\x00" not in word:
            h = 0
            for ch in word:
                h = (h * prime + ord(ch)) & mask
            out.append(h ^ ((salt * len(word)) & mask))
    return np.asarray(out, dtype=np.uint64)


def _is_word(token: str) -> bool:
    return len(token) >= 2 and any(ch.isalnum() for ch in token)


@dataclass
class HashedTfidf:
    """TF-IDF over hashed n-grams (sublinear tf, smoothed idf, l2 rows), vocabulary fitted on texts.

    With `words=True` the vocabulary is restricted to jieba's words of the fitting texts."""

    n_min: int = 1
    n_max: int = 3
    min_df: int = 1
    words: bool = False
    max_chars: int = 4000
    vocab: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    _table: dict[int, int] | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict:
        # The lookup dict is rebuilt on first use rather than pickled (several times the vocabulary's size).
        return {**self.__dict__, "_table": None}

    def _hashes(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        if self.words:
            return ngram_hashes(texts, 2, MAX_WORD, self.max_chars)
        return ngram_hashes(texts, self.n_min, self.n_max, self.max_chars)

    def _document_frequencies(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Sorted distinct n-gram hashes of `texts` and how many texts hold each."""
        doc, hashes = self._hashes(texts)
        # Distinct (text, n-gram) pairs through one 1-D sort of a mixed key.
        with np.errstate(over="ignore"):
            key = hashes ^ (doc.astype(np.uint64) * _DOC_MIX)
        _, first = np.unique(key, return_index=True)
        return np.unique(hashes[first], return_counts=True)

    def _extra_frequencies(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        # The same unlabelled corpus comes back for every cross-validation fold: count it once.
        digest = hashlib.blake2b(digest_size=16)
        for text in texts:
            digest.update(text.encode("utf-8", "surrogatepass") + b"\x00")
        key = (self.n_min, self.n_max, self.words, self.max_chars, len(texts), digest.hexdigest())
        if key not in _EXTRA_DF:
            if len(_EXTRA_DF) >= 8:
                _EXTRA_DF.pop(next(iter(_EXTRA_DF)))
            _EXTRA_DF[key] = self._document_frequencies(texts)
        return _EXTRA_DF[key]

    def fit(self, texts: Sequence[str], extra_texts: Sequence[str] = ()) -> HashedTfidf:
        """Vocabulary from `texts`; document frequencies from `texts` and `extra_texts` (unlabelled
        messages of the same kind make the idf far less noisy than a thousand labelled ones)."""
        terms, df = self._document_frequencies(texts)
        n_docs = len(texts) + len(extra_texts)
        if len(extra_texts) and len(terms):
            extra_terms, extra_df = self._extra_frequencies(extra_texts)
            if len(extra_terms):
                at = np.minimum(np.searchsorted(extra_terms, terms), len(extra_terms) - 1)
                df = df + np.where(extra_terms[at] == terms, extra_df[at], 0)
        keep = df >= self.min_df
        if self.words:
            seen: set[str] = set()
            for text in texts:
                for token in jieba.cut(text[: self.max_chars], HMM=False):
                    if _is_word(token):
                        seen.add(token)
            keep &= np.isin(terms, np.unique(word_hashes(sorted(seen))))
        self.vocab = terms[keep]
        self._table = None
        self.idf = np.log((1.0 + max(n_docs, 1)) / (1.0 + df[keep])) + 1.0
        return self

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        doc, hashes = self._hashes(texts)
        n_rows, n_cols = len(texts), len(self.vocab)
        if n_cols == 0 or len(hashes) == 0:
            return sp.csr_matrix((n_rows, n_cols))
        table = self._table
        if table is None:
            table = self._table = dict(zip(self.vocab.tolist(), range(n_cols), strict=True))
        # A dict probe per n-gram beats a binary search of a large sorted array (a cache miss
        # per step) and any numpy hash table (too many passes for one short message).
        get = table.get
        col = np.array([get(h, -1) for h in hashes.tolist()], dtype=np.int64)
        hit = col >= 0
        key, counts = np.unique(doc[hit] * n_cols + col[hit], return_counts=True)
        rows, cols = np.divmod(key, n_cols)
        data = (1.0 + np.log(counts)) * self.idf[cols]
        indptr = np.searchsorted(rows, np.arange(n_rows + 1))
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=n_rows))
        norms[norms == 0] = 1.0
        data = data / norms[rows]
        return sp.csr_matrix((data, cols.astype(np.int32), indptr), shape=(n_rows, n_cols))


@dataclass
class Block:
    """One weighted feature block: a field ("title", "body" or "all") through one vectorizer."""

    field: str
    vectorizer: HashedTfidf
    weight: float = 1.0


def _field(field_name: str, titles: Sequence[str], bodies: Sequence[str]) -> list[str]:
    if field_name == "title":
        return list(titles)
    if field_name == "body":
        return list(bodies)
    return [f"{t} {b}" for t, b in zip(titles, bodies, strict=True)]


@dataclass
class TextFeatures:
    """Title and body through several blocks, stacked side by side (title weighted apart from body:
    a title says in ten characters what the body says in four hundred)."""

    blocks: list[Block]

    def fit(
        self,
        titles: Sequence[str],
        bodies: Sequence[str],
        extra: tuple[Sequence[str], Sequence[str]] | None = None,
    ) -> TextFeatures:
        titles, bodies = [clean(t) for t in titles], [clean(b) for b in bodies]
        extra_t, extra_b = ([clean(t) for t in extra[0]], [clean(b) for b in extra[1]]) if extra else ([], [])
        for block in self.blocks:
            block.vectorizer.fit(_field(block.field, titles, bodies), _field(block.field, extra_t, extra_b))
        return self

    def transform(self, titles: Sequence[str], bodies: Sequence[str]) -> sp.csr_matrix:
        titles, bodies = [clean(t) for t in titles], [clean(b) for b in bodies]
        return sp.hstack(
            [
                block.weight * block.vectorizer.transform(_field(block.field, titles, bodies))
                for block in self.blocks
            ],
            format="csr",
        )

    @property
    def n_features(self) -> int:
        return sum(len(block.vectorizer.vocab) for block in self.blocks)
