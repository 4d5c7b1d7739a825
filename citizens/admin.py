from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Person, User
from .services.people import IDENTITY_FIELDS, person_identity_change


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["pk"]
    list_display = ["__str__", "username", "phone", "is_staff", "is_active"]
    search_fields = ["username", "phone", "full_name"]
    fieldsets = [
        (None, {"fields": ["username", "phone", "password"]}),
        (_("Personal info"), {"fields": ["full_name", "email"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["username", "full_name", "password1", "password2"]})]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "date_of_birth", "masked_id", "ward"]
    search_fields = ["full_name", "id_number"]
    raw_id_fields = ["ward", "account", "managed_by"]

    @admin.display(description=_("ID number"))
    def masked_id(self, person):
        return person.id_number_masked

    def save_model(self, request, obj, form, change):
        """Identity fields changed here go through the identity service like every other path (audited
        before/after, the person told); the form has already put the new values on `obj`."""
        identity = [field for field in IDENTITY_FIELDS if field in form.changed_data] if change else []
        if not identity:
            return super().save_model(request, obj, form, change)
        changes = {field: form.cleaned_data[field] for field in identity}
        stored = Person.objects.get(pk=obj.pk)
        for field in identity:
            setattr(obj, field, getattr(stored, field))
        super().save_model(request, obj, form, change)
        person_identity_change(actor=request.user, person=obj, changes=changes,
                               reason=_("Changed in the administration site"))
