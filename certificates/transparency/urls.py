from django.urls import path

from . import views

app_name = "transparency"

urlpatterns = [
    path("sth.json", views.sth_latest, name="sth"),
    path("sth/<int:size>.json", views.sth_of_size, name="sth_of_size"),
    path("proof/<str:uvci>.json", views.proof, name="proof"),
    path("consistency", views.consistency, name="consistency"),
    path("leaves", views.leaves, name="leaves"),
]
