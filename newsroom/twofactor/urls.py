from django.urls import path

from newsroom.twofactor import views

app_name = "twofactor"
urlpatterns = [
    path("", views.overview, name="index"),
    path("verify/", views.verify, name="verify"),
    path("setup/", views.setup, name="setup"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
]
