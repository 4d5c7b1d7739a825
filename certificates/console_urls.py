from django.urls import path

from . import views

app_name = "certificates_console"

urlpatterns = [
    path("recall/", views.recall_view, name="recall"),
]
