"""A vectorised hash table from 64-bit n-gram hashes to rows of a payload (see HashTable)."""

from __future__ import annotations

import numpy as np


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
