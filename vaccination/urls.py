from django.urls import path

from .views import care, citizen

app_name = "vaccination"

urlpatterns = [
    path("people/<int:person_id>/", citizen.person_vaccinations_view, name="person_vaccinations"),
    path("people/<int:person_id>/register/", citizen.register_view, name="register"),
    path("registrations/<int:pk>/cancel/", citizen.registration_cancel_view, name="registration_cancel"),
    path("appointments/<int:pk>/cancel/", citizen.appointment_cancel_view, name="appointment_cancel"),
    path("doses/<int:dose_id>/reaction/", care.reaction_report_view, name="reaction_report"),
    path("people/<int:person_id>/help/", care.help_request_view, name="help_request"),
]
