"""Piccolo app for the notice board."""

import os

from piccolo.conf.apps import AppConfig

from osuus.tenants.noticeboard.tables import Activity, Notice

APP_CONFIG = AppConfig(
    app_name="noticeboard",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Notice, Activity],
    migration_dependencies=["osuus.platform.piccolo_app"],
    commands=[],
)
