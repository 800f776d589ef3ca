"""Materialised paths for trees (areas, departments, categories).

Ids are zero-padded so that ordering by path lists siblings in creation order
("/00000008/00000009/" before "/00000008/00000010/") and a subtree is one prefix match.
"""


def child_path(parent, pk: int) -> str:
    return f"{parent.path if parent is not None else '/'}{pk:08d}/"
