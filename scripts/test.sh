#!/usr/bin/env bash
# Runs the whole test suite: the code's format first (.swift-format, the Hummingbird projects'
# configuration), then SQLite and PostgreSQL alike, the latter on a throwaway cluster that is
# always stopped and deleted afterwards, with a real SMTP relay on loopback (aiosmtpd) for the
# survey e-mails; then the command line end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict --recursive --configuration .swift-format Sources Tests Package.swift
source scripts/throwaway-postgres.sh
source scripts/throwaway-smtp.sh

start_throwaway_postgres -c fsync=off -c max_connections=400
start_throwaway_smtp
trap 'stop_throwaway_smtp; stop_throwaway_postgres' EXIT
export PACTA_TEST_POSTGRES_URL=$THROWAWAY_POSTGRES_URL
export PACTA_TEST_SMTP_URL=$THROWAWAY_SMTP_URL PACTA_TEST_SMTP_MAILDIR=$THROWAWAY_SMTP_MAILDIR
swift test "$@"
scripts/cli-checks.sh
