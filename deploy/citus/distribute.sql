-- Rehearsal: distribute the Osuus schema on Citus (run as the owner after `osuus migrate`).
-- Tenant tables are distributed by coop_id and co-located; shared tables are reference tables.
-- Every tenant key, unique constraint and reference starts with coop_id, so these calls succeed unchanged.

SELECT create_reference_table('region');
SELECT create_reference_table('coop');
SELECT create_reference_table('app_user');
SELECT create_reference_table('organisation');
SELECT create_reference_table('organisation_region');
SELECT create_reference_table('organisation_role');
SELECT create_reference_table('platform_operator');
SELECT create_reference_table('region_coordinator');
SELECT create_reference_table('email_token');

-- Shared tables that name a coop, distributed with the coop's rows.
SELECT create_distributed_table('coop_role', 'coop_id', colocate_with => 'none');
SELECT create_distributed_table('coop_profile', 'coop_id', colocate_with => 'coop_role');
SELECT create_distributed_table('notice', 'coop_id', colocate_with => 'coop_role');
SELECT create_distributed_table('activity', 'coop_id', colocate_with => 'coop_role');

-- Audit log, outbox and invitations may have no coop (platform events); they stay on the coordinator
-- as local tables until the deploy-and-scale issue splits them by kind.
