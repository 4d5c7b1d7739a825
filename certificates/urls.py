from django.urls import path

from . import lookup_views, views

app_name = "certificates"

urlpatterns = [
    path("certificates/verify/", views.verify_page, name="verify"),
    path("certificates/trust-list.json", views.trust_list_view, name="trust_list"),
    path("api/certificates/verify", views.verify_api, name="verify_api"),
    # Look-up without an account ("tra cứu chứng nhận"): ID or phone and date of birth, then a code by SMS.
    path("certificates/lookup/", lookup_views.lookup_start_view, name="lookup"),
    path("certificates/lookup/captcha.png", lookup_views.lookup_captcha_view, name="lookup_captcha"),
    path("certificates/lookup/code/", lookup_views.lookup_code_view, name="lookup_code"),
    path("certificates/lookup/result/", lookup_views.lookup_result_view, name="lookup_result"),
    path("certificates/lookup/<int:person_id>/certificate.png", lookup_views.lookup_png_view, name="lookup_png"),
    path("certificates/lookup/<int:person_id>/certificate.pdf", lookup_views.lookup_pdf_view, name="lookup_pdf"),
    path("vaccination/people/<int:person_id>/certificate/", views.person_certificate_view, name="person_certificate"),
    path("vaccination/people/<int:person_id>/certificate.png", views.certificate_png_view, name="certificate_png"),
    path("vaccination/people/<int:person_id>/certificate.pdf", views.certificate_pdf_view, name="certificate_pdf"),
]
