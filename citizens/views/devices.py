from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..selectors import device_tokens_for
from ..services.devices import device_token_revoke
from .common import citizen_required


@citizen_required
def device_list_view(request):
    return render(request, "citizens/device_list.html", {"devices": device_tokens_for(request.user)})


@require_POST
@citizen_required
def device_revoke_view(request, pk: int):
    if not device_token_revoke(actor=request.user, device_id=pk):
        raise Http404
    messages.success(request, _("The device is signed out. Its app must sign in again."))
    return redirect("citizens:device_list")
