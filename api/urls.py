from .accounts import router as accounts_router
from .core import api
from .people import router as people_router

api.add_router("/auth/", accounts_router)
api.add_router("/", people_router)

urlpatterns = api.urls[0]
