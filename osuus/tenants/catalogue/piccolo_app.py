"""Piccolo app for the catalogue and the storefront's requests."""

import os

from piccolo.conf.apps import AppConfig

from osuus.tenants.catalogue.tables import CatalogueItem, OrderRequest, OrderRequestLine

APP_CONFIG = AppConfig(
    app_name="catalogue",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[CatalogueItem, OrderRequest, OrderRequestLine],
    migration_dependencies=[
        "osuus.platform.piccolo_app",
        "osuus.platform.reference.piccolo_app",
        "osuus.tenants.customers.piccolo_app",
    ],
    commands=[],
)
