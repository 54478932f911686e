#!/bin/sh
# PostgreSQL's docker entrypoint runs this once, on an empty data directory: one database and
# one owner per service, so no service can read another's tables. The password comes from
# ORDO_DB_PASSWORD (docker-compose.yml sets it; the default is for development only).
set -eu

password=${ORDO_DB_PASSWORD:-ordo}

for service in orders planning delivery feedback; do
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
        -v role="ordo_$service" -v password="$password" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"role" OWNER :"role";
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
SQL
done
