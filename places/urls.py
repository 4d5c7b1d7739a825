from django.urls import path

from . import views

app_name = "places"

urlpatterns = [
    path("", views.visit_list_view, name="visit_list"),
    path("check-in/", views.checkin_code_view, name="checkin_code"),
    path("c/<str:code>/", views.checkin_view, name="checkin"),
    path("venues/", views.venue_list_view, name="venue_list"),
    path("venues/new/", views.venue_new_view, name="venue_new"),
    path("venues/<int:pk>/poster/", views.venue_poster_view, name="venue_poster"),
]
