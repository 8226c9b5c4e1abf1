"""Piccolo app for self-governance."""

import os

from piccolo.conf.apps import AppConfig

from osuus.tenants.governance.tables import BoardSeat, BoardTarget

APP_CONFIG = AppConfig(
    app_name="governance",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[BoardSeat, BoardTarget],
    migration_dependencies=["osuus.tenants.members.piccolo_app"],
    commands=[],
)
