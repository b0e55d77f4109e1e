#!/usr/bin/env bash
# Measures `pacta bench nps`: concurrent HTTP clients posting single NPS answers to a release
# Pacta, each waiting for its commit. On a throwaway PostgreSQL 15 cluster with fsync on (durable,
# as in production; pgbench's single-row insert rate is measured on it in the same run), then on
# SQLite. Builds the release binary first. Arguments go to both runs, e.g. --seconds 20 --clients 128.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/throwaway-postgres.sh

swift build -c release --product pacta >&2
start_throwaway_postgres -c shared_buffers=512MB -c max_connections=200
echo "== PostgreSQL (fsync on)"
.build/release/pacta bench nps --database "$THROWAWAY_POSTGRES_URL" "$@"

SQLITE_DIR=$(mktemp -d /tmp/pacta-bench.XXXXXX)
echo "== SQLite"
.build/release/pacta bench nps --database "$SQLITE_DIR/bench.sqlite" "$@"
rm -rf "$SQLITE_DIR"
