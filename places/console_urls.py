from django.urls import path

from . import views

app_name = "places_console"

urlpatterns = [
    path("", views.console_venue_list_view, name="venue_list"),
    path("<int:pk>/", views.console_venue_detail_view, name="venue_detail"),
]
