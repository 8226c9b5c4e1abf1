"""Piccolo app for the customer register."""

import os

from piccolo.conf.apps import AppConfig

from osuus.tenants.customers.tables import Customer

APP_CONFIG = AppConfig(
    app_name="customers",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Customer],
    migration_dependencies=["osuus.platform.piccolo_app"],
    commands=[],
)
