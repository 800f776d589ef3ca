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
from typing import TYPE_CHECKING

import jieba
import numpy as np
import scipy.sparse as sp

from shiyu.routing.classifier.hashtable import HashTable

if TYPE_CHECKING:
    from shiyu.routing.classifier.index import FeatureIndex

jieba.setLogLevel(logging.WARNING)

_SPACE = re.compile(r"\s+")
# Control and format characters other than whitespace (C0, C1, zero-width and direction marks).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_PRIME = np.uint64(1_000_003)
_SALT = np.uint64(0x9E3779B97F4A7C15)
MAX_WORD = 6
WORD_SAMPLE = 3000
_EXTRA_DF: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
_WIDE = re.compile("[\u3000\uff01-\uff5e]")
_NARROW = {chr(0x3000): " ", **{chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}}
# What says nothing of what a message is about, replaced by a space inside clean(): Excel's escaped
# control characters (_x000D_ and the like, left in exported cells), runs of five or more digits
# (phone numbers, ids, dates) and letter-coded place names (a市, k8县, as anonymised exports write
# them; not a市场 or a区域). The place codes are among the most frequent n-grams of a message, so
# the model learnt that a district means a category (cross-validated: +0.001 to +0.002 macro-F1).
_NOISE = re.compile(r"_x[0-9a-f]{4}_|\d{5,}|(?<![a-z])[a-z]\d{0,3}[省市区县州](?![场域])")


def clean(text: str | None, strip_noise: bool = False) -> str:
    """One line of normalised text: NFKC (full-width letters and digits, the ideographic space
    U+3000 become their plain forms), lower case, whitespace runs one space, no control characters.
    The message-board exports carry leading and trailing \\n\\t and U+3000 padding. With
    `strip_noise`, what says where rather than what is left out too (see _NOISE)."""
    text = str(text or "")
    # NFKC walks a Chinese text at ~0.2 µs a character (a fifth of the cost of classifying one
    # message); most texts need nothing from it but their full-width punctuation and U+3000,
    # mapped here to what NFKC maps them to (their compatibility decompositions, so the result is
    # the same), and the cheap quick check then tells whether anything else is left to normalise.
    text = _WIDE.sub(lambda match: _NARROW[match.group()], text)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    if strip_noise:
        text = _NOISE.sub(" ", text)
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
    parts = ngram_parts(texts, n_min, n_max, max_chars)
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    return np.concatenate([doc for _, doc, _ in parts]), np.concatenate([h for _, _, h in parts])


def ngram_parts(
    texts: Sequence[str], n_min: int, n_max: int, max_chars: int = 4000
) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """(n, text index, hash) of the n-grams of each length n in turn (see ngram_hashes)."""
    codes, doc = _code_points(texts, max_chars)
    size = len(codes)
    if size == 0:
        return []
    # How many separators lie before each position: a window is inside one text when that count
    # is the same at both ends.
    seps = np.concatenate(([0], np.cumsum(codes == 0)))
    h = np.zeros(size, dtype=np.uint64)
    out = []
    with np.errstate(over="ignore"):
        for n in range(1, n_max + 1):
            if size - n + 1 <= 0:
                break
            # h[i] is the hash of codes[i:i+n]; extend each window by its next code point.
            h = h[: size - n + 1] * _PRIME + codes[n - 1 :]
            if n < n_min:
                continue
            inside = seps[n:] == seps[: size - n + 1]  # seps[start + n] == seps[start]
            out.append((n, doc[: size - n + 1][inside], h[inside] ^ (_SALT * np.uint64(n))))
    return out


def document_frequencies(
    doc: np.ndarray, hashes: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Distinct hashes (sorted), how many texts hold each, the distinct (text, hash) pairs
    (text * number of hashes + position of the hash) with how often each occurs, and the position
    of each input hash. Two unstable sorts: a stable one (np.unique's return_index) was most of
    the cost of fitting on 10 k texts."""
    terms, inverse = np.unique(hashes, return_inverse=True)
    inverse = inverse.ravel()
    if len(terms) == 0:
        empty = np.zeros(0, np.int64)
        return terms, empty, empty, empty, inverse
    pairs, tf = np.unique(doc * len(terms) + inverse, return_counts=True)
    df = np.bincount(pairs % len(terms), minlength=len(terms))
    return terms, df, pairs, tf, inverse


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


def _word_sample(texts: Sequence[str]) -> Sequence[str]:
    """The texts whose jieba words make the word vocabulary: all of them up to WORD_SAMPLE, else
    a fixed random sample of that many. jieba's precise mode walks each text in Python (about
    2 ms for a message): on 10,000 messages it took most of the training time, while a city's
    vocabulary is all there in a few thousand (a word seen only elsewhere is still counted
    wherever it occurs, as its character n-grams)."""
    if len(texts) <= WORD_SAMPLE:
        return texts
    picked = np.sort(np.random.default_rng(0).choice(len(texts), WORD_SAMPLE, replace=False))
    return [texts[i] for i in picked]


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
    _table: HashTable | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict:
        # The lookup table is rebuilt on first use rather than pickled (twice the vocabulary's size).
        return {**self.__dict__, "_table": None}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._table = None

    def _hashes(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        if self.words:
            return ngram_hashes(texts, 2, MAX_WORD, self.max_chars)
        return ngram_hashes(texts, self.n_min, self.n_max, self.max_chars)

    def _document_frequencies(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Sorted distinct n-gram hashes of `texts` and how many texts hold each."""
        doc, hashes = self._hashes(texts)
        terms, df, *_ = document_frequencies(doc, hashes)
        return terms, df

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

    def fit(
        self,
        texts: Sequence[str],
        extra_texts: Sequence[str] = (),
        counted: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> HashedTfidf:
        """Vocabulary from `texts`; document frequencies from `texts` and `extra_texts` (unlabelled
        messages of the same kind make the idf far less noisy than a thousand labelled ones).
        `counted`: the (terms, document frequencies) of `texts` when already counted (the blocks
        of one field share one pass over its texts, see index.fit_transform)."""
        terms, df = counted if counted is not None else self._document_frequencies(texts)
        n_docs = len(texts) + len(extra_texts)
        if len(extra_texts) and len(terms):
            extra_terms, extra_df = self._extra_frequencies(extra_texts)
            if len(extra_terms):
                at = np.minimum(np.searchsorted(extra_terms, terms), len(extra_terms) - 1)
                df = df + np.where(extra_terms[at] == terms, extra_df[at], 0)
        keep = df >= self.min_df
        if self.words:
            seen: set[str] = set()
            for text in _word_sample(texts):
                for token in jieba.cut(text[: self.max_chars], HMM=False):
                    if _is_word(token):
                        seen.add(token)
            keep &= np.isin(terms, np.unique(word_hashes(sorted(seen))))
        self.vocab = terms[keep]
        self._table = None
        self.idf = np.log((1.0 + max(n_docs, 1)) / (1.0 + df[keep])) + 1.0
        return self

    def columns(self, hashes: np.ndarray) -> np.ndarray:
        """The vocabulary column of each hash, -1 where it is not in the vocabulary."""
        table = self._table
        if table is None:
            table = self._table = HashTable(self.vocab)
        return table.lookup(hashes)

    def triplets(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, columns, values) of the l2-normalised TF-IDF matrix of `texts`, rows ascending."""
        doc, hashes = self._hashes(texts)
        if len(self.vocab) == 0 or len(hashes) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        col = self.columns(hashes)
        hit = col >= 0
        return self.weigh(doc[hit], col[hit], len(texts))

    def weigh(
        self, doc: np.ndarray, col: np.ndarray, n_rows: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Triplets from the (text, column) of every vocabulary n-gram found."""
        n_cols = len(self.vocab)
        if n_cols == 0 or len(col) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        key, counts = np.unique(doc * n_cols + col, return_counts=True)
        rows, cols = np.divmod(key, n_cols)
        data = (1.0 + np.log(counts)) * self.idf[cols]
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=n_rows))
        norms[norms == 0] = 1.0
        return rows, cols, data / norms[rows]

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        rows, cols, data = self.triplets(texts)
        n_rows, n_cols = len(texts), len(self.vocab)
        indptr = np.searchsorted(rows, np.arange(n_rows + 1))
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
    strip_noise: bool = False  # see clean(); False for models written before it
    _index: FeatureIndex | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict:
        # The index is rebuilt on first use rather than pickled (larger than the vocabularies).
        state = {**self.__dict__, "_index": None}
        state.pop("_unions", None)
        return state

    def __setstate__(self, state: dict) -> None:
        state.pop("_unions", None)  # files written before the index
        state.setdefault("strip_noise", False)
        self.__dict__.update(state)
        self._index = None

    def clean(self, texts: Sequence[str]) -> list[str]:
        return [clean(text, self.strip_noise) for text in texts]

    def index(self) -> FeatureIndex | None:
        """One table over every block (see index.py); None when the blocks cannot share one pass
        (different max_chars), and each block then reads its texts itself."""
        if getattr(self, "_index", None) is None:
            if len({b.vectorizer.max_chars for b in self.blocks}) != 1:
                return None
            from shiyu.routing.classifier.index import FeatureIndex

            self._index = FeatureIndex(self.blocks)
        return self._index

    def fit(
        self,
        titles: Sequence[str],
        bodies: Sequence[str],
        extra: tuple[Sequence[str], Sequence[str]] | None = None,
    ) -> TextFeatures:
        titles, bodies = self.clean(titles), self.clean(bodies)
        extra_t, extra_b = (self.clean(extra[0]), self.clean(extra[1])) if extra else ([], [])
        for block in self.blocks:
            block.vectorizer.fit(_field(block.field, titles, bodies), _field(block.field, extra_t, extra_b))
        self._index = None
        return self

    def fit_transform(
        self,
        titles: Sequence[str],
        bodies: Sequence[str],
        extra: tuple[Sequence[str], Sequence[str]] | None = None,
    ) -> sp.csr_matrix:
        """fit, then transform of the same texts, in one pass over them (see index.py)."""
        from shiyu.routing.classifier.index import fit_transform

        return fit_transform(self, titles, bodies, extra)

    def triplets(
        self, titles: Sequence[str], bodies: Sequence[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, columns, values) of the stacked blocks' matrix, sorted by row then column."""
        titles, bodies = self.clean(titles), self.clean(bodies)
        n_rows = len(titles)
        index = self.index()
        if index is not None:
            return index.triplets({name: _field(name, titles, bodies) for name in index.fields}, n_rows)
        all_rows, all_cols, all_data = [], [], []
        offset = 0
        for block in self.blocks:
            rows, cols, data = block.vectorizer.triplets(_field(block.field, titles, bodies))
            all_rows.append(rows)
            all_cols.append(cols + offset)
            all_data.append(data * block.weight)
            offset += len(block.vectorizer.vocab)
        if not all_rows:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        rows = np.concatenate(all_rows)
        order = np.argsort(rows, kind="stable")  # by row; within a row, columns stay ascending
        return rows[order], np.concatenate(all_cols)[order], np.concatenate(all_data)[order]

    def transform(self, titles: Sequence[str], bodies: Sequence[str]) -> sp.csr_matrix:
        """The blocks side by side as one CSR matrix, built once from all blocks' triplets (scipy's
        hstack of four matrices cost more than the features of a short message)."""
        rows, cols, data = self.triplets(titles, bodies)
        n_rows = len(titles)
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
        return sp.csr_matrix((data, cols.astype(np.int32), indptr), shape=(n_rows, self.n_features))

    @property
    def n_features(self) -> int:
        return sum(len(block.vectorizer.vocab) for block in self.blocks)
