"""The stock console: balances and movements of a facility, receiving lots, passing doses down a level and
adjusting."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.console import console_view, form_errors_as_messages, paginate
from registry.selectors import facility_list

from ..forms import AdjustForm, LotReceiveForm, TransferForm
from ..models import Lot
from ..selectors import balance_list, expiry_warning_date, lots_usable, movement_list, staff_facility
from ..services.stock import NEXT_LEVEL, lot_receive, stock_adjust, stock_transfer


@console_view("vaccination.view_stockbalance")
def stock_view(request):
    user = request.user
    own = staff_facility(user)
    balances = balance_list(user=user)
    facility_id = request.GET.get("facility")
    shown = None
    if facility_id and facility_id.isdigit():
        shown = get_object_or_404(facility_list(user=user), pk=int(facility_id))
    else:
        shown = own
    if shown is None:
        raise Http404
    shown_balances = balances.filter(facility=shown)
    own_lots = lots_usable().filter(balances__facility=own, balances__quantity__gt=0).distinct() if own else []
    context = {
        "facility": shown, "own": own, "balances": shown_balances, "warning_date": expiry_warning_date(),
        "movements": paginate(request, movement_list(user=user).filter(facility=shown)),
        "children": facility_list(user=user, kind=NEXT_LEVEL.get(own.kind)) if own and own.kind in NEXT_LEVEL else [],
    }
    if own is not None and shown.pk == own.pk:
        if user.has_perm("vaccination.add_lot"):
            context["receive_form"] = LotReceiveForm()
        if user.has_perm("vaccination.transfer_stock") and own.kind in NEXT_LEVEL:
            context["transfer_form"] = TransferForm(targets=context["children"], lots=own_lots)
        if user.has_perm("vaccination.change_stockbalance"):
            context["adjust_form"] = AdjustForm(lots=own_lots)
    return render(request, "vaccination/console/stock.html", context)


def _stock_post(request, form, action):
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Stock updated."))
    else:
        form_errors_as_messages(request, form)
    return redirect("vaccination_console:stock")


@require_POST
@console_view("vaccination.add_lot")
def stock_receive_view(request):
    return _stock_post(request, LotReceiveForm(request.POST), lambda d: lot_receive(actor=request.user, **d))


@require_POST
@console_view("vaccination.transfer_stock")
def stock_transfer_view(request):
    own = staff_facility(request.user)
    if own is None or own.kind not in NEXT_LEVEL:
        raise PermissionDenied
    form = TransferForm(request.POST, targets=facility_list(user=request.user, kind=NEXT_LEVEL[own.kind]),
                        lots=lots_usable())
    return _stock_post(request, form, lambda d: stock_transfer(
        actor=request.user, to_facility_id=d["to_facility"].pk, lot_id=d["lot"].pk, quantity=d["quantity"],
        reason=d["reason"]))


@require_POST
@console_view("vaccination.change_stockbalance")
def stock_adjust_view(request):
    own = staff_facility(request.user)
    if own is None:
        raise PermissionDenied
    form = AdjustForm(request.POST, lots=Lot.objects.all())
    return _stock_post(request, form, lambda d: stock_adjust(
        actor=request.user, facility_id=own.pk, lot_id=d["lot"].pk, quantity=d["quantity"], kind=d["kind"],
        reason=d["reason"]))
