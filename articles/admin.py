"""Django discovers admin modules here; the desk's admin lives in articles.desk.admin."""

from articles.desk import admin  # noqa: F401
