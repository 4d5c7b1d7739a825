from django.urls import path

from .views import care, citizen, imports

app_name = "vaccination"

urlpatterns = [
    path("people/<int:person_id>/", citizen.person_vaccinations_view, name="person_vaccinations"),
    path("people/<int:person_id>/register/", citizen.register_view, name="register"),
    path("registrations/<int:pk>/cancel/", citizen.registration_cancel_view, name="registration_cancel"),
    path("appointments/<int:pk>/cancel/", citizen.appointment_cancel_view, name="appointment_cancel"),
    path("doses/<int:dose_id>/reaction/", care.reaction_report_view, name="reaction_report"),
    path("people/<int:person_id>/help/", care.help_request_view, name="help_request"),
    path("organisations/", imports.organisation_list_view, name="organisation_list"),
    path("organisations/<int:pk>/", imports.organisation_detail_view, name="organisation_detail"),
    path("organisations/<int:pk>/export.<str:fmt>", imports.organisation_export_view, name="organisation_export"),
    path("organisations/<int:pk>/upload/", imports.organisation_upload_view, name="organisation_upload"),
    path("organisations/<int:pk>/ask/", imports.organisation_link_request_view, name="organisation_link_request"),
    path("join/", imports.link_code_view, name="link_code"),
    path("join/requests/", imports.link_request_list_view, name="link_request_list"),
    path("imports/<int:pk>/", imports.import_detail_view, name="import_detail"),
    path("imports/<int:pk>/confirm/", imports.import_confirm_view, name="import_confirm"),
    path("imports/<int:pk>/report.csv", imports.import_report_view, name="import_report"),
    path("imports/template/<str:kind>.<str:fmt>", imports.template_view, name="import_template"),
]
