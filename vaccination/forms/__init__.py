"""The vaccination forms, by who fills them in: the citizen, the console (district, province) and the site."""
from .citizen import (  # noqa: F401
    CancelConfirmForm, DeclaredDoseForm, DeclaredDoseFormSet, HelpRequestForm, ReactionForm, RegistrationForm,
)
from .console import (  # noqa: F401
    AdjustForm, AllocateForm, BookForm, FollowUpForm, HelpAnswerForm, LotReceiveForm, MissingDoseForm,
    RegistrationFilterForm, RejectForm, SessionForm, TransferForm,
)
from .fields import DATE_INPUT, TIME_INPUT, DosesField  # noqa: F401
from .site import (  # noqa: F401
    CheckInSearchForm, InjectionForm, ObservationForm, ScreeningForm, SessionCloseForm, WalkInForm,
)
