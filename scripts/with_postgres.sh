#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server: scripts/with_postgres.sh CMD [ARGS...]
#
# - Installs PostgreSQL from Debian's packages if initdb/pg_ctl are missing (apt-get; root or sudo).
# - Creates a cluster in a temp dir (as the `postgres` system user when run as root: initdb refuses
#   root), starts it on 127.0.0.1 on a free port (unix socket in the temp dir too), creates the
#   database yusuan_test and exports
#       YUSUAN_TEST_PG_URL=postgresql+psycopg://yusuan:<random>@127.0.0.1:<port>/yusuan_test
# - Runs CMD, then ALWAYS stops the server and removes the temp dir; exits with CMD's status.
#
# When YUSUAN_TEST_PG_URL is already set, that server is used as is and nothing is started.
# The cluster trades durability for speed (fsync off): it lives for one test run.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

if [ -n "${YUSUAN_TEST_PG_URL:-}" ]; then
  exec "$@"
fi

log() { echo "with_postgres: $*" >&2; }

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

# initdb and pg_ctl: on PATH, else Debian's versioned directory (newest first).
find_pg_bin() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

if ! PG_BIN="$(find_pg_bin)"; then
  log "PostgreSQL not found; installing it from Debian's packages"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  PG_BIN="$(find_pg_bin)" || { log "PostgreSQL installed but initdb/pg_ctl not found"; exit 1; }
fi
# pg_ctl looks for `postgres` next to itself; with PATH symlinks, resolve to the real directory.
PG_BIN="$(dirname "$(readlink -f "$PG_BIN/initdb")")"

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=.venv/bin/python

# Who runs the server: ourselves, or the `postgres` system user when we are root.
RUN_AS=()
PG_USER="$(id -un)"
if [ "$(id -u)" -eq 0 ]; then
  PG_USER=postgres
  if ! id "$PG_USER" >/dev/null 2>&1; then
    useradd --system --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin "$PG_USER"
  fi
  if command -v runuser >/dev/null 2>&1; then
    RUN_AS=(runuser -u "$PG_USER" --)
  else
    RUN_AS=(su -s /bin/sh "$PG_USER" -c '"$0" "$@"')
  fi
fi
as_pg() { "${RUN_AS[@]}" "$@"; }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/yusuan-pg.XXXXXX")"
DATA="$TMP/data"
SOCK="$TMP/sock"
LOGFILE="$TMP/server.log"
mkdir -p "$SOCK"
chmod 755 "$TMP"  # readable path for the server user; the data dir itself is 0700 (initdb)
[ "$PG_USER" != "$(id -un)" ] && chown -R "$PG_USER" "$TMP"

STARTED=0
cleanup() {
  local status=$?
  trap - EXIT INT TERM HUP
  if [ "$STARTED" -eq 1 ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

PASSWORD="$("$PYTHON" -c 'import secrets; print(secrets.token_hex(16))')"
printf '%s\n' "$PASSWORD" >"$TMP/pwfile"
[ "$PG_USER" != "$(id -un)" ] && chown "$PG_USER" "$TMP/pwfile"

# Unix socket: trust (only the server user can reach the socket dir); TCP: password.
if ! as_pg "$PG_BIN/initdb" -D "$DATA" -U yusuan --pwfile="$TMP/pwfile" -E UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$TMP/initdb.log" 2>&1; then
  log "initdb failed:"; cat "$TMP/initdb.log" >&2
  exit 1
fi
rm -f "$TMP/pwfile"
chmod 700 "$SOCK"

free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A free port can be taken between the probe and the start: try a few.
for attempt in 1 2 3; do
  PORT="$(free_port)"
  if as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t 30 -s \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $SOCK -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start; then
    STARTED=1
    break
  fi
  log "start on port $PORT failed (attempt $attempt)"
done
if [ "$STARTED" -ne 1 ]; then
  log "could not start PostgreSQL:"; cat "$LOGFILE" >&2 || true
  exit 1
fi

if ! PGPASSWORD="$PASSWORD" "$PG_BIN/createdb" -w -h 127.0.0.1 -p "$PORT" -U yusuan yusuan_test \
    2>"$TMP/createdb.log"; then
  log "createdb failed:"; cat "$TMP/createdb.log" >&2
  exit 1
fi

export YUSUAN_TEST_PG_URL="postgresql+psycopg://yusuan:$PASSWORD@127.0.0.1:$PORT/yusuan_test"
log "PostgreSQL $("$PG_BIN/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$PORT (data in $TMP)"

# Not `exec`: the trap must stop the server afterwards. `|| status=$?` keeps set -e from exiting early.
status=0
"$@" || status=$?
exit "$status"
