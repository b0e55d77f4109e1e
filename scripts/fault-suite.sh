#!/usr/bin/env bash
# The fault suite: real `pacta serve` processes on a throwaway PostgreSQL (fsync on, as in
# production) put through what operators meet: PostgreSQL stopped and restarted under load, two
# instances migrating and importing at once, kill -9 in the middle of imports. Prints one line
# per scenario and a summary line of tries and failures; exits non-zero on any failure.
# Takes about five minutes: it is not part of scripts/test.sh. Name scenarios to run only those:
#   scripts/fault-suite.sh database-stopped restart-load
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/throwaway-postgres.sh

swift build --product pacta >&2
start_throwaway_postgres -c max_connections=200
export PACTA_BIN=$PWD/.build/debug/pacta PG_DATA=$PG_DIR/data PG_PORT PG_BIN
python3 scripts/fault_suite.py "$@"
