from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from .models import User
from .phones import phone_normalize


class PhoneBackend(ModelBackend):
    """Citizens sign in with their mobile number and password; staff accounts never sign in this way."""

    def authenticate(self, request, phone=None, password=None, **kwargs):
        if phone is None or password is None:
            return None
        try:
            normal = phone_normalize(phone)
        except ValidationError:
            return None
        user = User.objects.filter(phone=normal, is_staff=False).first()
        if user is None:
            User().set_password(password)  # same time taken whether or not the number exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
