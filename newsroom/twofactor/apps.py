from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    name = "newsroom.twofactor"
    label = "twofactor"
    verbose_name = "Two-factor login"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from newsroom.twofactor.policy import remember_step

        user_logged_in.connect(remember_step, dispatch_uid="twofactor.remember_step")
