"""Piccolo app for employment: contracts, benefit profiles, coaches and other pay."""

import os

from piccolo.conf.apps import AppConfig

from osuus.tenants.employment.tables import (
    BenefitProfile,
    ContractEnding,
    ContractTerms,
    EmploymentContract,
    OtherPay,
    WorkerCoach,
)

APP_CONFIG = AppConfig(
    app_name="employment",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[EmploymentContract, ContractTerms, BenefitProfile, WorkerCoach, OtherPay, ContractEnding],
    migration_dependencies=["osuus.platform.piccolo_app", "osuus.tenants.members.piccolo_app"],
    commands=[],
)
