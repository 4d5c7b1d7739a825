from django.urls import path

from .views import care, console, imports, site, stock

app_name = "vaccination_console"

urlpatterns = [
    path("registrations/", console.registration_list_view, name="registration_list"),
    path("registrations/action/", console.registration_action_view, name="registration_action"),
    path("registrations/<int:pk>/", console.registration_detail_view, name="registration_detail"),
    path("waiting/", console.waiting_list_view, name="waiting_list"),
    path("stock/", stock.stock_view, name="stock"),
    path("stock/receive/", stock.stock_receive_view, name="stock_receive"),
    path("stock/transfer/", stock.stock_transfer_view, name="stock_transfer"),
    path("stock/adjust/", stock.stock_adjust_view, name="stock_adjust"),
    path("sessions/", console.session_list_view, name="session_list"),
    path("sessions/new/", console.session_create_view, name="session_create"),
    path("sessions/<int:pk>/", console.session_detail_view, name="session_detail"),
    path("sessions/<int:pk>/schedule/", console.session_schedule_view, name="session_schedule"),
    path("sessions/<int:pk>/book/", console.session_book_view, name="session_book"),
    path("appointments/<int:pk>/no-show/", console.appointment_no_show_view, name="appointment_no_show"),
    path("site/", site.day_view, name="site_day"),
    path("site/check-in/", site.check_in_view, name="site_check_in"),
    path("site/check-in/<int:person_id>/", site.check_in_post_view, name="site_check_in_post"),
    path("site/walk-in/", site.walk_in_view, name="site_walk_in"),
    path("site/visits/<int:pk>/", site.visit_view, name="site_visit"),
    path("site/visits/<int:pk>/screen/", site.screen_view, name="site_screen"),
    path("site/visits/<int:pk>/inject/", site.inject_view, name="site_inject"),
    path("site/visits/<int:pk>/observe/", site.observe_view, name="site_observe"),
    path("site/observation/", site.observation_view, name="site_observation"),
    path("site/sessions/<int:pk>/close/", site.session_close_view, name="site_session_close"),
    path("site/confirm/", site.confirm_view, name="site_confirm"),
    path("site/imports/", imports.site_import_list_view, name="site_import_list"),
    path("site/imports/<int:pk>/", imports.site_import_detail_view, name="site_import_detail"),
    path("site/imports/<int:pk>/confirm/", imports.site_import_confirm_view, name="site_import_confirm"),
    path("site/imports/<int:pk>/report.csv", imports.site_import_report_view, name="site_import_report"),
    path("reactions/", care.reaction_list_view, name="reaction_list"),
    path("reactions/<int:pk>/", care.reaction_detail_view, name="reaction_detail"),
    path("help/", care.help_list_view, name="help_list"),
    path("help/<int:pk>/", care.help_detail_view, name="help_detail"),
]
