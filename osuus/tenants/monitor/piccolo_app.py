"""Piccolo app for the entrepreneur-status monitor."""

import os

from piccolo.conf.apps import AppConfig

from osuus.tenants.monitor.tables import CoopStatus

APP_CONFIG = AppConfig(
    app_name="monitor",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[CoopStatus],
    migration_dependencies=["osuus.tenants.governance.piccolo_app"],
    commands=[],
)
