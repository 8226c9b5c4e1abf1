"""The shared layer: settings, database and tenancy, accounts, regions, coops, organisations, operators."""
