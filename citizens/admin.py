from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Person, User


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
