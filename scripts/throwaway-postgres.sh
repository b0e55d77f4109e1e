# Sourced by the scripts that need PostgreSQL: starts a throwaway PostgreSQL 15 cluster (as the
# postgres user, on a free loopback port, in a temporary directory), exports its URL as
# THROWAWAY_POSTGRES_URL and stops and deletes it when the calling script exits.
# Extra server settings may be given as arguments: start_throwaway_postgres -c fsync=off
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

start_throwaway_postgres() {
    if [ ! -x "$PG_BIN/initdb" ]; then
        echo "PostgreSQL 15 server binaries not found in $PG_BIN; installing postgresql-15…" >&2
        if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
            (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15) >&2
        else
            echo "Install PostgreSQL 15 (Debian: apt-get install postgresql-15) or set PG_BIN." >&2
            exit 1
        fi
    fi
    PG_DIR=$(mktemp -d /tmp/pacta-pg.XXXXXX)
    chmod 755 "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$PG_DIR"
    PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    trap stop_throwaway_postgres EXIT
    run_as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
    run_as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR $*" \
        start >/dev/null
    echo "PostgreSQL throwaway cluster on 127.0.0.1:$PG_PORT" >&2
    export THROWAWAY_POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
}

stop_throwaway_postgres() {
    run_as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
}

run_as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
