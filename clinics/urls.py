from django.urls import path

from . import views

app_name = "clinics"

urlpatterns = [
    path("", views.slot_search_view, name="slot_search"),
    path("slots/<int:slot_id>/book/", views.book_view, name="book"),
    path("bookings/<int:pk>/move/", views.booking_move_view, name="booking_move"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel_view, name="booking_cancel"),
    path("appointments/", views.appointment_list_view, name="appointment_list"),
    path("history/", views.history_view, name="history"),
]
