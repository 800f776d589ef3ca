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
WORD_SAMPLE = 3000
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

    def weigh(self, doc: np.ndarray, col: np.ndarray,
              n_rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


class HashTable:
    """Open addressing (linear probing) over the vocabulary's 64-bit hashes, probed with numpy.

    A Python dict probe per n-gram cost ~0.1 µs × 3,000 n-grams a message, and a binary search of
    the sorted vocabulary a cache miss per step; here all n-grams of a batch probe together, one
    vectorised pass per probe distance. At a load of at most a third, probes end within
    ROUNDS slots but for a few percent; keys placed further from their home slot are also kept in
    a small dict, which the few probes still unresolved after ROUNDS passes consult (so the
    passes are bounded: each costs a few µs of numpy call overhead, whatever its size). Slots come
    from a multiplicative mix of the hash: its top bits alone are the salt's for single characters."""

    _MIX = np.uint64(0xBF58476D1CE4E5B9)
    ROUNDS = 3

    def __init__(self, keys: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=np.uint64)
        self.bits = max(4, int(np.ceil(np.log2(max(len(keys), 1) * 3))))
        size = 1 << self.bits
        self.mask = size - 1
        self.keys = np.zeros(size, dtype=np.uint64)
        self.values = np.full(size, -1, dtype=np.int32)  # -1: empty slot
        pending = np.arange(len(keys))
        slot = self._slot(keys)
        distance = 0
        self.far: dict[int, int] = {}
        while len(pending):
            # Of the pending keys wanting a free slot, the first per slot takes it; the rest and
            # those finding it taken move one slot on.
            want = slot[pending]
            free = self.values[want] == -1
            _, first = np.unique(want[free], return_index=True)
            placed = pending[free][first]
            self.keys[slot[placed]] = keys[placed]
            self.values[slot[placed]] = placed
            if distance >= self.ROUNDS:
                self.far.update(zip(keys[placed].tolist(), placed.tolist(), strict=True))
            taken = np.ones(len(pending), dtype=bool)
            taken[np.flatnonzero(free)[first]] = False
            pending = pending[taken]
            slot[pending] = (slot[pending] + 1) & self.mask
            distance += 1

    def _slot(self, hashes: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            mixed = (hashes ^ (hashes >> np.uint64(31))) * self._MIX
        return (mixed >> np.uint64(64 - self.bits)).astype(np.int64)

    def lookup(self, hashes: np.ndarray) -> np.ndarray:
        out = np.full(len(hashes), -1, dtype=np.int64)
        pending = np.arange(len(hashes))
        slot = self._slot(hashes)
        for _ in range(self.ROUNDS):
            values = self.values[slot]
            found = (values >= 0) & (self.keys[slot] == hashes[pending])
            out[pending[found]] = values[found]
            going = (values >= 0) & ~found  # occupied by another key: probe on; empty: absent
            pending, slot = pending[going], (slot[going] + 1) & self.mask
            if not len(pending):
                return out
        if self.far:
            get = self.far.get
            out[pending] = [get(h, -1) for h in hashes[pending].tolist()]
        return out


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
    _unions: dict[str, tuple[HashTable, list[np.ndarray]]] | None = field(
        default=None, repr=False, compare=False)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_unions": None}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._unions = None

    def _union(self, field_name: str, blocks: list[Block]) -> tuple[HashTable, list[np.ndarray]]:
        """One table over the vocabularies of all blocks reading `field_name`, and per block the
        column of each union entry (-1: not in that block). The n-gram length is in each hash's
        salt, so one pass over a text's 1..6-grams serves the character and the word blocks."""
        unions = getattr(self, "_unions", None)
        if unions is None:
            unions = self._unions = {}
        if field_name not in unions:
            keys = np.unique(np.concatenate([b.vectorizer.vocab for b in blocks]))
            maps = []
            for block in blocks:
                mapping = np.full(len(keys), -1, dtype=np.int64)
                vocab = block.vectorizer.vocab
                mapping[np.searchsorted(keys, vocab)] = np.arange(len(vocab))
                maps.append(mapping)
            unions[field_name] = (HashTable(keys), maps)
        return unions[field_name]

    def _field_triplets(self, field_name: str, blocks: list[Block],
                        texts: list[str]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        vectorizers = [b.vectorizer for b in blocks]
        if len({v.max_chars for v in vectorizers}) != 1:
            return [v.triplets(texts) for v in vectorizers]
        lows = [2 if v.words else v.n_min for v in vectorizers]
        highs = [MAX_WORD if v.words else v.n_max for v in vectorizers]
        doc, hashes = ngram_hashes(texts, min(lows), max(highs), vectorizers[0].max_chars)
        table, maps = self._union(field_name, blocks)
        found = table.lookup(hashes)
        hit = found >= 0
        doc, found = doc[hit], found[hit]
        out = []
        for vectorizer, mapping in zip(vectorizers, maps, strict=True):
            col = mapping[found]
            mine = col >= 0
            out.append(vectorizer.weigh(doc[mine], col[mine], len(texts)))
        return out

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
        """The blocks side by side as one CSR matrix, built once from all blocks' triplets (scipy's
        hstack of four matrices cost more than the features of a short message)."""
        titles, bodies = [clean(t) for t in titles], [clean(b) for b in bodies]
        n_rows = len(titles)
        by_block: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for field_name in dict.fromkeys(block.field for block in self.blocks):
            blocks = [b for b in self.blocks if b.field == field_name]
            found = self._field_triplets(field_name, blocks, _field(field_name, titles, bodies))
            by_block.update(zip(map(id, blocks), found, strict=True))
        all_rows, all_cols, all_data = [], [], []
        offset = 0
        for block in self.blocks:
            rows, cols, data = by_block[id(block)]
            all_rows.append(rows)
            all_cols.append(cols + offset)
            all_data.append(data * block.weight)
            offset += len(block.vectorizer.vocab)
        rows = np.concatenate(all_rows)
        order = np.argsort(rows, kind="stable")  # by row; within a row, columns stay ascending
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
        return sp.csr_matrix(
            (np.concatenate(all_data)[order], np.concatenate(all_cols)[order].astype(np.int32), indptr),
            shape=(n_rows, offset),
        )

    @property
    def n_features(self) -> int:
        return sum(len(block.vectorizer.vocab) for block in self.blocks)
