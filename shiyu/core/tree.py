"""Materialised paths for trees (areas, departments, categories).

Ids are zero-padded so that ordering by path lists siblings in creation order
("/00000008/00000009/" before "/00000008/00000010/") and a subtree is one prefix match.
"""


def child_path(parent, pk: int) -> str:
    return f"{parent.path if parent is not None else '/'}{pk:08d}/"


def repath(obj) -> None:
    """After `obj` (saved) got a new parent: give it and its subtree their new paths.

    Called from the owning app's service, inside its transaction. Moving a node under itself or
    one of its descendants is refused. Models with a `level` field get it recomputed too.
    """
    from shiyu.core.errors import InvalidInput

    old = obj.path
    parent = obj.parent
    if old and parent is not None and parent.path.startswith(old):
        raise InvalidInput("A node cannot be moved under itself.", field="parent")
    new = child_path(parent, obj.pk)
    if new == old:
        return
    model = type(obj)
    has_level = any(f.name == "level" and f.get_internal_type() != "CharField"
                    for f in model._meta.get_fields())
    obj.path = new
    obj.save(update_fields=["path"])
    if not old:
        return
    for node in model.objects.filter(path__startswith=old).exclude(pk=obj.pk):
        node.path = new + node.path[len(old):]
        fields = ["path"]
        if has_level:
            node.level = node.path.count("/") - 1
            fields.append("level")
        node.save(update_fields=fields)
