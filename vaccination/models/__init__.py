from .imports import ImportBatch
from .organisations import LinkRequest, OrganisationPerson
from .registrations import DeclaredDose, Registration, RegistrationEvent
from .sessions import Appointment, Session
from .site import Dose, DoseClaim, HelpRequest, Reaction, ReactionNote, Visit
from .stock import Lot, StockBalance, StockMovement

__all__ = [
    "Appointment", "DeclaredDose", "ImportBatch", "Dose", "DoseClaim", "HelpRequest", "LinkRequest", "Lot",
    "OrganisationPerson", "Reaction", "ReactionNote", "Registration", "RegistrationEvent", "Session", "StockBalance",
    "StockMovement", "Visit",
]
