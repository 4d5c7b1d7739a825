from .selectors import unread_notification_count


def notifications(request):
    """The unread count shown in the header of every citizen page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_staff:
        return {}
    return {"unread_notifications": unread_notification_count(user)}
