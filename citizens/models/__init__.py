from .accounts import User, UserManager
from .devices import DeviceToken, IdempotentResponse
from .messaging import Notification, SmsDevice, SmsMessage
from .people import HealthDeclaration, Person, id_number_mask, new_qr_token

__all__ = [
    "DeviceToken", "HealthDeclaration", "IdempotentResponse", "Notification", "Person", "SmsDevice", "SmsMessage",
    "User", "UserManager", "id_number_mask",
    "new_qr_token",
]
