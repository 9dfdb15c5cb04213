#!/bin/sh
# One-shot: creates Temporal's two databases on the shared PostgreSQL and brings their schemas up
# to the version the admin-tools image ships. Safe to re-run (create tolerates an existing DB).
set -eu
ep="${POSTGRES_SEEDS:-postgres}"
user="${POSTGRES_USER:-postgres}"
export SQL_PASSWORD="${POSTGRES_PWD:-}"
until nc -z -w 2 "$ep" "${DB_PORT:-5432}"; do echo "waiting for $ep..."; sleep 1; done
for db in temporal temporal_visibility; do
  dir=temporal; [ "$db" = temporal_visibility ] && dir=visibility
  temporal-sql-tool --plugin postgres12 --ep "$ep" -u "$user" -p "${DB_PORT:-5432}" --db "$db" create || true
  temporal-sql-tool --plugin postgres12 --ep "$ep" -u "$user" -p "${DB_PORT:-5432}" --db "$db" setup-schema -v 0.0 || true
  temporal-sql-tool --plugin postgres12 --ep "$ep" -u "$user" -p "${DB_PORT:-5432}" --db "$db" \
    update-schema -d "/etc/temporal/schema/postgresql/v12/$dir/versioned"
done
echo "temporal schemas ready"
