from django.urls import path

from notes import views as notes
from . import views

urlpatterns = [
    path("health", views.health),
    path("api/health", views.health),
    path("api/notes/", notes.notes),
]

handler404 = "django_site.views.not_found"
handler500 = "django_site.views.server_error"
