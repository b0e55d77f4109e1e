# Sourced by the scripts that need an SMTP relay: starts Python's aiosmtpd (installed from PyPI
# when missing) on a free loopback port, with STARTTLS on a throwaway self-signed certificate,
# keeping every message it receives in a Maildir. Exports THROWAWAY_SMTP_URL (STARTTLS
# required, the certificate not checked) and THROWAWAY_SMTP_MAILDIR; call
# stop_throwaway_smtp when done (scripts/test.sh does, with PostgreSQL's).
start_throwaway_smtp() {
    if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
        echo "Installing aiosmtpd from PyPI…" >&2
        python3 -m pip install --quiet aiosmtpd >&2
    fi
    SMTP_DIR=$(mktemp -d /tmp/pacta-smtp.XXXXXX)
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
        -keyout "$SMTP_DIR/key.pem" -out "$SMTP_DIR/cert.pem" >/dev/null 2>&1
    SMTP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" --tlscert "$SMTP_DIR/cert.pem" --tlskey "$SMTP_DIR/key.pem" \
        -c aiosmtpd.handlers.Mailbox "$SMTP_DIR/maildir" >"$SMTP_DIR/server.log" 2>&1 &
    SMTP_PID=$!
    for _ in $(seq 1 50); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $SMTP_PORT), 1)" 2>/dev/null && break
        sleep 0.1
    done
    echo "SMTP relay (aiosmtpd, STARTTLS) on 127.0.0.1:$SMTP_PORT" >&2
    export THROWAWAY_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT?verify=false"
    export THROWAWAY_SMTP_MAILDIR="$SMTP_DIR/maildir"
}

stop_throwaway_smtp() {
    kill "$SMTP_PID" 2>/dev/null || true
    wait "$SMTP_PID" 2>/dev/null || true
    rm -rf "$SMTP_DIR"
}
