"""Every feature block's vocabulary behind one hash table: one n-gram pass, one probe and one weighing
per batch of texts, whatever the number of blocks and fields.

Intake classifies one message at a time, and for one message the cost is the number of numpy
calls, not the arithmetic (a 400-character message has about 3,000 n-grams). Hashing, probing and
weighing each field and each block apart took four times the calls. Here the n-grams of the title
and of the body are hashed in one pass, the field mixed into each hash so that a title's 路灯 and a
body's 路灯 stay different keys, probed once, and weighed together: one sort gives every block's
counts, one bincount every block's row norms. The numbers are those of HashedTfidf.weigh block by
block (a test compares them).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from shiyu.routing.classifier.features import (
    MAX_WORD,
    Block,
    TextFeatures,
    _field,
    document_frequencies,
    ngram_hashes,
    ngram_parts,
)
from shiyu.routing.classifier.hashtable import HashTable

_FIELD_MIX = np.uint64(0x94D049BB133111EB)

Triplets = tuple[np.ndarray, np.ndarray, np.ndarray]


def _field_salt(position: int) -> np.uint64:
    # The first field keeps its plain hashes (salt 0).
    with np.errstate(over="ignore"):
        return np.uint64(position) * _FIELD_MIX


class FeatureIndex:
    """Global columns of all blocks (block after block, as TextFeatures stacks them) found from
    one probe per n-gram. Built from fitted blocks that share one max_chars."""

    def __init__(self, blocks: Sequence[Block]) -> None:
        vectorizers = [block.vectorizer for block in blocks]
        self.fields = list(dict.fromkeys(block.field for block in blocks))
        self.max_chars = vectorizers[0].max_chars if vectorizers else 4000
        self.low = min((2 if v.words else v.n_min for v in vectorizers), default=1)
        self.high = max((MAX_WORD if v.words else v.n_max for v in vectorizers), default=1)
        sizes = [len(v.vocab) for v in vectorizers]
        self.n_blocks = len(blocks)
        self.n_features = int(sum(sizes))
        self.idf = np.concatenate([v.idf for v in vectorizers]) if vectorizers else np.zeros(0)
        # Where each block's columns end, and its weight: a column's block is found by a binary
        # search of these few ends (per-column arrays would cost a random memory read per n-gram).
        self.ends = np.cumsum(sizes).astype(np.int64)
        self.block_weight = np.array([float(b.weight) for b in blocks])
        salted = (
            np.concatenate(
                [
                    v.vocab ^ _field_salt(self.fields.index(b.field))
                    for b, v in zip(blocks, vectorizers, strict=True)
                ]
            )
            if vectorizers
            else np.zeros(0, np.uint64)
        )
        keys = np.unique(salted)
        # A key can be in several blocks of its field (a two-character word is also a character
        # 2-gram): slot s of a key holds its s-th block's column, -1 when it has fewer blocks.
        position = np.searchsorted(keys, salted)
        order = np.argsort(position, kind="stable")
        grouped = position[order]
        rank = np.arange(len(grouped)) - np.searchsorted(grouped, grouped)
        n_slots = int(rank.max()) + 1 if len(rank) else 0
        self.slots = np.full((len(keys), n_slots), -1, dtype=np.int32)  # a key's slots side by side
        self.slots[grouped, rank] = order  # slot 0 is always filled
        self._keys = keys
        self._table: HashTable | None = None
        self.salts = np.array([_field_salt(i) for i in range(len(self.fields))], np.uint64)

    @property
    def table(self) -> HashTable:
        # Built on first use: training needs the index's weights but not its table.
        if self._table is None:
            self._table = HashTable(self._keys, self.slots)
        return self._table

    def triplets(self, field_texts: dict[str, list[str]], n_rows: int) -> Triplets:
        """(rows, global columns, values) of the weighted TF-IDF rows of cleaned texts: sorted by
        row, columns ascending within a row; each block's part of a row l2-normalised, then
        multiplied by the block's weight."""
        empty = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        if n_rows == 0 or self.n_features == 0:
            return empty
        texts = [text for name in self.fields for text in field_texts[name]]
        doc, hashes = ngram_hashes(texts, self.low, self.high, self.max_chars)
        if len(self.fields) > 1:
            hashes = hashes ^ (self.salts[doc // n_rows] if n_rows > 1 else self.salts[doc])
        at, cols = self.table.find(hashes)  # all blocks' columns of each n-gram found
        mine = cols >= 0
        if n_rows == 1:  # intake's case: the columns are the keys
            out_cols, counts = np.unique(cols[mine], return_counts=True)
            out_rows = np.zeros(len(out_cols), np.int64)
        else:
            rows = np.broadcast_to((doc[at] % n_rows)[:, None], cols.shape)[mine]
            key, counts = np.unique(rows * self.n_features + cols[mine], return_counts=True)
            out_rows, out_cols = np.divmod(key, self.n_features)
        if len(out_cols) == 0:
            return empty
        out_cols = out_cols.astype(np.int64, copy=False)
        return out_rows, out_cols, self.weigh(out_rows, out_cols, counts, n_rows)

    def weigh(self, rows: np.ndarray, cols: np.ndarray, counts: np.ndarray, n_rows: int) -> np.ndarray:
        """Values of (row, column) cells holding `counts` occurrences, sorted by row then column:
        sublinear tf times idf, each block's part of a row l2-normalised, times the block's weight
        (HashedTfidf.weigh, all blocks at once)."""
        data = (1.0 + np.log(counts)) * self.idf[cols]
        block = np.searchsorted(self.ends, cols, side="right")
        part = rows * self.n_blocks + block
        norms = np.sqrt(np.bincount(part, weights=data * data, minlength=n_rows * self.n_blocks))
        return data / norms[part] * self.block_weight[block]


def fit_transform(
    features: TextFeatures,
    titles: Sequence[str],
    bodies: Sequence[str],
    extra: tuple[Sequence[str], Sequence[str]] | None = None,
) -> sp.csr_matrix:
    """Fit the blocks and return the training texts' matrix (what fit then transform give) from
    one pass over each field: its n-grams are counted once for the vocabularies and document
    frequencies of all its blocks, and the same counts are the training rows' term frequencies.
    On 10,000 messages the separate passes were a third of the training time."""
    blocks = features.blocks
    if len({b.vectorizer.max_chars for b in blocks}) != 1:
        features.fit(titles, bodies, extra)
        return features.transform(titles, bodies)
    n_rows = len(titles)
    titles, bodies = features.clean(titles), features.clean(bodies)
    extra_t, extra_b = (features.clean(extra[0]), features.clean(extra[1])) if extra else ([], [])
    ranges = [
        (2, MAX_WORD) if b.vectorizer.words else (b.vectorizer.n_min, b.vectorizer.n_max) for b in blocks
    ]
    counted = {}
    for name in dict.fromkeys(b.field for b in blocks):
        mine = [r for b, r in zip(blocks, ranges, strict=True) if b.field == name]
        parts = ngram_parts(
            _field(name, titles, bodies),
            min(r[0] for r in mine),
            max(r[1] for r in mine),
            blocks[0].vectorizer.max_chars,
        )
        if parts:
            doc = np.concatenate([d for _, d, _ in parts])
            hashes = np.concatenate([h for _, _, h in parts])
            terms, df, pairs, tf, inverse = document_frequencies(doc, hashes)
            lengths = np.zeros(len(terms), np.int8)  # n of each distinct n-gram
            lengths[inverse] = np.repeat([n for n, _, _ in parts], [len(d) for _, d, _ in parts])
        else:
            terms = np.zeros(0, np.uint64)
            df = pairs = tf = np.zeros(0, np.int64)
            lengths = np.zeros(0, np.int8)
        counted[name] = (terms, df, pairs, tf, lengths)
    for block, (low, high) in zip(blocks, ranges, strict=True):
        terms, df, _, _, lengths = counted[block.field]
        keep = (lengths >= low) & (lengths <= high)
        block.vectorizer.fit(
            _field(block.field, titles, bodies),
            _field(block.field, extra_t, extra_b),
            counted=(terms[keep], df[keep]),
        )
    features._index = None
    index = features.index()
    assert index is not None  # one max_chars, checked above
    rows, cols, tfs = [], [], []
    offset = 0
    for block in blocks:
        terms, _, pairs, tf, _ = counted[block.field]
        vocab = block.vectorizer.vocab
        if len(terms) and len(vocab):
            to_column = np.full(len(terms), -1, np.int64)
            to_column[np.searchsorted(terms, vocab)] = np.arange(len(vocab))
            row, term = np.divmod(pairs, len(terms))
            column = to_column[term]
            found = column >= 0
            rows.append(row[found])
            cols.append(column[found] + offset)
            tfs.append(tf[found])
        offset += len(vocab)
    if not rows:
        return sp.csr_matrix((n_rows, index.n_features))
    row, col, tf = np.concatenate(rows), np.concatenate(cols), np.concatenate(tfs)
    order = np.argsort(row * max(index.n_features, 1) + col)
    row, col, tf = row[order], col[order], tf[order]
    data = index.weigh(row, col, tf, n_rows)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=n_rows), out=indptr[1:])
    return sp.csr_matrix((data, col.astype(np.int32), indptr), shape=(n_rows, index.n_features))
