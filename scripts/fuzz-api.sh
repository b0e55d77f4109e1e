#!/usr/bin/env bash
# Fuzzes the JSON API against openapi.yaml with Schemathesis (4.x): starts `pacta serve --demo` on a
# throwaway SQLite file (or PostgreSQL) and a free loopback port, makes an administrator's API token
# with `pacta token create`, and runs every check (server errors, undocumented statuses, answers that
# break their schema, invalid data accepted, valid data refused, …) over every operation. Prints the
# number of cases, server errors and schema violations; exits non-zero on any failure.
#
# Environment:
#   PACTA_BIN          the pacta binary (default .build/debug/pacta, built when missing)
#   FUZZ_EXAMPLES      test cases per operation and phase (default 200: about 5 minutes on 2 cores)
#   FUZZ_SEED          Hypothesis seed, to replay a run (default: random, printed)
#   FUZZ_WORKERS       concurrent Schemathesis workers (default 2)
#   FUZZ_PHASES        Schemathesis phases (default examples,coverage,fuzzing,stateful)
#   FUZZ_CHECKS        checks to run (default all)
#   FUZZ_EXCLUDE_CHECKS  checks to leave out (default none), e.g. unsupported_method
#   FUZZ_DATABASE_URL  an empty throwaway database (PostgreSQL URL or SQLite path) instead of a new
#                      SQLite file: the demo is seeded into it and the run changes it
#   FUZZ_POSTGRES=1    fuzz a throwaway PostgreSQL cluster (scripts/throwaway-postgres.sh)
#   FUZZ_REPORT_DIR    where the JUnit/NDJSON reports and the server log go (default: a temp dir, kept)
set -euo pipefail
cd "$(dirname "$0")/.."

pacta=${PACTA_BIN:-.build/debug/pacta}
if [ ! -x "$pacta" ]; then
    echo "fuzz-api: $pacta is missing; building it…" >&2
    swift build --product pacta >&2
    pacta=$(swift build --show-bin-path)/pacta
fi
examples=${FUZZ_EXAMPLES:-200}
seed=${FUZZ_SEED:-$RANDOM$RANDOM}
workers=${FUZZ_WORKERS:-2}
phases=${FUZZ_PHASES:-examples,coverage,fuzzing,stateful}
checks=${FUZZ_CHECKS:-all}
dir=$(mktemp -d /tmp/pacta-fuzz.XXXXXX)
report=${FUZZ_REPORT_DIR:-$dir/report}
mkdir -p "$report"
report=$(cd "$report" && pwd)
repo=$PWD
server_pid=

cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if declare -F stop_throwaway_postgres >/dev/null; then stop_throwaway_postgres; fi
    rm -f "$dir/fuzz.sqlite" "$dir/fuzz.sqlite-wal" "$dir/fuzz.sqlite-shm"
}
trap cleanup EXIT

if [ "${FUZZ_POSTGRES:-}" = 1 ]; then
    source scripts/throwaway-postgres.sh
    start_throwaway_postgres -c fsync=off
    trap cleanup EXIT  # throwaway-postgres.sh sets its own trap; cleanup stops the cluster too
    database=$THROWAWAY_POSTGRES_URL
else
    database=${FUZZ_DATABASE_URL:-$dir/fuzz.sqlite}
fi

# Schemathesis 4 (its command line differs from 3.x).
if ! command -v schemathesis >/dev/null; then
    echo "fuzz-api: installing schemathesis…" >&2
    python3 -m pip install --quiet 'schemathesis>=4,<5' >&2 \
        || python3 -m pip install --quiet --break-system-packages 'schemathesis>=4,<5' >&2
    PATH="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
fi
version=$(schemathesis --version | sed -n 's/.*version \([0-9][0-9.]*\).*/\1/p')
case "$version" in
    4.*) ;;
    *) echo "fuzz-api: needs Schemathesis 4.x, found '$version' (pip install 'schemathesis>=4,<5')" >&2; exit 2 ;;
esac

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
PACTA_HOME=$PWD "$pacta" serve --demo --database "$database" --host 127.0.0.1 --port "$port" --log-level warning \
    >"$report/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
    curl -fsS "$base/health" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { echo "fuzz-api: the server stopped:" >&2; tail -20 "$report/server.log" >&2; exit 1; }
    sleep 0.5
done
curl -fsS "$base/health" >/dev/null || { echo "fuzz-api: the server did not answer /health in 60 s" >&2; exit 1; }

token=$("$pacta" token create --user admin --name fuzz --database "$database" 2>"$report/token.log") \
    || { echo "fuzz-api: pacta token create failed (is the database empty, so that --demo seeds it?):" >&2; cat "$report/token.log" >&2; exit 1; }
# DELETE /tokens/{id} revokes a decoy (or none), never the token the run uses.
"$pacta" token create --user admin --name fuzz-decoy --database "$database" >/dev/null 2>&1
api() { curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/$1"; }
for list in tokens users units calendars agreements warnings; do api "$list" >"$dir/$list.json"; done

# The schema states the form of every input, not which records exist nor the business rules
# (an unknown unit, a code already taken, dates in the wrong order): a schema-valid request may be
# refused with 422, so 422 counts as an acceptable answer to valid data. Half of the codes sent are
# ones the demo has, so that the fuzzing gets past "not found" and "unknown unit".
python3 - "$dir" >"$dir/schemathesis.toml" <<'PY'
import json, sys
folder = sys.argv[1]
def load(name):
    return json.load(open(f"{folder}/{name}.json"))["items"]
def values(items, key="code"):
    return "[" + ", ".join(json.dumps(v) for v in sorted({item[key] for item in items})[:100]) + "]"
decoy = next(t["id"] for t in load("tokens") if t["name"] == "fuzz-decoy")
# PUT /users/{id} changes a viewer, never the administrator the run acts as.
viewer = next((u["id"] for u in load("users") if u["role"] == "viewer"), 999998)
refs = load("warnings") or [{"external_ref": "none"}]
print(f"""[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "422"]

[dictionaries.units]
values = {values(load("units"))}
[dictionaries.calendars]
values = {values(load("calendars"))}
[dictionaries.agreements]
values = {values(load("agreements"))}
[dictionaries.refs]
values = {values(refs, "external_ref")}
[dictionaries.tokens]
values = [{decoy}, 999999]
[dictionaries.users]
values = [{viewer}, 999999]

[parameters]
"body.provider" = {{ dictionary = "units", probability = 0.5 }}
"body.client" = {{ dictionary = "units", probability = 0.5 }}
"body.parent" = {{ dictionary = "units", probability = 0.5 }}
"body.owner" = {{ dictionary = "units", probability = 0.5 }}
"body.unit" = {{ dictionary = "units", probability = 0.5 }}
"body.[*].provider" = {{ dictionary = "units", probability = 0.5 }}
"body.[*].client" = {{ dictionary = "units", probability = 0.5 }}
"body.commitments.[*].calendar" = {{ dictionary = "calendars", probability = 0.5 }}
"path.provider" = {{ dictionary = "units", probability = 0.5 }}
"path.ref" = {{ dictionary = "refs", probability = 0.5 }}

[[operations]]
include-path-regex = "^/agreements/[{{]code[}}]"
parameters = {{ "path.code" = {{ dictionary = "agreements", probability = 0.5 }} }}

[[operations]]
include-path = "/units/{{code}}"
parameters = {{ "path.code" = {{ dictionary = "units", probability = 0.5 }} }}

[[operations]]
include-path = "/calendars/{{code}}"
parameters = {{ "path.code" = {{ dictionary = "calendars", probability = 0.5 }} }}

# With skip_invalid=true an import writes the good rows and answers 200, listing the bad ones.
[[operations]]
include-name = "POST /requests"
checks.negative_data_rejection.expected-statuses = ["200", "400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]

[[operations]]
include-path = "/tokens/{{id}}"
parameters = {{ "path.id" = {{ dictionary = "tokens", probability = 1.0 }} }}

[[operations]]
include-path = "/users/{{id}}"
parameters = {{ "path.id" = {{ dictionary = "users", probability = 1.0 }} }}""")
PY

exclude=()
[ -n "${FUZZ_EXCLUDE_CHECKS:-}" ] && exclude=(--exclude-checks "$FUZZ_EXCLUDE_CHECKS")
echo "fuzz-api: pacta on $base ($database), $examples examples per operation, seed $seed, reports in $report" >&2
# Run from the temporary folder, so that the caches of Schemathesis and Hypothesis stay out of the repository.
set +e
(cd "$dir" && schemathesis --config-file "$dir/schemathesis.toml" run "$repo/openapi.yaml" \
    --url "$base/api/v1" \
    --header "Authorization: Bearer $token" \
    --checks "$checks" "${exclude[@]}" \
    --phases "$phases" \
    --max-examples "$examples" \
    --seed "$seed" \
    --workers "$workers" \
    --request-timeout 60 \
    --suppress-health-check all \
    --continue-on-failure \
    --report junit,ndjson --report-dir "$report" \
    --no-color) | tee "$report/schemathesis.txt"
status=${PIPESTATUS[0]}
set -e

# Counts from the NDJSON event stream: the cases sent, and the failures by operation and check
# (as Schemathesis counts unique failures), with one example message each.
python3 - "$report" <<'PY'
import collections, json, pathlib, sys
cases, failures = 0, {}
for path in pathlib.Path(sys.argv[1]).glob("ndjson-*.ndjson"):
    for line in path.open():
        event = json.loads(line).get("ScenarioFinished")
        if not event:
            continue
        recorder = event["recorder"]
        cases += len(recorder.get("cases") or {})
        for checks in (recorder.get("checks") or {}).values():
            for check in checks:
                if check.get("status") == "failure":
                    failure = (check.get("failure_info") or {}).get("failure") or {}
                    message = " ".join(failure.get("message", "").split())[:160]
                    failures.setdefault((recorder["label"], check["name"], failure.get("code")), message)
by_check = collections.Counter(name for _, name, _ in failures)
server_errors = by_check["not_a_server_error"]
schema = sum(by_check[name] for name in ("response_schema_conformance", "status_code_conformance", "content_type_conformance", "response_headers_conformance"))
print(f"fuzz-api: {cases} cases, {server_errors} server errors, {schema} schema violations, "
      f"{sum(by_check.values()) - server_errors - schema} other failures")
for (label, name, code), message in sorted(failures.items(), key=lambda item: (item[0][1], item[0][0])):
    print(f"fuzz-api:   {code} {name} {label}: {message}")
PY
if [ "$status" -ne 0 ]; then
    echo "fuzz-api: FAILED (schemathesis exit $status); replay with FUZZ_SEED=$seed; reports in $report" >&2
    exit "$status"
fi
echo "fuzz-api: passed"
