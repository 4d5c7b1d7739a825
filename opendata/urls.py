from django.urls import path

from . import views

app_name = "opendata"

# The same three views for the nation, a province and a district of it (each name reverses with 0, 1 or 2 codes).
urlpatterns = [
    path("api/", views.api_view, name="api"),
    path("", views.area_view, name="area"),
    path("figures.json", views.area_json_view, name="area_json"),
    path("figures.csv", views.area_csv_view, name="area_csv"),
    path("<int:province>/", views.area_view, name="area"),
    path("<int:province>/figures.json", views.area_json_view, name="area_json"),
    path("<int:province>/figures.csv", views.area_csv_view, name="area_csv"),
    path("<int:province>/<int:district>/", views.area_view, name="area"),
    path("<int:province>/<int:district>/figures.json", views.area_json_view, name="area_json"),
    path("<int:province>/<int:district>/figures.csv", views.area_csv_view, name="area_csv"),
]
