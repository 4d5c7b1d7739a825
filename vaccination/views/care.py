"""Reactions after vaccination and the response center, for staff and citizens."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from citizens.selectors import people_for
from citizens.views.common import citizen_required, form_error
from registry.console import console_view, paginate
from registry.transitions import allowed_from

from ..course import next_dose, person_course
from ..forms import FollowUpForm, HelpAnswerForm, HelpRequestForm, MissingDoseForm, ReactionForm
from ..models import Dose, HelpRequest, Lot, Reaction
from ..selectors import help_request_list, reaction_list
from ..services.help_requests import help_request_dose_add, help_request_takes_dose
from ..services.reactions import help_request_answer, help_request_submit, reaction_follow_up, reaction_report


@console_view("vaccination.view_reaction")
def reaction_list_view(request):
    reactions = reaction_list(user=request.user)
    if request.GET.get("open") != "0":
        reactions = reactions.exclude(status=Reaction.Status.CLOSED)
    return render(request, "vaccination/console/reaction_list.html", {"page": paginate(request, reactions)})


@console_view("vaccination.view_reaction")
def reaction_detail_view(request, pk: int):
    reaction = get_object_or_404(reaction_list(user=request.user).prefetch_related("notes__actor"), pk=pk)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reaction_follow_up(actor=request.user, reaction_id=reaction.pk, **form.cleaned_data)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Follow-up recorded."))
            return redirect("vaccination_console:reaction_detail", pk=reaction.pk)
    return render(request, "vaccination/console/reaction_detail.html", {
        "reaction": reaction, "form": form if request.user.has_perm("vaccination.change_reaction") else None})


@console_view("vaccination.view_helprequest")
def help_list_view(request):
    requests = help_request_list(user=request.user)
    if request.GET.get("open") != "0":
        requests = requests.exclude(status=HelpRequest.Status.CLOSED)
    return render(request, "vaccination/console/help_list.html", {"page": paginate(request, requests)})


@console_view("vaccination.view_helprequest")
def help_detail_view(request, pk: int):
    help_request = get_object_or_404(help_request_list(user=request.user), pk=pk)
    person = help_request.person
    answer_form = HelpAnswerForm(request.POST if request.POST.get("form") == "answer" else None)
    lots = Lot.objects.filter(balances__facility=help_request.facility).distinct()
    dose_form = MissingDoseForm(request.POST if request.POST.get("form") == "dose" else None, lots=lots,
                                initial={"dose_number": next_dose(person_course(person)).number})
    if request.method == "POST" and answer_form.is_bound and answer_form.is_valid():
        try:
            help_request_answer(actor=request.user, request_id=help_request.pk,
                                answer=answer_form.cleaned_data["answer"])
        except ValidationError as error:
            if "status" in getattr(error, "error_dict", {}):
                return _help_refused(request, help_request, error)
            form_error(answer_form, error)
        else:
            messages.success(request, _("The answer is sent."))
            return redirect("vaccination_console:help_list")
    if request.method == "POST" and dose_form.is_bound and dose_form.is_valid():
        data = dose_form.cleaned_data
        try:
            help_request_dose_add(actor=request.user, request_id=help_request.pk, lot_id=data["lot"].pk,
                                  given_at=data["given_at"], dose_number=data["dose_number"])
        except ValidationError as error:
            if "status" in getattr(error, "error_dict", {}):
                return _help_refused(request, help_request, error)
            form_error(dose_form, error)
        else:
            messages.success(request, _("The missing dose is recorded and the person is told."))
            return redirect("vaccination_console:help_list")
    answerable = help_request.status in allowed_from(HelpRequest, HelpRequest.Status.CLOSED)
    return render(request, "vaccination/console/help_detail.html", {
        "help": help_request, "answer_form": answer_form, "dose_form": dose_form, "answerable": answerable,
        "doses": person.doses.filter(voided=False).select_related("vaccine", "site"),
        "can_record": answerable and help_request_takes_dose(request.user, help_request),
    })


def _help_refused(request, help_request, error):
    """The move itself was refused (the request was closed meanwhile): said above the page, which now shows the
    answer already sent instead of the forms."""
    for message in error.messages:
        messages.error(request, message)
    return redirect("vaccination_console:help_detail", pk=help_request.pk)


@citizen_required
def reaction_report_view(request, dose_id: int):
    dose = get_object_or_404(Dose.objects.filter(person__in=people_for(request.user), voided=False), pk=dose_id)
    form = ReactionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reaction_report(actor=request.user, dose_id=dose.pk, **form.cleaned_data)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Thank you. The vaccination site will follow up your report."))
            return redirect("vaccination:person_vaccinations", person_id=dose.person_id)
    return render(request, "vaccination/reaction_form.html", {"form": form, "dose": dose})


@citizen_required
def help_request_view(request, person_id: int):
    person = get_object_or_404(people_for(request.user), pk=person_id)
    form = HelpRequestForm(request.POST or None, initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        try:
            help_request_submit(actor=request.user, person_id=person.pk, **form.cleaned_data)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Your request is sent to the health facility in charge."))
            return redirect("vaccination:person_vaccinations", person_id=person.pk)
    return render(request, "vaccination/help_form.html", {"form": form, "person": person})

