from django.urls import path

from .views import console

app_name = "citizens_console"

urlpatterns = [
    path("lookup/", console.code_lookup_view, name="code_lookup"),
]
