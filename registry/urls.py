from django.urls import path

from . import views

app_name = "console"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("otp/", views.otp_verify_view, name="otp_verify"),
    path("otp/setup/", views.otp_setup_view, name="otp_setup"),
    path("facilities/", views.facility_list_view, name="facility_list"),
    path("facilities/<int:pk>/", views.facility_detail_view, name="facility_detail"),
    path("organisations/", views.organisation_list_view, name="organisation_list"),
    path("organisations/<int:pk>/", views.organisation_detail_view, name="organisation_detail"),
    path("organisations/<int:pk>/confirm/", views.organisation_confirm_view, name="organisation_confirm"),
    path("audit/", views.audit_list_view, name="audit_list"),
]
