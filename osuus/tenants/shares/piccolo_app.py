"""Piccolo app for the share register."""

import os

from piccolo.conf.apps import AppConfig

from osuus.tenants.shares.tables import PaymentPlan, ShareChange, SharePayment, SharePolicy, SupportingFee

APP_CONFIG = AppConfig(
    app_name="shares",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[SharePolicy, PaymentPlan, SharePayment, ShareChange, SupportingFee],
    migration_dependencies=["osuus.tenants.members.piccolo_app"],
    commands=[],
)
