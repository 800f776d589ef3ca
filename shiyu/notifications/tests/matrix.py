"""The notifications app's rows of tests/test_authorization_matrix.py and how each is called.

The inbox is personal: every staff member has one; an entry is marked read only by its
recipient (anyone else: 404, as for a missing one). The entry used is the handler's notice of
the dispatch of the "read" case (HBJ's handler and unit head hear of every dispatch there)."""

from django.urls import reverse


def entries(*, every) -> dict[tuple[str, str], dict[str, int]]:
    return {
        ("GET", "notifications:inbox"): every(200, anonymous=302, resident=404),
        ("POST", "notifications:read"): every(404, anonymous=302, handler=302),
        ("POST", "notifications:read-all"): every(302, resident=404),
    }


def call(world, client, method: str, base: str):
    from shiyu.notifications.models import Notification

    if base == "notifications:inbox":
        return client.get(reverse(base))
    if base == "notifications:read":
        item = Notification.objects.filter(recipient=world.city.users["handler"]).order_by("id").first()
        assert item is not None, "the handler has a notice of a dispatch to HBJ"
        return client.post(reverse(base, kwargs={"notification_id": item.pk}), {})
    if base == "notifications:read-all":
        return client.post(reverse(base), {})
    raise AssertionError(f"no call for {method} {base}")
