from django.contrib import admin

from .models import AdministrativeUnit, AuditEvent, Facility, Organisation, PriorityGroup, StaffAssignment, Vaccine
from .services import staff_assignment_set


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "code", "province_code", "district_code", "population"]
    list_filter = ["level"]
    search_fields = ["name", "codename", "=code"]
    raw_id_fields = ["parent"]


@admin.register(PriorityGroup)
class PriorityGroupAdmin(admin.ModelAdmin):
    list_display = ["number", "name_vi", "name_en"]


@admin.register(Vaccine)
class VaccineAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "doses_in_series", "min_interval_days", "dcc_product", "is_active"]


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "site_type", "unit", "capacity_per_session", "is_active"]
    list_filter = ["kind", "site_type"]
    search_fields = ["name", "code"]
    raw_id_fields = ["unit", "parent"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "registration_number", "unit", "confirmed_at"]
    search_fields = ["name", "registration_number"]
    raw_id_fields = ["unit", "confirmed_by"]


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "facility"]
    list_filter = ["role"]
    raw_id_fields = ["user", "unit", "facility"]

    def save_model(self, request, obj, form, change):
        staff_assignment_set(actor=request.user, user=obj.user, role=obj.role, unit=obj.unit, facility=obj.facility)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "target_label", "ip"]
    list_filter = ["action"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
