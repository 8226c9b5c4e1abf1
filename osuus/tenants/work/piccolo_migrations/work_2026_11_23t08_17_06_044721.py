from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.column_types import BigInt
from piccolo.columns.column_types import BigSerial
from piccolo.columns.column_types import Boolean
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Text
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.column_types import Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Assignment(Table, tablename="work_assignment", schema=None):
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


class Category(Table, tablename="catalogue_category", schema=None):
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


class Member(Table, tablename="member", schema=None):
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


class Substitution(Table, tablename="work_substitution", schema=None):
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


class WorkOrder(Table, tablename="work_order", schema=None):
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


ID = "2026-11-23T08:17:06:044721"
VERSION = "1.38.0"
DESCRIPTION = "substitutes (searches and their events), skills, work days, the coop's work rules; work_assignment.substitution_id"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="work", description=DESCRIPTION
    )

    manager.add_table(
        class_name="Substitution",
        tablename="work_substitution",
        schema=None,
        columns=None,
    )

    manager.add_table(
        class_name="WorkerDays", tablename="work_days", schema=None, columns=None
    )

    manager.add_table(
        class_name="SubstitutionEvent",
        tablename="work_substitution_event",
        schema=None,
        columns=None,
    )

    manager.add_table(
        class_name="WorkRules", tablename="work_rules", schema=None, columns=None
    )

    manager.add_table(
        class_name="WorkerSkill",
        tablename="work_skill",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="Substitution",
        tablename="work_substitution",
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
        table_class_name="Substitution",
        tablename="work_substitution",
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
        table_class_name="Substitution",
        tablename="work_substitution",
        column_name="order",
        db_column_name="order_id",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": WorkOrder,
            "on_delete": OnDelete.restrict,
            "on_update": OnUpdate.restrict,
            "target_column": None,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": "order_id",
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Substitution",
        tablename="work_substitution",
        column_name="assignment",
        db_column_name="assignment_id",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Assignment,
            "on_delete": OnDelete.restrict,
            "on_update": OnUpdate.restrict,
            "target_column": None,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": "assignment_id",
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Substitution",
        tablename="work_substitution",
        column_name="member",
        db_column_name="member_id",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Member,
            "on_delete": OnDelete.restrict,
            "on_update": OnUpdate.restrict,
            "target_column": None,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": "member_id",
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Substitution",
        tablename="work_substitution",
        column_name="status",
        db_column_name="status",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 20,
            "default": "open",
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
        table_class_name="Substitution",
        tablename="work_substitution",
        column_name="reason",
        db_column_name="reason",
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
        table_class_name="Substitution",
        tablename="work_substitution",
        column_name="needs_approval",
        db_column_name="needs_approval",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
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
        table_class_name="Substitution",
        tablename="work_substitution",
        column_name="taken",
        db_column_name="taken_id",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Assignment,
            "on_delete": OnDelete.restrict,
            "on_update": OnUpdate.restrict,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": "taken_id",
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Substitution",
        tablename="work_substitution",
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

    manager.add_column(
        table_class_name="Substitution",
        tablename="work_substitution",
        column_name="created_by",
        db_column_name="created_by",
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
            "db_column_name": "created_by",
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Substitution",
        tablename="work_substitution",
        column_name="closed_at",
        db_column_name="closed_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
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
        table_class_name="WorkerDays",
        tablename="work_days",
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
        table_class_name="WorkerDays",
        tablename="work_days",
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
        table_class_name="WorkerDays",
        tablename="work_days",
        column_name="member",
        db_column_name="member_id",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Member,
            "on_delete": OnDelete.restrict,
            "on_update": OnUpdate.restrict,
            "target_column": None,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": "member_id",
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="WorkerDays",
        tablename="work_days",
        column_name="days",
        db_column_name="days",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 7,
            "default": "1234567",
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
        table_class_name="WorkerDays",
        tablename="work_days",
        column_name="updated_at",
        db_column_name="updated_at",
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

    manager.add_column(
        table_class_name="WorkerDays",
        tablename="work_days",
        column_name="updated_by",
        db_column_name="updated_by",
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
            "db_column_name": "updated_by",
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="SubstitutionEvent",
        tablename="work_substitution_event",
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
        table_class_name="SubstitutionEvent",
        tablename="work_substitution_event",
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
        table_class_name="SubstitutionEvent",
        tablename="work_substitution_event",
        column_name="substitution",
        db_column_name="substitution_id",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Substitution,
            "on_delete": OnDelete.restrict,
            "on_update": OnUpdate.restrict,
            "target_column": None,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": "substitution_id",
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="SubstitutionEvent",
        tablename="work_substitution_event",
        column_name="kind",
        db_column_name="kind",
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
        table_class_name="SubstitutionEvent",
        tablename="work_substitution_event",
        column_name="member",
        db_column_name="member_id",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Member,
            "on_delete": OnDelete.restrict,
            "on_update": OnUpdate.restrict,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": "member_id",
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="SubstitutionEvent",
        tablename="work_substitution_event",
        column_name="at",
        db_column_name="at",
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

    manager.add_column(
        table_class_name="SubstitutionEvent",
        tablename="work_substitution_event",
        column_name="by",
        db_column_name="by_id",
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
            "db_column_name": "by_id",
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="SubstitutionEvent",
        tablename="work_substitution_event",
        column_name="note",
        db_column_name="note",
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
        table_class_name="WorkRules",
        tablename="work_rules",
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
        table_class_name="WorkRules",
        tablename="work_rules",
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
        table_class_name="WorkRules",
        tablename="work_rules",
        column_name="substitute_approval",
        db_column_name="substitute_approval",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
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
        table_class_name="WorkRules",
        tablename="work_rules",
        column_name="updated_at",
        db_column_name="updated_at",
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

    manager.add_column(
        table_class_name="WorkRules",
        tablename="work_rules",
        column_name="updated_by",
        db_column_name="updated_by",
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
            "db_column_name": "updated_by",
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="WorkerSkill",
        tablename="work_skill",
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
        table_class_name="WorkerSkill",
        tablename="work_skill",
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
        table_class_name="WorkerSkill",
        tablename="work_skill",
        column_name="member",
        db_column_name="member_id",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Member,
            "on_delete": OnDelete.restrict,
            "on_update": OnUpdate.restrict,
            "target_column": None,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": "member_id",
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="WorkerSkill",
        tablename="work_skill",
        column_name="category",
        db_column_name="category_id",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Category,
            "on_delete": OnDelete.restrict,
            "on_update": OnUpdate.restrict,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": "category_id",
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="WorkerSkill",
        tablename="work_skill",
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

    manager.add_column(
        table_class_name="WorkerSkill",
        tablename="work_skill",
        column_name="created_by",
        db_column_name="created_by",
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
            "db_column_name": "created_by",
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Assignment",
        tablename="work_assignment",
        column_name="substitution_id",
        db_column_name="substitution_id",
        column_class_name="BigInt",
        column_class=BigInt,
        params={
            "default": None,
            "null": True,
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
