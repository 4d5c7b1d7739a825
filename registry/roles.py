"""What each staff role may do, as Django permissions; where it may do it is registry.selectors' business."""
from .models import StaffAssignment

Role = StaffAssignment.Role

# Permission codenames ("app_label.codename") granted to each role's group. Later features add theirs here.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.NATIONAL: [
        "registry.use_console",
        "registry.view_dashboard",
        "registry.view_facility",
        "registry.view_organisation",
        "registry.view_auditevent",
        "vaccination.view_registration",
        "vaccination.add_lot",
        "vaccination.transfer_stock",
        "vaccination.view_stockbalance",
        "vaccination.view_session",
        "vaccination.view_reaction",
        "certificates.revoke_certificate",
        "places.view_venue",
    ],
    Role.PROVINCE: [
        "registry.use_console",
        "registry.view_dashboard",
        "registry.view_facility",
        "registry.view_organisation",
        "registry.change_organisation",
        "registry.view_auditevent",
        "vaccination.view_registration",
        "vaccination.approve_registration",
        "vaccination.allocate_registration",
        "vaccination.transfer_stock",
        "vaccination.view_stockbalance",
        "vaccination.view_session",
        "vaccination.view_reaction",
        "vaccination.change_reaction",
        "vaccination.view_helprequest",
        "vaccination.change_helprequest",
        "clinics.add_consultation",
        "places.view_venue",
        "places.add_exposure",
    ],
    Role.DISTRICT: [
        "registry.use_console",
        "registry.view_dashboard",
        "registry.view_facility",
        "registry.view_organisation",
        "vaccination.view_registration",
        "vaccination.schedule_registration",
        "vaccination.transfer_stock",
        "vaccination.view_stockbalance",
        "vaccination.change_stockbalance",
        "vaccination.view_session",
        "vaccination.change_appointment",
        "vaccination.correct_dose",
        "vaccination.view_reaction",
        "vaccination.change_reaction",
        "vaccination.view_helprequest",
        "vaccination.change_helprequest",
        "clinics.add_consultation",
        "places.view_venue",
        "places.add_exposure",
    ],
    Role.SITE: [
        "registry.use_console",
        "registry.view_facility",
        "citizens.resolve_health_code",
        "vaccination.view_stockbalance",
        "vaccination.change_stockbalance",
        "vaccination.view_session",
        "vaccination.change_appointment",
        "vaccination.record_dose",
        "vaccination.correct_dose",
        "vaccination.view_reaction",
        "vaccination.change_reaction",
        "vaccination.view_helprequest",
        "vaccination.change_helprequest",
        # A commune station both vaccinates and sees patients: its staff publish consultation slots, mark the
        # bookings and record consultations.
        "clinics.add_slot",
        "clinics.view_booking",
        "clinics.change_booking",
        "clinics.add_consultation",
    ],
}

# Roles whose members must pass a second factor whatever OTP_REQUIRED_FOR_ALL_STAFF says.
ROLES_REQUIRING_OTP = frozenset({Role.NATIONAL, Role.PROVINCE})


def role_group_name(role: str) -> str:
    return f"role:{role}"
