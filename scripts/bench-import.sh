#!/usr/bin/env bash
# Measures `pacta bench import` (a generated 1M-row request CSV) on SQLite and on a throwaway
# PostgreSQL 15 cluster (durable: fsync on; shared_buffers 1 GB, max_wal_size 4 GB), each time
# importing the file three times: new requests, the same again (unchanged), then all changed. Builds the release binary first.
# Arguments go to both runs, e.g. --rows 200000.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/throwaway-postgres.sh

swift build -c release --product pacta >&2
SQLITE_DIR=$(mktemp -d /tmp/pacta-bench.XXXXXX)
echo "== SQLite"
.build/release/pacta bench import --again --changed --database "$SQLITE_DIR/bench.sqlite" "$@"
rm -rf "$SQLITE_DIR"

start_throwaway_postgres -c shared_buffers=1GB -c max_wal_size=4GB
echo "== PostgreSQL"
.build/release/pacta bench import --again --changed --database "$THROWAWAY_POSTGRES_URL" "$@"
