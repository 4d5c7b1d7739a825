from .alerts import serious_open_count


def console_alerts(request):
    """Serious reactions nobody has acknowledged yet, flagged on every console page of those who follow them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff or not request.path.startswith("/console/"):
        return {}
    if not user.has_perm("vaccination.view_reaction"):
        return {}
    return {"serious_open": serious_open_count(user)}
