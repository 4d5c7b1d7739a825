from .accounts import router as accounts_router
from .certificates import router as certificates_router
from .clinics import router as clinics_router
from .core import api
from .people import router as people_router
from .places import router as places_router
from .vaccination import router as vaccination_router

api.add_router("/auth/", accounts_router)
api.add_router("/", people_router)
api.add_router("/", vaccination_router)
api.add_router("/", certificates_router)
api.add_router("/", clinics_router)
api.add_router("/", places_router)

urlpatterns = api.urls[0]
