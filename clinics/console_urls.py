from django.urls import path

from . import console_views as views

app_name = "clinics_console"

urlpatterns = [
    path("", views.day_view, name="day"),
    path("slots/new/", views.publish_view, name="publish"),
    path("bookings/<int:pk>/attended/", views.booking_attended_view, name="booking_attended"),
    path("bookings/<int:pk>/no-show/", views.booking_no_show_view, name="booking_no_show"),
    path("consultations/", views.consultation_list_view, name="consultation_list"),
    path("people/<int:person_id>/consultation/", views.consultation_new_view, name="consultation_new"),
]
