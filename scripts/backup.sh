#!/usr/bin/env bash
# Back up Lantern: the PostgreSQL database (pg_dump, custom format) and the file store (tar).
# Usage: scripts/backup.sh DATABASE_URL STORAGE_PATH BACKUP_DIR
# Prints the two files it wrote. Run it with the owner's (migration) URL, not the app role's:
# the app role sees only one tenant at a time through row-level security.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 DATABASE_URL STORAGE_PATH BACKUP_DIR" >&2
  exit 2
fi
database_url=$1 storage_path=$2 backup_dir=$3
# The app's URLs may name SQLAlchemy's driver; libpq wants the plain scheme.
database_url=${database_url/#postgresql+psycopg:/postgresql:}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$backup_dir"
dump="$backup_dir/lantern-$stamp.dump"
files="$backup_dir/lantern-files-$stamp.tar.gz"
# --no-owner: the restore may run as another owner; privileges (the app role's grants) and the
# row-level security policies are kept.
pg_dump --format=custom --no-owner --file "$dump" "$database_url"
mkdir -p "$storage_path"
tar -C "$storage_path" -czf "$files" .
echo "$dump"
echo "$files"
