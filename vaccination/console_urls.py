from django.urls import path

from .views import console

app_name = "vaccination_console"

urlpatterns = [
    path("registrations/", console.registration_list_view, name="registration_list"),
    path("registrations/action/", console.registration_action_view, name="registration_action"),
    path("registrations/<int:pk>/", console.registration_detail_view, name="registration_detail"),
    path("waiting/", console.waiting_list_view, name="waiting_list"),
    path("stock/", console.stock_view, name="stock"),
    path("stock/receive/", console.stock_receive_view, name="stock_receive"),
    path("stock/transfer/", console.stock_transfer_view, name="stock_transfer"),
    path("stock/adjust/", console.stock_adjust_view, name="stock_adjust"),
    path("sessions/", console.session_list_view, name="session_list"),
    path("sessions/new/", console.session_create_view, name="session_create"),
    path("sessions/<int:pk>/", console.session_detail_view, name="session_detail"),
    path("sessions/<int:pk>/schedule/", console.session_schedule_view, name="session_schedule"),
    path("sessions/<int:pk>/book/", console.session_book_view, name="session_book"),
    path("appointments/<int:pk>/no-show/", console.appointment_no_show_view, name="appointment_no_show"),
]
