"""The operator console: regions, coops and organisations across the platform, the audit log, failed jobs."""
