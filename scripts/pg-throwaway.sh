#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests and CI: everything (data, socket, log, url) lives in one
# directory that can be deleted afterwards. Trust auth, loopback only, fsync off: never use it for
# anything but tests.
#
#   scripts/pg-throwaway.sh start <dir>   init (first time) + start; prints the URL, writes <dir>/url
#   scripts/pg-throwaway.sh url <dir>     prints the URL of a started cluster
#   scripts/pg-throwaway.sh stop <dir>    pg_ctl stop -m fast (no-op when not running)
set -euo pipefail

PG_USER_NAME=strongroom-pg   # PostgreSQL refuses to run as root, so root runs it as this user.
DB_NAME=strongroom_test
SUPERUSER=postgres

die() { echo "pg-throwaway: error: $*" >&2; exit 1; }
say() { echo "pg-throwaway: $*" >&2; }

usage() { echo "usage: $0 start|stop|url <dir>" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
cmd=$1
[[ -n $2 ]] || usage

# First directory holding both initdb and pg_ctl: PATH, then /usr/local/bin, then the newest
# Debian-style /usr/lib/postgresql/<v>/bin (Debian does not put initdb on PATH).
find_bindir() {
  local d dirs=()
  IFS=: read -r -a dirs <<<"${PATH:-}"
  dirs+=(/usr/local/bin)
  while IFS= read -r d; do dirs+=("$d"); done < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -rn)
  for d in "${dirs[@]}"; do
    if [[ -n $d && -x $d/initdb && -x $d/pg_ctl ]]; then echo "$d"; return 0; fi
  done
  return 1
}

is_root() { [[ $(id -u) -eq 0 ]]; }

# Runs a command as the cluster owner (ourselves unless root).
as_owner() {
  if is_root; then runuser -u "$PG_USER_NAME" -- "$@"; else "$@"; fi
}

ensure_owner_user() {
  is_root || return 0
  if ! id -u "$PG_USER_NAME" >/dev/null 2>&1; then
    say "creating system user $PG_USER_NAME to own the cluster"
    useradd --system --no-create-home --user-group --shell /usr/sbin/nologin "$PG_USER_NAME" \
      || id -u "$PG_USER_NAME" >/dev/null 2>&1 \
      || die "could not create system user $PG_USER_NAME"
  fi
}

# Loopback port with nobody listening (connection refused). Racy by nature, hence start retries.
pick_port() {
  local port i
  for i in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

resolve_bindir() {
  local b
  if b=$(find_bindir); then echo "$b"; return 0; fi
  if is_root && command -v apt-get >/dev/null 2>&1; then
    say "no PostgreSQL binaries found; installing the postgresql package"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
    b=$(find_bindir) || die "postgresql installed but initdb/pg_ctl still not found"
    echo "$b"; return 0
  fi
  die "initdb/pg_ctl not found in PATH, /usr/local/bin or /usr/lib/postgresql/*/bin (install PostgreSQL, or run as root to let this script apt-get it)"
}

dir=$2
case $cmd in
  url)
    [[ -s $dir/url ]] || die "no cluster URL in $dir/url (run: $0 start $dir)"
    cat "$dir/url"; exit 0 ;;
  stop) [[ -f $dir/data/postmaster.pid ]] || { say "no running cluster in $dir"; exit 0; } ;;
  start) ;;
  *) usage ;;
esac

mkdir -p "$dir"
dir=$(cd "$dir" && pwd -P)
data=$dir/data
bindir=$(resolve_bindir)
ensure_owner_user
# Children run from a directory the owner can enter (postgres complains about an unreadable cwd).
cd "$dir"

running() { [[ -f $data/postmaster.pid ]] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; }

if [[ $cmd == stop ]]; then
  if running; then
    as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >&2
  else
    say "no running cluster in $dir"
  fi
  exit 0
fi

# --- start ---
if is_root; then
  chown "$PG_USER_NAME:" "$dir"
  [[ -d $data ]] && chown -R "$PG_USER_NAME:" "$data"
  runuser -u "$PG_USER_NAME" -- test -w "$dir" \
    || die "$PG_USER_NAME cannot write $dir (is a parent directory closed to other users?)"
fi
# The unix socket path must fit in sockaddr_un (107 bytes).
(( ${#dir} + 20 < 107 )) || die "directory path too long for a unix socket: $dir"

if [[ ! -f $data/PG_VERSION ]]; then
  say "initdb in $data ($bindir)"
  as_owner "$bindir/initdb" -D "$data" -U "$SUPERUSER" --auth=trust --encoding=UTF8 --locale=C \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
fi

if running; then
  say "cluster in $dir already running"
  [[ -s $dir/url ]] && { cat "$dir/url"; exit 0; }
  die "cluster running but $dir/url is missing; stop it and start again"
fi

port=
for attempt in 1 2 3 4 5; do
  port=$(pick_port) || die "no free loopback port found"
  if as_owner "$bindir/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null; then
    break
  fi
  say "start on port $port failed (attempt $attempt); last log lines:"
  tail -n 5 "$dir/postgres.log" >&2 || true
  port=
done
[[ -n $port ]] || die "PostgreSQL did not start; see $dir/postgres.log"

psql_bin=$bindir/psql
[[ -x $psql_bin ]] || psql_bin=$(command -v psql) || die "psql not found"
q() { "$psql_bin" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U "$SUPERUSER" -d postgres -tAc "$1"; }
if [[ -z $(q "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'") ]]; then
  q "CREATE DATABASE $DB_NAME" >/dev/null
fi

url="postgres://$SUPERUSER@127.0.0.1:$port/$DB_NAME"
echo "$url" >"$dir/url"
say "PostgreSQL running in $dir on 127.0.0.1:$port"
echo "$url"
