from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from registry.drawn import drawn_page, visitor_without_state
from registry.models import AdministrativeUnit
from registry.replica import replica_reads

from ..captcha import captcha_check, captcha_new, captcha_png, captcha_text
from ..forms import DeclarationForm, PersonForm
from ..selectors import declarations_for, notifications_for, people_for
from ..services.messaging import notifications_mark_read
from ..services.people import declaration_submit, family_member_add, person_qr_rotate, person_update
from .common import citizen_required, form_error

CAPTCHA = "declaration"


def qr_svg(text: str, *, box_size: int = 10) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=box_size,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")


def book_links(person) -> list[tuple[str, str]]:
    """Links other apps add to a person's health book (settings.HEALTH_BOOK_LINKS)."""
    return [(label, reverse(name, kwargs={"person_id": person.pk})) for name, label in settings.HEALTH_BOOK_LINKS]


def home_view(request):
    if visitor_without_state(request):  # where a rush of new visitors lands
        return HttpResponse(drawn_page(request, "citizens/home.html", (), {}, {}))
    return render(request, "citizens/home.html")


@citizen_required
def book_view(request):
    people = list(people_for(request.user))
    return render(request, "citizens/book.html", {"people": [(person, book_links(person)) for person in people]})


@citizen_required
def person_detail_view(request, pk: int):
    person = get_object_or_404(people_for(request.user), pk=pk)
    return render(request, "citizens/person_detail.html", {
        "person": person,
        "declarations": person.declarations.all()[:5],
        "notifications": notifications_for(request.user).filter(person=person)[:5],
        "qr": qr_svg(person.qr_text, box_size=4),
        "links": book_links(person),
    })


@citizen_required
def person_edit_view(request, pk: int):
    person = get_object_or_404(people_for(request.user), pk=pk)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            person_update(actor=request.user, person_id=person.pk, data=form.profile_data())
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The information is saved."))
            return redirect("citizens:person_detail", pk=person.pk)
    return render(request, "citizens/person_form.html", {"form": form, "person": person})


@citizen_required
def family_add_view(request):
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = family_member_add(actor=request.user, data=form.profile_data())
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s is added to your family.") % {"name": person.full_name})
            return redirect("citizens:person_detail", pk=person.pk)
    return render(request, "citizens/person_form.html", {"form": form, "person": None})


@citizen_required
def person_qr_view(request, pk: int):
    person = get_object_or_404(people_for(request.user), pk=pk)
    return render(request, "citizens/person_qr.html", {"person": person, "qr": qr_svg(person.qr_text)})


@require_POST
@citizen_required
def person_qr_rotate_view(request, pk: int):
    person = person_qr_rotate(actor=request.user, person_id=pk)
    messages.success(request, _("A new code is made. The old one no longer works."))
    return redirect("citizens:person_qr", pk=person.pk)


@citizen_required
def declaration_list_view(request):
    page = Paginator(declarations_for(request.user), settings.CITIZEN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "citizens/declaration_list.html", {
        "page": page, "rows": [(d, qr_svg(d.qr_text, box_size=3)) for d in page],
    })


@citizen_required
def declaration_new_view(request):
    people = people_for(request.user)
    initial = {"person": request.GET.get("person")} if request.GET.get("person") else None
    form = DeclarationForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST":
        captcha_ok = captcha_check(request.session, CAPTCHA, request.POST.get("captcha", ""))
        if form.is_valid():
            if not captcha_ok:
                form.add_error("captcha", _("The security code is not right. Type the code in the new picture."))
            else:
                data = form.cleaned_data
                declaration = declaration_submit(
                    actor=request.user, person_id=data["person"].pk, symptoms=data["symptoms"],
                    contact_confirmed=data["contact_confirmed"], contact_suspected=data["contact_suspected"],
                    places_visited=data["places_visited"],
                )
                messages.success(request, _("The declaration is sent."))
                return redirect("citizens:declaration_detail", pk=declaration.pk)
        captcha_new(request.session, CAPTCHA)
    else:
        captcha_new(request.session, CAPTCHA)
    return render(request, "citizens/declaration_form.html", {"form": form})


@never_cache
def captcha_image_view(request):
    return HttpResponse(captcha_png(captcha_text(request.session, CAPTCHA)), content_type="image/png")


@citizen_required
def declaration_detail_view(request, pk: int):
    declaration = get_object_or_404(declarations_for(request.user), pk=pk)
    return render(request, "citizens/declaration_detail.html", {
        "declaration": declaration, "qr": qr_svg(declaration.qr_text, box_size=6),
    })


@citizen_required
def notification_list_view(request):
    page = Paginator(notifications_for(request.user), settings.CITIZEN_PAGE_SIZE).get_page(request.GET.get("page"))
    unread = [n.pk for n in page if n.read_at is None]
    response = render(request, "citizens/notification_list.html", {"page": page, "unread": set(unread)})
    notifications_mark_read(user=request.user, ids=unread)
    return response


@replica_reads
def unit_children_view(request, pk: int):
    """The districts of a province or the wards of a district, for the address selects."""
    parent = AdministrativeUnit.objects.filter(pk=pk).exclude(level=AdministrativeUnit.Level.WARD).first()
    if parent is None:
        raise Http404
    children = parent.children.order_by("name").values("id", "name")
    return JsonResponse({"units": list(children)})
