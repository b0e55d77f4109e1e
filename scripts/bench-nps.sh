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
    # Where the CPU goes: clock ticks used by Pacta, by the cluster's processes and by wrk, and
    # left idle, over the middle 6 s of the run (from /proc, so Linux only).
    ticks() { for pid in "$@"; do awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null; done | awk '{ s += $1 } END { print s + 0 }'; }
    idle() { awk '/^cpu / { print $5 }' /proc/stat; }
    account() {
        sleep 2
        local postmaster; postmaster=$(head -1 "$PG_DIR/data/postmaster.pid")
        local cluster="$postmaster $(pgrep -P "$postmaster" | tr '\n' ' ')" client; client=$(pgrep -x "$1" | tr '\n' ' ')
        local a=$(ticks "$SERVER") b=$(ticks $cluster) c=$(ticks $client) i=$(idle)
        sleep 6
        echo "$(( $(ticks "$SERVER") - a )) $(( $(ticks $cluster) - b )) $(( $(ticks $client) - c )) $(( $(idle) - i ))"
    }
    # CPU per request (or transaction) at `rate` a second: Pacta's, the cluster's and the
    # client's, and the idle share.
    per_request() {
        read -r PACTA CLUSTER CLIENT IDLE < "$PG_DIR/cpu"
        awk -v p="$PACTA" -v g="$CLUSTER" -v w="$CLIENT" -v i="$IDLE" -v r="$1" -v client="$2" -v hz="$(getconf CLK_TCK)" -v cores="$(nproc)" 'BEGIN {
            n = r * 6
            if (client == "pgbench") printf "  CPU per transaction: PostgreSQL %.0f µs, pgbench %.0f µs", g / hz / n * 1e6, w / hz / n * 1e6
            else printf "  CPU per request: Pacta %.0f µs, PostgreSQL %.0f µs, wrk %.0f µs", p / hz / n * 1e6, g / hz / n * 1e6, w / hz / n * 1e6
            printf "; idle %.0f %% of %d cores\n", i / hz / 6 / cores * 100, cores }'
    }
    # pgbench once more, for where its CPU goes: the floor the answers are held to.
    PGOPTIONS="-c client_min_messages=warning" psql "$THROWAWAY_POSTGRES_URL" -qc "CREATE TABLE IF NOT EXISTS pacta_bench_single_rows (id BIGSERIAL PRIMARY KEY, score INTEGER NOT NULL, note TEXT NOT NULL)"
    echo "INSERT INTO pacta_bench_single_rows (score, note) VALUES (7, 'pgbench');" > "$PG_DIR/pgbench.sql"
    account pgbench > "$PG_DIR/cpu" &
    OUTPUT=$("$PG_BIN/pgbench" -n -c 32 -j 2 -T 10 -f "$PG_DIR/pgbench.sql" "$THROWAWAY_POSTGRES_URL")
    wait $!
    RATE=$(echo "$OUTPUT" | sed -n 's/^tps = \([0-9]*\).*/\1/p')
    echo "pgbench, single-row INSERT transactions, 32 clients: $RATE tps"
    per_request "$RATE" pgbench
    BEFORE=$(count)
    account wrk > "$PG_DIR/cpu" &
    OUTPUT=$(wrk -t2 -c64 -d10s -s scripts/wrk-nps.lua "http://127.0.0.1:$PORT")
    wait $!
    echo "$OUTPUT" | grep '^wrk:'
    per_request "$(echo "$OUTPUT" | sed -n 's/.* \([0-9]*\) answers\/s.*/\1/p')" wrk
    STORED=$(( $(count) - BEFORE ))
    ACKNOWLEDGED=$(echo "$OUTPUT" | sed -n 's/^acknowledged=//p')
    echo "acknowledged $ACKNOWLEDGED, stored $STORED: lost $(( ACKNOWLEDGED > STORED ? ACKNOWLEDGED - STORED : 0 ))"
    [ "$ACKNOWLEDGED" -le "$STORED" ] || { echo "acknowledged answers are missing" >&2; exit 1; }
    # The floor under any answer: a bare GET /health through the same server and middleware.
    account wrk > "$PG_DIR/cpu" &
    OUTPUT=$(wrk -t2 -c64 -d10s "http://127.0.0.1:$PORT/health")
    wait $!
    RATE=$(echo "$OUTPUT" | sed -n 's/^Requests\/sec: *\([0-9]*\).*/\1/p')
    echo "GET /health, wrk, 64 connections: $RATE requests/s"
    per_request "$RATE" wrk
    kill "$SERVER"; wait "$SERVER" || true
fi

SQLITE_DIR=$(mktemp -d /tmp/pacta-bench.XXXXXX)
echo "== SQLite"
.build/release/pacta bench nps --database "$SQLITE_DIR/bench.sqlite" "$@"
rm -rf "$SQLITE_DIR"
