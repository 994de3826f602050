#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and an empty file store.
# Usage: scripts/restore.sh DUMP FILES_TAR DATABASE_URL STORAGE_PATH
# Create the app role first on a new cluster (`festival create-app-role ROLE`): the dump grants
# it its privileges. All or nothing: the database restore runs in one transaction.
set -euo pipefail
if [ $# -ne 4 ]; then
  echo "usage: $0 DUMP FILES_TAR DATABASE_URL STORAGE_PATH" >&2
  exit 2
fi
dump=$1 files=$2 database_url=$3 storage_path=$4
# The app's URLs may name SQLAlchemy's driver; libpq wants the plain scheme.
database_url=${database_url/#postgresql+psycopg:/postgresql:}
pg_restore --no-owner --exit-on-error --single-transaction --dbname "$database_url" "$dump"
mkdir -p "$storage_path"
tar -C "$storage_path" -xzf "$files"
echo "restored $dump and $files"
