#!/usr/bin/env bash
# Times every page with the demo data: starts `pacta serve --demo` (a release build unless
# PACTA_BIN says otherwise) on a throwaway SQLite file and a free loopback port, signs in as the
# user each page is for, asks each page ROUNDS times (after one warm-up) and prints the median and
# the slowest answer, in milliseconds, as curl measures them (request sent to last byte).
#
# Environment:
#   PACTA_BIN   the pacta binary (default: .build/release/pacta, built when missing)
#   ROUNDS      answers timed per page (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."

pacta=${PACTA_BIN:-.build/release/pacta}
if [ ! -x "$pacta" ]; then
    echo "page-times: building a release pacta…" >&2
    swift build -c release --product pacta >&2
fi
rounds=${ROUNDS:-30}
dir=$(mktemp -d /tmp/pacta-pages.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
DATABASE_URL="$dir/pacta.sqlite" "$pacta" serve --demo --port "$port" >"$dir/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do curl -sf "$base/health" >/dev/null && break; sleep 0.2; done

# Signs `user` in (demo password); the cookie jar is $dir/jar-user.
sign_in() {
    local jar="$dir/jar-$1"
    local csrf
    csrf=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
    curl -s -c "$jar" -b "$jar" -o /dev/null -d "_csrf=$csrf&username=$1&password=pacta-demo-2026&next=/published" "$base/login"
}

# Prints `path  median  max  status` for `user`.
time_page() {
    local user=$1 path=$2 jar="$dir/jar-$1"
    local status
    status=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "$base$path")
    for _ in $(seq 1 "$rounds"); do
        curl -s -o /dev/null -w '%{time_total}\n' -b "$jar" "$base$path"
    done | sort -n | awk -v path="$path" -v user="$user" -v status="$status" \
        '{ t[NR] = $1 * 1000 } END { printf "%-58s %-12s %7.1f %7.1f  %s\n", path, user, t[int((NR + 1) / 2)], t[NR], status }'
}

for user in admin gestor gerencia comercial ops.credito cliente; do sign_in "$user"; done
# The demo's surveys: last month's closed, this month's open.
closed=$(curl -s -b "$dir/jar-gerencia" "$base/campaigns" | grep -o 'href="/campaigns/PERC-[0-9-]*"' | tail -1 | sed 's/href="//; s/"$//')
pending=$(curl -s -b "$dir/jar-cliente" "$base/surveys" | grep -o 'href="/surveys/[A-Z0-9-]*/[A-Z0-9-]*"' | head -1 | sed 's/href="//; s/"$//')
request=$(curl -s -b "$dir/jar-gerencia" "$base/requests" | grep -o 'href="/requests/[A-Z]*/[A-Za-z0-9-]*"' | head -1 | sed 's/href="//; s/"$//')
printf "%-58s %-12s %7s %7s  %s\n" "page" "user" "median" "max" "status"
for page in \
    "gerencia /published" "gerencia /agreements" "comercial /agreements?to_sign=1" "gerencia /agreements/OPCRED-COM" \
    "gerencia /agreements/OPCRED-COM/indicators" "gerencia /agreements/OPCRED-COM/indicators?period=2026-Q2" \
    "gerencia /agreements/OPCRED-COM/versions/1" "comercial /agreements/CONT-COM/sign" "gestor /agreements/new" \
    "ops.credito /agreements/OPCRED-COM/edit" "gerencia /units" "gestor /units/new" "gestor /units/import" \
    "gerencia /calendars" "gestor /calendars/new" "gerencia /requests" "gerencia /requests?page=40" \
    "gerencia /requests?agreement=none" "gerencia /requests?provider=TI&state=open" "gerencia $request" \
    "gestor /requests/import" "gerencia /warnings" "gestor /warnings" "gerencia /verify" "admin /users" "gestor /tokens" \
    "gestor /account" "gerencia /campaigns" "gerencia $closed" "gestor /campaigns/new" "cliente /surveys" "cliente $pending" \
    "gerencia /agreements/SEG-BDIG/indicators?period=2026-10" "gerencia /requests?agreement=TI-AGEN&outcome=missed"; do
    time_page ${page% *} ${page#* }
done
