#!/usr/bin/env bash
# A throwaway PostgreSQL server from Debian's `postgresql` package, as a process of ours:
# data in a folder of our own, listening on one loopback port, never the system service.
#   scripts/postgres.sh start DIR PORT [fast]   initdb into DIR if empty, start, create the
#                                               `facilitator` database; prints its URL
#                                               (fast: fsync off, for tests)
#   scripts/postgres.sh stop DIR                stop the server whose data is in DIR
#   scripts/postgres.sh url DIR                 the URL of the server in DIR
# Run as root, the server runs as the `postgres` user (initdb refuses root): its data go
# in DIR/data when that user can reach DIR, else in a folder of its own under /var/tmp,
# named in DIR/datadir (a checkout under /root, say).
set -euo pipefail

command_=${1:-}
dir=${2:-}
[ -n "$command_" ] && [ -n "$dir" ] || { sed -n '2,11p' "$0" >&2; exit 2; }

bin=""
for candidate in /usr/lib/postgresql/*/bin; do
  [ -x "$candidate/initdb" ] && bin=$candidate
done
if [ -z "$bin" ]; then
  echo "PostgreSQL's server is not installed. Install it with:" >&2
  echo "    sudo apt-get install -y postgresql" >&2
  exit 1
fi

as_owner() {
  # the server's user: ourselves, or `postgres` when we are root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

data=$dir/data
[ -f "$dir/datadir" ] && data=$(cat "$dir/datadir")
case "$command_" in
  start)
    port=${3:?"the port to listen on"}
    mode=${4:-}
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ] && [ ! -f "$dir/datadir" ]; then
      chown postgres: "$dir" && chmod 755 "$dir"
      if ! runuser -u postgres -- test -x "$dir"; then
        data=$(mktemp -d /var/tmp/facilitator-postgres.XXXXXX)/data
        chown postgres: "$(dirname "$data")"
        echo "$data" >"$dir/datadir"
        echo "note: the postgres user cannot reach $dir; the database's files are in $data" >&2
      fi
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    options="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$data"
    options="$options -c max_connections=200"
    [ "$mode" = fast ] && options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -o "$options" -w -t 60 start \
        >/dev/null || { tail -20 "$dir/server.log" >&2; exit 1; }
    fi
    echo "$port" >"$dir/port"
    if ! as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -Atqc \
         "SELECT 1 FROM pg_database WHERE datname = 'facilitator'" | grep -q 1; then
      as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres facilitator
    fi
    echo "postgresql://postgres@127.0.0.1:$port/facilitator"
    ;;
  stop)
    if [ -f "$data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true
    fi
    ;;
  url)
    echo "postgresql://postgres@127.0.0.1:$(cat "$dir/port")/facilitator"
    ;;
  *)
    sed -n '2,11p' "$0" >&2; exit 2 ;;
esac
