#!/bin/sh
# Creates Temporal's two databases and brings their schemas up to date. Safe to run again:
# creating an existing database or the base schema fails harmlessly, and update-schema only
# applies what is missing.
set -eu
tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p 5432 "$@"; }
for db in temporal temporal_visibility; do
  tool --db "$db" create 2>/dev/null || echo "database $db exists"
  tool --db "$db" setup-schema -v 0.0 2>/dev/null || echo "database $db has a schema"
done
tool --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned
tool --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned
echo "Temporal schema is up to date"
