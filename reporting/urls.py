from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("report.<str:fmt>", views.report_view, name="report"),
    path("doses.csv", views.doses_csv_view, name="doses_csv"),
]
