#!/usr/bin/env python3
"""Pacta's fault suite: real servers on a real PostgreSQL, and the faults operators meet.

Run through scripts/fault-suite.sh, which starts a throwaway PostgreSQL (fsync on) and builds
pacta. Each scenario counts tries and failures; the last line sums them up:

  migrate-race      two instances migrate a fresh database at once: both start
  database-stopped  PostgreSQL stopped 30 s: every request answered 503 + Retry-After within
                    bounded time, /health alive, /health/ready not; service back within 5 s
  restart-load      pg_ctl restart -m fast under load: every request answered (never a 500,
                    never silence); SIGTERM then ends the server within its grace period
  kill-import       kill -9 in the middle of 100k-row imports: all of an import or none of it
  import-race       two instances import the same rows in opposite orders at once: both succeed
  sqlite-readers    on SQLite, pages and API reads answer while a 400k-row import writes
"""

import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

PACTA = os.environ["PACTA_BIN"]
ADMIN_URL = os.environ["THROWAWAY_POSTGRES_URL"]
PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")
PG_DATA = os.environ["PG_DATA"]
PG_PORT = os.environ["PG_PORT"]
AS_POSTGRES = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
WORK = tempfile.mkdtemp(prefix="pacta-faults-")

results = []


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def pg_ctl(*args):
    subprocess.run(AS_POSTGRES + [f"{PG_BIN}/pg_ctl", "-D", PG_DATA, "-w", *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def psql(sql, database="postgres"):
    out = subprocess.run([f"{PG_BIN}/psql", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", "-d", database,
                          "-At", "-c", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def fresh_database():
    name = f"pacta_fault_{random.randrange(1 << 30)}"
    psql(f"CREATE DATABASE {name}")
    return ADMIN_URL.replace("/postgres?", f"/{name}?"), name


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirects)


def http(method, url, body=None, headers=None, timeout=60):
    """(status, seconds, headers), redirects not followed; status None when no answer came within `timeout`."""
    started = time.monotonic()
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with OPENER.open(request, timeout=timeout) as response:
            response.read()
            return response.status, time.monotonic() - started, dict(response.headers)
    except urllib.error.HTTPError as error:
        error.read()
        return error.code, time.monotonic() - started, dict(error.headers)
    except Exception:
        return None, time.monotonic() - started, {}


class Server:
    """`pacta serve` on a database, with short timeouts so that faults show quickly."""

    def __init__(self, database_url, demo=False, grace=5):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, DATABASE_URL=database_url, DATABASE_CONNECT_TIMEOUT="2",
                   DATABASE_STATEMENT_TIMEOUT="20", HTTP_SHUTDOWN_GRACE=str(grace), LOG_LEVEL="warning")
        self.log = open(os.path.join(WORK, f"server-{self.port}.log"), "w")
        arguments = [PACTA, "serve", "--port", str(self.port)] + (["--demo"] if demo else [])
        self.process = subprocess.Popen(arguments, env=env, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if http("GET", self.base + "/health", timeout=2)[0] == 200:
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"pacta serve exited with {self.process.returncode}; see {self.log.name}")
            time.sleep(0.2)
        raise RuntimeError("pacta serve did not start")

    def stop(self, sig=signal.SIGTERM, wait=30):
        """Seconds until the process ended after `sig`; None if it did not within `wait`."""
        started = time.monotonic()
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=wait)
            return time.monotonic() - started
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None


def token(database_url, user="admin"):
    out = subprocess.run([PACTA, "token", "create", "--user", user, "--name", "fault suite", "--database", database_url],
                         check=True, capture_output=True, text=True).stdout
    return next(word for line in out.splitlines() for word in line.split() if word.startswith("pacta_"))


def requests_csv(rows, reverse=False, prefix="F"):
    numbers = range(rows, 0, -1) if reverse else range(1, rows + 1)
    lines = ["external_ref,provider,client,service,priority,opened_at,first_response_at,resolved_at,pauses"]
    lines += [f"{prefix}-{n},TI,AGEN,Correo,P1,2026-10-05T09:00:00-05:00,2026-10-05T09:30:00-05:00,,"
              for n in numbers]
    return ("\n".join(lines) + "\n").encode()


def stop_in_grace(server, failures):
    """SIGTERM: the server must end within its 5 s grace period and a margin."""
    ended = server.stop()
    if ended is None or ended > 10:
        failures.append(f"SIGTERM: ended after {ended} s")
    return ended


def record(scenario, tries, failures, notes):
    results.append((scenario, tries, len(failures)))
    log(f"{scenario}: {tries} tries, {len(failures)} failures. {notes}")
    for failure in failures[:10]:
        log(f"  failure: {failure}")


# --- Scenarios ------------------------------------------------------------------------------


def migrate_race(tries=5):
    failures = []
    for _ in range(tries):
        url, _ = fresh_database()
        runs = [subprocess.Popen([PACTA, "migrate", "--database", url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                for _ in range(2)]
        for run in runs:
            output = run.communicate(timeout=120)[0].decode()
            if run.returncode != 0:
                failures.append(output.strip().splitlines()[-1:])
    record("migrate-race", tries * 2, failures, "Two `pacta migrate` at once on a fresh database.")


def database_stopped(outage=30):
    url, _ = fresh_database()
    server = Server(url, demo=True)
    secret = token(url)
    api = {"Authorization": f"Bearer {secret}"}
    failures = []
    tries = 0
    pg_ctl("stop", "-m", "fast")
    stopped = time.monotonic()
    slowest = 0.0
    while time.monotonic() - stopped < outage:
        for path, headers, expected in [("/api/v1/agreements", api, 503), ("/published", {}, None), ("/health", {}, 200),
                                        ("/health/ready", {}, 503)]:
            tries += 1
            status, seconds, answer = http("GET", server.base + path, headers=headers, timeout=15)
            slowest = max(slowest, seconds)
            if status is None or seconds > 8:
                failures.append(f"{path}: no answer within 8 s ({seconds:.1f} s)")
            elif expected and status != expected:
                failures.append(f"{path}: {status}, expected {expected}")
            elif status == 503 and "Retry-After" not in answer:
                failures.append(f"{path}: 503 without Retry-After")
            elif expected is None and status not in (303, 503):
                failures.append(f"{path}: {status}")
    pg_ctl("start", "-o", f"-c listen_addresses=127.0.0.1 -c port={PG_PORT} -c unix_socket_directories={PG_DATA}/..")
    back = time.monotonic()
    recovered = None
    while time.monotonic() - back < 30:
        if http("GET", server.base + "/api/v1/agreements", headers=api, timeout=10)[0] == 200:
            recovered = time.monotonic() - back
            break
        time.sleep(0.1)
    tries += 1
    if recovered is None or recovered > 5:
        failures.append(f"service back {recovered if recovered is None else round(recovered, 1)} s after PostgreSQL")
    ended = stop_in_grace(server, failures)
    tries += 1
    record("database-stopped", tries, failures,
           f"Slowest answer {slowest:.1f} s; service back {recovered and round(recovered, 2)} s after PostgreSQL restarted.")


def restart_load(restarts=5, workers=4):
    url, _ = fresh_database()
    server = Server(url, demo=True)
    secret = token(url)
    headers = {"Authorization": f"Bearer {secret}"}
    failures = []
    counts = {"tries": 0, "ok": 0, "503": 0, "slowest": 0.0, "slow": []}
    lock = threading.Lock()
    stop = threading.Event()

    def worker(number):
        sequence = 0
        while not stop.is_set():
            sequence += 1
            started = time.monotonic() - begun
            if sequence % 3 == 0:
                body = requests_csv(50, prefix=f"L{number}-{sequence}")
                status, seconds, _ = http("POST", server.base + "/api/v1/requests", body=body,
                                          headers=dict(headers, **{"Content-Type": "text/csv"}), timeout=60)
            else:
                status, seconds, _ = http("GET", server.base + "/api/v1/agreements", headers=headers, timeout=60)
            with lock:
                counts["tries"] += 1
                counts["slowest"] = max(counts["slowest"], seconds)
                if seconds > 10:
                    counts["slow"].append(f"{'import' if sequence % 3 == 0 else 'list'} started at {started:.1f} s: {status} after {seconds:.1f} s")
                if status is None:
                    failures.append(f"no answer after {seconds:.1f} s")
                elif seconds > 25:
                    failures.append(f"answered {status} only after {seconds:.1f} s")
                elif status >= 500 and status != 503:
                    failures.append(f"status {status}")
                elif status == 503:
                    counts["503"] += 1
                else:
                    counts["ok"] += 1

    begun = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for _ in range(restarts):
        time.sleep(3)
        log(f"restart at {time.monotonic() - begun:.1f} s")
        pg_ctl("restart", "-m", "fast", "-o",
               f"-c listen_addresses=127.0.0.1 -c port={PG_PORT} -c unix_socket_directories={PG_DATA}/..")
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join()
    ended = stop_in_grace(server, failures)
    for slow in counts["slow"]:
        log(f"  slow: {slow}")
    tries = counts["tries"] + 1
    record("restart-load", tries, failures,
           f"{restarts} restarts; {counts['ok']} answered 2xx/4xx, {counts['503']} answered 503, the slowest in {counts['slowest']:.1f} s; SIGTERM ended the server in {ended and round(ended, 2)} s.")


def kill_import(tries=5, rows=100_000):
    url, name = fresh_database()
    failures = []
    body = requests_csv(rows, prefix="K")
    server = Server(url, demo=True)
    secret = token(url)
    for attempt in range(tries):
        before = int(psql("SELECT COUNT(*) FROM requests WHERE external_ref LIKE 'K-%'", name))
        done = threading.Event()

        def send():
            http("POST", server.base + "/api/v1/requests", body=body,
                 headers={"Authorization": f"Bearer {secret}", "Content-Type": "text/csv"}, timeout=120)
            done.set()

        thread = threading.Thread(target=send)
        # Each try changes every row, so that a half-written import would show.
        body = body.replace(b",TI,AGEN,Correo,", b",TI,AGEN,Correo%d," % attempt) if attempt == 0 else body.replace(
            b"Correo%d," % (attempt - 1), b"Correo%d," % attempt)
        thread.start()
        time.sleep(random.uniform(0.3, 2.5))
        server.stop(signal.SIGKILL)
        thread.join()
        after = psql("SELECT COUNT(*), COUNT(DISTINCT service) FROM requests WHERE external_ref LIKE 'K-%'", name)
        count, services = map(int, after.split("|"))
        if count not in (before, 0, rows) or services > 1:
            failures.append(f"after kill -9: {count} rows in {services} versions (before: {before})")
        server = Server(url)
    server.stop()
    record("kill-import", tries, failures, f"{rows:,}-row imports killed between 0.3 and 2.5 s in.")


def import_race(tries=3, rows=20_000):
    url, name = fresh_database()
    first = Server(url, demo=True)
    second = Server(url)
    secret = token(url)
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "text/csv"}
    failures = []
    for attempt in range(tries):
        statuses = {}

        def send(server, reverse):
            statuses[reverse] = http("POST", server.base + "/api/v1/requests",
                                     body=requests_csv(rows, reverse=reverse, prefix=f"R{attempt}"), headers=headers)[0]

        threads = [threading.Thread(target=send, args=(first, False)), threading.Thread(target=send, args=(second, True))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if set(statuses.values()) != {200}:
            failures.append(f"statuses {statuses}")
        count = int(psql(f"SELECT COUNT(*) FROM requests WHERE external_ref LIKE 'R{attempt}-%'", name))
        if count != rows:
            failures.append(f"{count} rows stored, expected {rows}")
    first.stop()
    second.stop()
    record("import-race", tries * 2, failures, f"{rows:,} rows, forwards on one instance and backwards on the other.")


def sqlite_readers(rows=400_000):
    path = os.path.join(WORK, "readers.sqlite")
    server = Server(path, demo=True)
    secret = token(path)
    headers = {"Authorization": f"Bearer {secret}"}
    done = threading.Event()
    result = {}

    def send():
        result["import"] = http("POST", server.base + "/api/v1/requests", body=requests_csv(rows, prefix="S"),
                                headers=dict(headers, **{"Content-Type": "text/csv"}), timeout=600)
        done.set()

    thread = threading.Thread(target=send)
    thread.start()
    time.sleep(1)
    failures, latencies = [], []
    while not done.is_set():
        status, seconds, _ = http("GET", server.base + "/api/v1/agreements", headers=headers, timeout=60)
        latencies.append(seconds)
        if status != 200:
            failures.append(f"GET /api/v1/agreements during the import: {status}")
        time.sleep(0.2)
    thread.join()
    status, seconds, _ = result["import"]
    if status != 200:
        failures.append(f"the import answered {status}")
    stop_in_grace(server, failures)
    slowest = max(latencies, default=0)
    if slowest > 1:
        failures.append(f"a read waited {slowest:.1f} s for the import")
    record("sqlite-readers", len(latencies) + 1, failures,
           f"{rows:,}-row import in {seconds:.1f} s; {len(latencies)} reads meanwhile, the slowest in {slowest:.2f} s.")


if __name__ == "__main__":
    scenarios = {"migrate-race": migrate_race, "database-stopped": database_stopped, "restart-load": restart_load,
                 "kill-import": kill_import, "import-race": import_race, "sqlite-readers": sqlite_readers}
    chosen = sys.argv[1:] or list(scenarios)
    started = time.monotonic()
    for name in chosen:
        log(f"— {name}")
        try:
            scenarios[name]()
        except Exception as error:  # a scenario that cannot even run is a failure
            results.append((name, 1, 1))
            log(f"{name}: could not run: {error}")
    tries = sum(r[1] for r in results)
    failed = sum(r[2] for r in results)
    print(f"fault suite: {len(results)} scenarios, {tries} tries, {failed} failures "
          f"({time.monotonic() - started:.0f} s; server logs in {WORK})", flush=True)
    sys.exit(1 if failed else 0)
