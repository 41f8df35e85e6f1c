from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from comments import attach
        from newsroom.text import normalise_on_save

        normalise_on_save(self.get_model("Comment"))
        attach.plug_in()
