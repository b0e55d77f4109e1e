#!/usr/bin/env bash
# The command line, end to end on a throwaway SQLite file: the demo, a first API token without the
# web, a bad file reported by line and column, and `pacta verify` catching a signer renamed in the
# database and a kept head rewritten.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product pacta >/dev/null 2>&1
pacta=$(swift build --show-bin-path)/pacta
dir=$(mktemp -d /tmp/pacta-cli.XXXXXX)
trap 'rm -rf "$dir"' EXIT
db="$dir/pacta.sqlite"
fail() { echo "cli-checks: $*" >&2; exit 1; }

"$pacta" demo --database "$db" >/dev/null
secret=$("$pacta" token create --database "$db" --user gestor --name "ci" 2>/dev/null)
[[ $secret =~ ^pacta_[0-9a-f]{64}$ ]] || fail "token create printed '$secret'"
if "$pacta" token create --database "$db" --user nadie --name ci >/dev/null 2>&1; then fail "a token for an unknown user"; fi

# A Latin-1 file with a date out of range: every problem by file, line and column; nothing written.
printf 'external_ref,provider,client,service,priority,opened_at,first_response_at,resolved_at,pauses\rX-1,TI,AGEN,Caf\xe9,P1,2026-10-05T09:00:00-05:00,,,\rX-2,TI,AGEN,Correo,P1,0001-01-01T00:00:00+14:00,,,\r' >"$dir/bad.csv"
if out=$("$pacta" import requests "$dir/bad.csv" --database "$db" 2>&1); then fail "a bad file was imported: $out"; fi
grep -q "bad.csv:2, column service: The text is not UTF-8" <<<"$out" || fail "import said: $out"
grep -q "bad.csv:3, column opened_at: .* outside the years" <<<"$out" || fail "import said: $out"

# What a Spanish-locale Excel saves: BOM, semicolons, CRLF, local times; one request to an
# agreement (TI-AGEN), one between units without one.
printf '\xef\xbb\xbfexternal_ref;provider;client;service;priority;opened_at\r\nXL-1;TI;AGEN;Correo;P1;2026-10-05 09:00\r\nXL-2;TI;JUR;Correo;P1;2026-10-05 10:00\r\n' >"$dir/excel.csv"
out=$("$pacta" import requests "$dir/excel.csv" --database "$db" 2>&1) || fail "the Excel file was refused: $out"
grep -q "Requests: 2 created" <<<"$out" || fail "import said: $out"
grep -q "1 belong to an agreement, 1 to none" <<<"$out" || fail "import said: $out"

# NPS answers from a kiosk export: every bad row by line and column, then the good ones, read back.
printf 'external_ref,answered_at,channel,touchpoint,transaction,score,comment\nK-1,2026-11-20 10:00,branch,AG-UIO-01,deposito,10,Excelente\nK-2,2026-11-20 10:05,atm,AG-UIO-01,retiro,3,\nK-3,2026-11-20 10:06,branch,AG-UIO-01,deposito,11,\n' >"$dir/nps.csv"
if out=$("$pacta" import nps-responses "$dir/nps.csv" --database "$db" 2>&1); then fail "a bad NPS file was imported: $out"; fi
grep -q "nps.csv:3, column channel: The touchpoint AG-UIO-01 is on the channel branch, not atm" <<<"$out" || fail "import said: $out"
grep -q "nps.csv:4, column score:" <<<"$out" || fail "import said: $out"
out=$("$pacta" import nps-responses "$dir/nps.csv" --skip-invalid --database "$db" 2>&1) || fail "skip-invalid refused: $out"
grep -q "Answers: 1 created" <<<"$out" || fail "import said: $out"
"$pacta" report nps --period 2026-11-20 --by touchpoint --touchpoint AG-UIO-01 --database "$db" | grep -q "^2026-11-20,touchpoint,AG-UIO-01,Agencia Matriz Quito,branch," || fail "report nps did not list the touchpoint"

out=$("$pacta" verify --database "$db") || fail "verify of the demo: $out"
grep -q " 0 divergences" <<<"$out" || fail "verify said: $out"
head=$(sed -n 's/.*Ledger head: \([0-9a-f]\{64\}\).*/\1/p' <<<"$out")
[ -n "$head" ] || fail "no ledger head in: $out"
"$pacta" verify --database "$db" --head "$head" | grep -q "nothing up to it was rewritten" || fail "the head is not found"

# Someone renames a signer straight in the database: verify says so, and fails.
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE signatures SET signer_name='Otra Persona' WHERE rowid=1\"); c.commit()" "$db"
if out=$("$pacta" verify --database "$db"); then fail "verify passed a renamed signer"; fi
grep -q "signature_altered" <<<"$out" || fail "verify said: $out"
# A head no ledger entry has.
out=$("$pacta" verify --database "$db" --head "$(printf '1%.0s' {1..64})" || true)
grep -q "HEAD NOT FOUND" <<<"$out" || fail "an unknown head was not reported: $out"
echo "cli-checks: demo, token create, a bad import, an Excel file, NPS answers and verify (--head) behave"
