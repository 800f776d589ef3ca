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

_FIELD_MIX = np.uint64(0x94D049BB133111EB)

Triplets = tuple[np.ndarray, np.ndarray, np.ndarray]


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

    def __init__(self, keys: np.ndarray, payload: np.ndarray | None = None) -> None:
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
        if payload is not None:
            # Each slot's key and payload row side by side: find() reads one record per probe
            # (one cache line), where separate arrays cost a random memory read each.
            self.payload = payload
            self.records = np.zeros(
                len(self.keys), dtype=[("key", np.uint64), ("row", payload.dtype, (payload.shape[1],))]
            )
            self.records["key"] = self.keys
            self.records["row"] = -1
            occupied = self.values >= 0
            self.records["row"][occupied] = payload[self.values[occupied]]
            # The separate arrays are not needed by find(): free them (lookup() needs a table
            # built without a payload).
            del self.keys, self.values

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

    def find(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions in `hashes` of the keys found, their payload rows), for a table built with a
        payload whose rows hold no -1 in their first column. Same probes as lookup()."""
        positions, rows = [], []
        pending = np.arange(len(hashes))
        slot = self._slot(hashes)
        wanted = hashes
        for _ in range(self.ROUNDS):
            records = self.records[slot]
            row = records["row"]
            occupied = row[:, 0] >= 0
            found = occupied & (records["key"] == wanted)
            positions.append(pending[found])
            rows.append(row[found])
            going = occupied & ~found
            pending, slot = pending[going], (slot[going] + 1) & self.mask
            if not len(pending):
                break
            wanted = hashes[pending]
        else:
            if self.far:
                get = self.far.get
                index = np.array([get(h, -1) for h in hashes[pending].tolist()], dtype=np.int64)
                known = index >= 0
                positions.append(pending[known])
                rows.append(self.payload[index[known]])
        return np.concatenate(positions), np.concatenate(rows)


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
