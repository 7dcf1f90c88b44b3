#!/usr/bin/env bash
# Everything a hosted deployment has, on this machine, as processes of ours:
#   PostgreSQL (Debian's), Redis (Debian's redis-server: the Socket.IO message queue and
#   the guess counters), APP_PROCESSES app processes (default 2, one eventlet worker
#   each, nodes a, b, ...), and nginx (Debian's) in front on HOST:PORT, routing every
#   request of a socket's session back to the process that holds it.
#
#   scripts/cluster.sh start [DIR]   start what is not running yet; prints the URL
#   scripts/cluster.sh stop [DIR]    stop everything it started (and nothing else)
#   scripts/cluster.sh status [DIR]  what runs, one line each
#
# DIR (default instance/cluster) holds the data, the configuration, the logs and the
# pids. `make cluster` and `make cluster-stop` call this; the cluster tests too, in a
# folder of their own. docs/deploy.md shows the same layout on real servers.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

command_=${1:-start}
dir=${2:-instance/cluster}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
PORT=${PORT:-5000}
HOST=${HOST:-0.0.0.0}
APP_PROCESSES=${APP_PROCESSES:-2}
PY=$root/.venv/bin/python
nodes=(a b c d e f g h)
nodes=("${nodes[@]:0:$APP_PROCESSES}")

NGINX=$(command -v nginx || echo /usr/sbin/nginx)

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ports are chosen once and kept in $dir/ports, so a restart keeps its addresses
port_of() {
  local name=$1 line
  line=$(grep -s "^$name=" "$dir/ports" || true)
  if [ -z "$line" ]; then
    line="$name=$(free_port)"
    echo "$line" >>"$dir/ports"
  fi
  echo "${line#*=}"
}

wait_for() {  # wait_for URL WHAT LOG
  for _ in $(seq 1 150); do
    if "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
         "$1" 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  echo "$2 did not start; the end of its log ($3):" >&2
  tail -20 "$3" >&2
  return 1
}

check_packages() {
  local missing=()
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ -x "$NGINX" ] || missing+=(nginx)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "The cluster needs Debian's ${missing[*]}. Install with:" >&2
    echo "    sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}

start() {
  check_packages
  [ -x "$PY" ] || { echo "Run scripts/setup.sh cluster first (make cluster does)." >&2; exit 1; }
  local pg_port redis_port
  pg_port=$(port_of postgres)
  redis_port=$(port_of redis)

  database=$(scripts/postgres.sh start "$dir/postgres" "$pg_port" ${CLUSTER_FAST:+fast})

  if ! running "$dir/redis.pid"; then
    mkdir -p "$dir/redis"
    redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$dir/redis" \
      --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
      --save "" --appendonly no >/dev/null
    for _ in $(seq 1 50); do running "$dir/redis.pid" && break; sleep 0.1; done
  fi

  [ -f "$dir/secret_key" ] || { "$PY" -c 'import secrets; print(secrets.token_hex(32))' >"$dir/secret_key"; chmod 600 "$dir/secret_key"; }
  local public_url=${PUBLIC_URL:-}
  if [ -z "$public_url" ]; then
    local address
    address=$(hostname -I 2>/dev/null | awk '{print $1}')
    [ "$HOST" != 0.0.0.0 ] && address=$HOST
    public_url="http://${address:-127.0.0.1}:$PORT"
  fi
  # what every app process reads (docs/deploy.md, "A hosted cluster")
  cat >"$dir/environment" <<EOF
FACILITATOR_CONFIG=production
FACILITATOR_INSTANCE=$dir/instance
DATABASE_URL=$database
SOCKETIO_MESSAGE_QUEUE=redis://127.0.0.1:$redis_port/0
RATELIMIT_STORAGE_URI=redis://127.0.0.1:$redis_port/1
PROXY_COUNT=1
PUBLIC_URL=$public_url
EOF
  set -a
  # shellcheck disable=SC1091
  . "$dir/environment"
  set +a
  SECRET_KEY=$(cat "$dir/secret_key")
  export SECRET_KEY

  .venv/bin/flask --app facilitator db upgrade >"$dir/migrate.log" 2>&1 ||
    { cat "$dir/migrate.log" >&2; exit 1; }

  local upstreams="" node port
  for node in "${nodes[@]}"; do
    port=$(port_of "app-$node")
    if ! running "$dir/app-$node.pid"; then
      FACILITATOR_NODE=$node HOST=127.0.0.1 PORT=$port \
        nohup "$PY" wsgi.py >>"$dir/app-$node.log" 2>&1 </dev/null &
      echo $! >"$dir/app-$node.pid"
    fi
  done
  for node in "${nodes[@]}"; do
    wait_for "http://127.0.0.1:$(port_of "app-$node")/healthz" "App process $node" \
      "$dir/app-$node.log"
  done

  write_nginx_conf
  if ! running "$dir/nginx.pid"; then
    mkdir -p "$dir/nginx"
    "$NGINX" -p "$dir/nginx" -c "$dir/nginx.conf" -e "$dir/nginx-error.log" ||
      { tail -20 "$dir/nginx-error.log" >&2; exit 1; }
  else
    "$NGINX" -p "$dir/nginx" -c "$dir/nginx.conf" -e "$dir/nginx-error.log" -s reload
  fi
  wait_for "http://127.0.0.1:$PORT/healthz" "nginx" "$dir/nginx-error.log"
  echo "Facilitator runs on ${#nodes[@]} processes behind nginx: $public_url/"
  echo "  Phones join at $public_url/j; logs and data in $dir; stop with: make cluster-stop"
}

write_nginx_conf() {
  local user_line="" node port other
  [ "$(id -u)" = 0 ] && user_line="user root root;"
  {
    cat <<EOF
# made by scripts/cluster.sh: nginx in front of the app processes (docs/deploy.md)
$user_line
worker_processes auto;
worker_rlimit_nofile 65536;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 16384; }
http {
    access_log off;
    client_max_body_size 21m;      # a workshop archive is at most 20 MiB
    # temporary files in our folder (Debian's defaults are under /var/lib/nginx)
    client_body_temp_path $dir/nginx/body;
    proxy_temp_path $dir/nginx/proxy;
    fastcgi_temp_path $dir/nginx/fastcgi;
    uwsgi_temp_path $dir/nginx/uwsgi;
    scgi_temp_path $dir/nginx/scgi;
    # every Engine.IO session id starts with its process's node name ("a.Xy3..."):
    # a request of that session goes back to that process; a new one to any
    map \$arg_sid \$facilitator_upstream {
        default facilitator_any;
EOF
    for node in "${nodes[@]}"; do
      echo "        \"~^$node\\.\" facilitator_$node;"
    done
    cat <<EOF
    }
    map \$http_upgrade \$connection_upgrade { default upgrade; "" close; }
    upstream facilitator_any {
EOF
    for node in "${nodes[@]}"; do
      echo "        server 127.0.0.1:$(port_of "app-$node") max_fails=1 fail_timeout=5s;"
    done
    echo "    }"
    for node in "${nodes[@]}"; do
      port=$(port_of "app-$node")
      echo "    upstream facilitator_$node {"
      echo "        server 127.0.0.1:$port max_fails=1 fail_timeout=5s;"
      for other in "${nodes[@]}"; do
        # its process gone, a session's requests reach another one, which answers that
        # it does not know the session: the client starts a new one there
        [ "$other" != "$node" ] && echo "        server 127.0.0.1:$(port_of "app-$other") backup;"
      done
      echo "    }"
    done
    cat <<EOF
    server {
        listen $HOST:$PORT;
        location / {
            proxy_pass http://\$facilitator_upstream;
            proxy_http_version 1.1;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-Host \$http_host;
            proxy_buffering off;       # long-polling answers go out as they come
            proxy_read_timeout 75s;    # above Socket.IO's ping interval and timeout
        }
    }
}
EOF
  } >"$dir/nginx.conf"
}

stop_pid() {  # stop_pid PIDFILE: TERM, then KILL after 10 s
  local pidfile=$1 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

stop() {
  if running "$dir/nginx.pid"; then
    "$NGINX" -p "$dir/nginx" -c "$dir/nginx.conf" -e "$dir/nginx-error.log" -s quit 2>/dev/null || true
    for _ in $(seq 1 50); do running "$dir/nginx.pid" || break; sleep 0.1; done
  fi
  stop_pid "$dir/nginx.pid"
  local pidfile
  for pidfile in "$dir"/app-*.pid; do
    [ -e "$pidfile" ] && stop_pid "$pidfile"
  done
  stop_pid "$dir/redis.pid"
  scripts/postgres.sh stop "$dir/postgres"
  echo "Cluster in $dir stopped."
}

status() {
  local name
  for name in nginx redis; do
    if running "$dir/$name.pid"; then echo "$name: running"; else echo "$name: stopped"; fi
  done
  for pidfile in "$dir"/app-*.pid; do
    [ -e "$pidfile" ] || continue
    name=$(basename "$pidfile" .pid)
    if running "$pidfile"; then echo "$name: running"; else echo "$name: stopped"; fi
  done
  if [ -f "$dir/postgres/data/postmaster.pid" ]; then echo "postgres: running"; else echo "postgres: stopped"; fi
}

case "$command_" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) sed -n '2,14p' "$0" >&2; exit 2 ;;
esac
