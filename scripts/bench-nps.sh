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

# The same server with the clients in another process: wrk (apt-get install wrk), 64 connections,
# 10 s, against `pacta serve`; every acknowledged answer must be stored.
if command -v wrk >/dev/null; then
    echo "== PostgreSQL (fsync on), clients outside the process (wrk)"
    export PACTA_TOKEN
    PACTA_TOKEN=$(.build/release/pacta token create --database "$THROWAWAY_POSTGRES_URL" --user bench-admin --name wrk | grep -oE 'pacta_[0-9a-f]+' | head -1)
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    DATABASE_URL="$THROWAWAY_POSTGRES_URL" .build/release/pacta serve --port "$PORT" --log-level warning &
    SERVER=$!
    until curl -sf "http://127.0.0.1:$PORT/health" >/dev/null; do sleep 0.2; done
    count() { psql "$THROWAWAY_POSTGRES_URL" -Atc "SELECT COUNT(*) FROM nps_responses"; }
    BEFORE=$(count)
    OUTPUT=$(wrk -t2 -c64 -d10s -s scripts/wrk-nps.lua "http://127.0.0.1:$PORT")
    kill "$SERVER"; wait "$SERVER" || true
    STORED=$(( $(count) - BEFORE ))
    ACKNOWLEDGED=$(echo "$OUTPUT" | sed -n 's/^acknowledged=//p')
    echo "$OUTPUT" | grep '^wrk:'
    echo "acknowledged $ACKNOWLEDGED, stored $STORED: lost $(( ACKNOWLEDGED > STORED ? ACKNOWLEDGED - STORED : 0 ))"
    [ "$ACKNOWLEDGED" -le "$STORED" ] || { echo "acknowledged answers are missing" >&2; exit 1; }
fi

SQLITE_DIR=$(mktemp -d /tmp/pacta-bench.XXXXXX)
echo "== SQLite"
.build/release/pacta bench nps --database "$SQLITE_DIR/bench.sqlite" "$@"
rm -rf "$SQLITE_DIR"
