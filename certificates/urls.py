from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("certificates/verify/", views.verify_page, name="verify"),
    path("certificates/trust-list.json", views.trust_list_view, name="trust_list"),
    path("api/certificates/verify", views.verify_api, name="verify_api"),
    path("vaccination/people/<int:person_id>/certificate/", views.person_certificate_view, name="person_certificate"),
    path("vaccination/people/<int:person_id>/certificate.png", views.certificate_png_view, name="certificate_png"),
    path("vaccination/people/<int:person_id>/certificate.pdf", views.certificate_pdf_view, name="certificate_pdf"),
]
