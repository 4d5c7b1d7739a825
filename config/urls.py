from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from .views import health_view

# Superusers reach the admin only after a second factor, like the console's national officers.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", include("citizens.urls")),
    path("console/", include("registry.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("health/", health_view, name="health"),
]
