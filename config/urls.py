from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from registry.forms import StaffAdminLoginForm

from .views import bench_constant_view, health_view



class SuperuserOTPAdminSite(OTPAdminSite):
    """The admin is for superusers over reference data, and only after a second factor."""

    login_form = StaffAdminLoginForm  # the console's staff sign-in limits hold at /admin/login/ too

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_superuser


admin.site.__class__ = SuperuserOTPAdminSite

urlpatterns = [
    path("", include("citizens.urls")),
    path("console/", include("registry.urls")),
    path("console/people/", include("citizens.console_urls")),
    path("console/vaccination/", include("vaccination.console_urls")),
    path("console/certificates/", include("certificates.console_urls")),
    path("console/reporting/", include("reporting.urls")),
    path("vaccination/", include("vaccination.urls")),
    path("clinics/", include("clinics.urls")),
    path("console/clinics/", include("clinics.console_urls")),
    path("places/", include("places.urls")),
    path("console/places/", include("places.console_urls")),
    path("", include("certificates.urls")),
    path("open-data/", include("opendata.urls")),
    path("api/v1/", include(("api.urls", "api"))),
    path("transparency/", include("certificates.transparency.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("health/", health_view, name="health"),
    path("bench/constant/", bench_constant_view, name="bench_constant"),
]
