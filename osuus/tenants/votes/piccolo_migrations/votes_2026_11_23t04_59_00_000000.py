"""Tenant security for votes: forced RLS, keys that start with coop_id, composite references, one ballot per voter."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T04:59:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "vote, vote_candidate, vote_cast, ballot, vote_tally: forced RLS, composite keys, one cast per voter"

COOP = "nullif(current_setting('app.coop_id', true), '')::bigint"
TABLES = ("vote", "vote_candidate", "vote_cast", "ballot", "vote_tally")
# Nothing of a vote is ever deleted; casts and ballots are never changed; counters and the vote itself are updated.
GRANTS = {
    "vote": "SELECT, INSERT, UPDATE",
    "vote_candidate": "SELECT, INSERT",
    "vote_cast": "SELECT, INSERT",
    "ballot": "SELECT, INSERT",
    "vote_tally": "SELECT, INSERT, UPDATE",
}
REFS = (
    ("vote", "item_id", "agenda_item"),
    ("vote_candidate", "vote_id", "vote"),
    ("vote_candidate", "member_id", "member"),
    ("vote_cast", "vote_id", "vote"),
    ("vote_cast", "member_id", "member"),
    ("vote_cast", "seat_id", "board_seat"),
    ("vote_cast", "proxy_holder_id", "member"),
    ("ballot", "vote_id", "vote"),
    ("ballot", "cast_id", "vote_cast"),
    ("ballot", "candidate_id", "vote_candidate"),
    ("vote_tally", "vote_id", "vote"),
    ("vote_tally", "candidate_id", "vote_candidate"),
)
# Stricter still: a ballot's cast and candidate, and a counter's candidate, belong to the row's own vote.
SAME_VOTE = (
    ("ballot", "cast_id", "vote_cast"),
    ("ballot", "candidate_id", "vote_candidate"),
    ("vote_tally", "candidate_id", "vote_candidate"),
)

FORWARD = [
    # These tables are referenced by Piccolo foreign keys (to their id), so primary keys stay (id).
    *[f"ALTER TABLE {t} ADD CONSTRAINT {t}_coop_id_id UNIQUE (coop_id, id)" for t in TABLES],
    *[
        f"ALTER TABLE {t} ADD CONSTRAINT {t}_{c}_same_coop FOREIGN KEY (coop_id, {c}) "
        f"REFERENCES {dst} (coop_id, id) ON DELETE RESTRICT ON UPDATE RESTRICT"
        for t, c, dst in REFS
    ],
    "ALTER TABLE vote_cast ADD CONSTRAINT vote_cast_vote_id_id UNIQUE (coop_id, vote_id, id)",
    "ALTER TABLE vote_candidate ADD CONSTRAINT vote_candidate_vote_id_id UNIQUE (coop_id, vote_id, id)",
    *[
        f"ALTER TABLE {t} ADD CONSTRAINT {t}_{c}_same_vote FOREIGN KEY (coop_id, vote_id, {c}) "
        f"REFERENCES {dst} (coop_id, vote_id, id) ON DELETE RESTRICT ON UPDATE RESTRICT"
        for t, c, dst in SAME_VOTE
    ],
    "ALTER TABLE vote ADD CONSTRAINT vote_once_per_item UNIQUE (coop_id, item_id)",
    "ALTER TABLE vote ADD CONSTRAINT vote_method_check CHECK (method IN ('simple', 'two_thirds', 'election'))",
    "ALTER TABLE vote ADD CONSTRAINT vote_status_check CHECK (status IN ('open', 'closed'))",
    "ALTER TABLE vote ADD CONSTRAINT vote_seats_check "
    "CHECK (seats BETWEEN 1 AND 20 AND (method = 'election' OR seats = 1))",
    "ALTER TABLE vote ADD CONSTRAINT vote_closed_check "
    "CHECK ((status = 'closed') = (closed_at IS NOT NULL AND closed_by IS NOT NULL))",
    "ALTER TABLE vote_candidate ADD CONSTRAINT vote_candidate_name_once UNIQUE (coop_id, vote_id, name)",
    "ALTER TABLE vote_cast ADD CONSTRAINT vote_cast_one_voter CHECK ((member_id IS NULL) <> (seat_id IS NULL))",
    # One voter casts at most once per vote: a member at a general meeting, a seat at a board meeting.
    "ALTER TABLE vote_cast ADD CONSTRAINT vote_cast_member_once UNIQUE (coop_id, vote_id, member_id)",
    "ALTER TABLE vote_cast ADD CONSTRAINT vote_cast_seat_once UNIQUE (coop_id, vote_id, seat_id)",
    "ALTER TABLE vote_cast ADD CONSTRAINT vote_cast_witness "
    "CHECK (assisted_by IS NULL OR length(btrim(witness_name)) > 0)",
    "ALTER TABLE vote_cast ADD CONSTRAINT vote_cast_proxy "
    "CHECK (proxy_holder_id IS NULL OR (member_id IS NOT NULL AND proxy_holder_id <> member_id))",
    "ALTER TABLE ballot ADD CONSTRAINT ballot_choice_check "
    "CHECK (choice IN ('yes', 'no', 'empty', 'candidate') AND (choice = 'candidate') = (candidate_id IS NOT NULL))",
    "ALTER TABLE ballot ADD CONSTRAINT ballot_mark_once UNIQUE (coop_id, cast_id, candidate_id)",
    "CREATE UNIQUE INDEX ballot_once ON ballot (coop_id, cast_id) WHERE candidate_id IS NULL",
    "CREATE INDEX ballot_vote ON ballot (coop_id, vote_id)",
    "ALTER TABLE vote_tally ADD CONSTRAINT vote_tally_choice_check "
    "CHECK (choice IN ('yes', 'no', 'empty', 'candidate') AND (choice = 'candidate') = (candidate_id IS NOT NULL))",
    "ALTER TABLE vote_tally ADD CONSTRAINT vote_tally_total_check CHECK (total >= 0)",
    "ALTER TABLE vote_tally ADD CONSTRAINT vote_tally_once UNIQUE NULLS NOT DISTINCT (coop_id, vote_id, choice, candidate_id)",
    *[s for t in TABLES for s in (
        f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY tenant_isolation ON {t} USING (coop_id = {COOP}) WITH CHECK (coop_id = {COOP})",
        f"GRANT {GRANTS[t]} ON {t} TO osuus_runtime",
    )],
]

BACKWARD = [
    *[s for t in TABLES for s in (
        f"REVOKE ALL ON {t} FROM osuus_runtime",
        f"DROP POLICY IF EXISTS tenant_isolation ON {t}",
        f"ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {t} DISABLE ROW LEVEL SECURITY",
    )],
    "ALTER TABLE vote_tally DROP CONSTRAINT IF EXISTS vote_tally_once",
    "ALTER TABLE vote_tally DROP CONSTRAINT IF EXISTS vote_tally_total_check",
    "ALTER TABLE vote_tally DROP CONSTRAINT IF EXISTS vote_tally_choice_check",
    "DROP INDEX IF EXISTS ballot_vote",
    "DROP INDEX IF EXISTS ballot_once",
    "ALTER TABLE ballot DROP CONSTRAINT IF EXISTS ballot_mark_once",
    "ALTER TABLE ballot DROP CONSTRAINT IF EXISTS ballot_choice_check",
    "ALTER TABLE vote_cast DROP CONSTRAINT IF EXISTS vote_cast_proxy",
    "ALTER TABLE vote_cast DROP CONSTRAINT IF EXISTS vote_cast_witness",
    "ALTER TABLE vote_cast DROP CONSTRAINT IF EXISTS vote_cast_seat_once",
    "ALTER TABLE vote_cast DROP CONSTRAINT IF EXISTS vote_cast_member_once",
    "ALTER TABLE vote_cast DROP CONSTRAINT IF EXISTS vote_cast_one_voter",
    "ALTER TABLE vote_candidate DROP CONSTRAINT IF EXISTS vote_candidate_name_once",
    "ALTER TABLE vote DROP CONSTRAINT IF EXISTS vote_closed_check",
    "ALTER TABLE vote DROP CONSTRAINT IF EXISTS vote_seats_check",
    "ALTER TABLE vote DROP CONSTRAINT IF EXISTS vote_status_check",
    "ALTER TABLE vote DROP CONSTRAINT IF EXISTS vote_method_check",
    "ALTER TABLE vote DROP CONSTRAINT IF EXISTS vote_once_per_item",
    *[f"ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {t}_{c}_same_vote" for t, c, _ in reversed(SAME_VOTE)],
    "ALTER TABLE vote_candidate DROP CONSTRAINT IF EXISTS vote_candidate_vote_id_id",
    "ALTER TABLE vote_cast DROP CONSTRAINT IF EXISTS vote_cast_vote_id_id",
    *[f"ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {t}_{c}_same_coop" for t, c, _ in reversed(REFS)],
    *[f"ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {t}_coop_id_id" for t in reversed(TABLES)],
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="votes", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        for statement in FORWARD:
            await engine.run_ddl(statement)

    async def run_backwards() -> None:
        engine = engine_finder()
        for statement in BACKWARD:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
