"""The desk's own pages beside the admin's: a person's language and notification settings,
the welcome of an invited person. Mounted at /admin/desk/ (newsroom/urls.py)."""

from django.urls import path

from articles.desk import accounts

app_name = "desk"
urlpatterns = [
    path("language/", accounts.language, name="language"),
    path("notifications/", accounts.notifications, name="notifications"),
    path("welcome/<uidb64>/<token>/", accounts.WelcomeView.as_view(), name="welcome"),
    path("welcome/done/", accounts.WelcomeDoneView.as_view(), name="welcome_done"),
]
