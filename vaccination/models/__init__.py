from .registrations import DeclaredDose, Registration, RegistrationEvent
from .sessions import Appointment, Session
from .stock import Lot, StockBalance, StockMovement

__all__ = [
    "Appointment", "DeclaredDose", "Lot", "Registration", "RegistrationEvent", "Session", "StockBalance",
    "StockMovement",
]
