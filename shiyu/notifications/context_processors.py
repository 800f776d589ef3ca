from shiyu.accounts import policies
from shiyu.notifications.selectors import unread_count


def inbox(request):
    """The unread count for the header of every page a staff member sees (one indexed count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not policies.is_staff_user(user):
        return {}
    return {"INBOX_UNREAD": unread_count(actor=user)}
