from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.column_types import BigSerial
from piccolo.columns.column_types import Date
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Text
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.column_types import Varchar
from piccolo.columns.defaults.date import DateNow
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Coop(Table, tablename="coop", schema=None):
    id = BigSerial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name=None,
        secret=False,
    )


class EmploymentContract(Table, tablename="employment_contract", schema=None):
    id = BigSerial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name=None,
        secret=False,
    )


class User(Table, tablename="app_user", schema=None):
    id = BigSerial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name=None,
        secret=False,
    )


ID = "2026-11-23T08:23:06:830514"
VERSION = "1.38.0"
DESCRIPTION = "contract_ending: the last day of an ended contract, why, who and when"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="employment", description=DESCRIPTION
    )

    manager.add_table(
        class_name="ContractEnding",
        tablename="contract_ending",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="ContractEnding",
        tablename="contract_ending",
        column_name="id",
        db_column_name="id",
        column_class_name="BigSerial",
        column_class=BigSerial,
        params={
            "null": False,
            "primary_key": True,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="ContractEnding",
        tablename="contract_ending",
        column_name="coop",
        db_column_name="coop_id",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Coop,
            "on_delete": OnDelete.restrict,
            "on_update": OnUpdate.restrict,
            "target_column": None,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": "coop_id",
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="ContractEnding",
        tablename="contract_ending",
        column_name="contract",
        db_column_name="contract_id",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": EmploymentContract,
            "on_delete": OnDelete.restrict,
            "on_update": OnUpdate.restrict,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": "contract_id",
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="ContractEnding",
        tablename="contract_ending",
        column_name="last_day",
        db_column_name="last_day",
        column_class_name="Date",
        column_class=Date,
        params={
            "default": DateNow(),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="ContractEnding",
        tablename="contract_ending",
        column_name="reason",
        db_column_name="reason",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 20,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="ContractEnding",
        tablename="contract_ending",
        column_name="reason_text",
        db_column_name="reason_text",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="ContractEnding",
        tablename="contract_ending",
        column_name="ended_by",
        db_column_name="ended_by",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": User,
            "on_delete": OnDelete.restrict,
            "on_update": OnUpdate.restrict,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": "ended_by",
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="ContractEnding",
        tablename="contract_ending",
        column_name="created_at",
        db_column_name="created_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": TimestamptzNow(),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
