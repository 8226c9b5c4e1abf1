"""Piccolo app for work orders, assignments and hours."""

import os

from piccolo.conf.apps import AppConfig

from osuus.tenants.work.tables import (
    Assignment,
    AssignmentEvent,
    HourEntry,
    OrderEvent,
    OrderLine,
    Substitution,
    SubstitutionEvent,
    WorkerDays,
    WorkerSkill,
    WorkOrder,
    WorkRules,
)

APP_CONFIG = AppConfig(
    app_name="work",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        WorkOrder,
        OrderLine,
        OrderEvent,
        Assignment,
        AssignmentEvent,
        HourEntry,
        Substitution,
        SubstitutionEvent,
        WorkerSkill,
        WorkerDays,
        WorkRules,
    ],
    migration_dependencies=[
        "osuus.platform.piccolo_app",
        "osuus.tenants.members.piccolo_app",
        "osuus.tenants.customers.piccolo_app",
        "osuus.tenants.catalogue.piccolo_app",
        "osuus.platform.reference.piccolo_app",
    ],
    commands=[],
)
