from django.urls import path

from .views import accounts, devices, people

app_name = "citizens"

urlpatterns = [
    path("", people.home_view, name="home"),
    path("signup/", accounts.signup_view, name="signup"),
    path("signup/verify/", accounts.signup_verify_view, name="signup_verify"),
    path("signup/resend/", accounts.signup_resend_view, name="signup_resend"),
    path("signin/", accounts.signin_view, name="signin"),
    path("signout/", accounts.signout_view, name="signout"),
    path("password/forgot/", accounts.password_forgot_view, name="password_forgot"),
    path("password/reset/", accounts.password_reset_view, name="password_reset"),
    path("account/phone/", accounts.phone_change_view, name="phone_change"),
    path("account/phone/verify/", accounts.phone_change_verify_view, name="phone_change_verify"),
    path("account/phone/resend/", accounts.phone_change_resend_view, name="phone_change_resend"),
    path("book/", people.book_view, name="book"),
    path("account/devices/", devices.device_list_view, name="device_list"),
    path("account/devices/<int:pk>/revoke/", devices.device_revoke_view, name="device_revoke"),
    path("people/add/", people.family_add_view, name="family_add"),
    path("people/<int:pk>/", people.person_detail_view, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_edit_view, name="person_edit"),
    path("people/<int:pk>/qr/", people.person_qr_view, name="person_qr"),
    path("people/<int:pk>/qr/rotate/", people.person_qr_rotate_view, name="person_qr_rotate"),
    path("declarations/", people.declaration_list_view, name="declaration_list"),
    path("declarations/new/", people.declaration_new_view, name="declaration_new"),
    path("declarations/<int:pk>/", people.declaration_detail_view, name="declaration_detail"),
    path("captcha.png", people.captcha_image_view, name="captcha"),
    path("notifications/", people.notification_list_view, name="notification_list"),
    path("units/<int:pk>/children/", people.unit_children_view, name="unit_children"),
]
