#!/usr/bin/env bash
# Runs the whole test suite: the code's format first (.swift-format, the Hummingbird projects'
# configuration), then SQLite and PostgreSQL alike, the latter on a throwaway cluster that is
# always stopped and deleted afterwards; then the command line end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict --recursive --configuration .swift-format Sources Tests Package.swift
source scripts/throwaway-postgres.sh

start_throwaway_postgres -c fsync=off -c max_connections=400
export PACTA_TEST_POSTGRES_URL=$THROWAWAY_POSTGRES_URL
swift test "$@"
scripts/cli-checks.sh
