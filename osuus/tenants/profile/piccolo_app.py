"""Piccolo app for the coop profile."""

import os

from piccolo.conf.apps import AppConfig

from osuus.tenants.profile.tables import CoopProfile

APP_CONFIG = AppConfig(
    app_name="profile",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[CoopProfile],
    migration_dependencies=["osuus.platform.piccolo_app"],
    commands=[],
)
