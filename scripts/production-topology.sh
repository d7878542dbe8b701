#!/usr/bin/env bash
# The production Temporal topology of docker-compose.yml, without Docker, on this machine's loopback:
# PostgreSQL from the Debian packages, the Temporal server and temporal-sql-tool built from the Go
# module at the version docker-compose.yml pins, the schemas applied the way compose's
# `temporal-schema` step applies them, the server started the way the `temporalio/server` image
# starts it (`temporal-server start`: its embedded config template, filled from the same variables),
# the `default` namespace created as `temporal-namespace` does, and crosslink's search attributes
# registered by the script compose runs. docs/running.md ("Production topology without Docker").
#
#   scripts/production-topology.sh [up]    set up what is missing, start what is stopped, print the address
#   scripts/production-topology.sh env     the variables to use it: eval "$(scripts/production-topology.sh env)"
#   scripts/production-topology.sh status  what runs, with process ids
#   scripts/production-topology.sh down    stop the server and PostgreSQL (data kept; `up` reuses it)
#   scripts/production-topology.sh destroy stop, then delete the state directory (databases, logs)
#
# Variables: CROSSLINK_TOPOLOGY_DIR (state; default /var/tmp/crosslink-production-topology),
# CROSSLINK_TOPOLOGY_PORT_OFFSET (added to every default port; default 20000, see the ports below),
# CROSSLINK_TOPOLOGY_TOOLS (where the server binaries go; default $(go env GOPATH)/bin/temporal-server-<v>),
# TEMPORAL_CLI (the `temporal` CLI for the namespace step; default: scripts/ensure-temporal.sh).
# Idempotent: a second `up` reuses the binaries, the databases, and the running processes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${CROSSLINK_TOPOLOGY_DIR:-/var/tmp/crosslink-production-topology}"
PG_DIR="$STATE_DIR/postgres"
SERVER_DIR="$STATE_DIR/temporal"
NAMESPACE=default
# The credentials docker-compose.yml gives the `postgresql` service; the server listens on loopback only.
DB_USER=temporal
DB_PASSWORD=temporal

say() { printf 'production-topology: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

# The server version is the one docker-compose.yml pins (temporalio/server:<version>): one definition.
compose_server_version() {
  local version
  version="$(sed -nE 's#^[[:space:]]*image:[[:space:]]*temporalio/server:([0-9][0-9.]*)[[:space:]]*$#\1#p' "$ROOT/docker-compose.yml" | head -n 1)"
  [ -n "$version" ] || die "docker-compose.yml pins no temporalio/server:<version> image"
  echo "v$version"
}
SERVER_VERSION="$(compose_server_version)"

# Ports: the server image's defaults (docker/config_template.yaml) plus one offset, so this topology
# cannot clash with a dev server or a compose stack on the defaults. Every membership port must stay
# below 32768: Temporal's PostgreSQL v12 schema stores cluster_membership.rpc_port as SMALLINT, and a
# server whose membership port is larger fails to join its own cluster. Keeping all ports below the
# kernel's ephemeral range (32768+) also keeps outgoing connections from taking them.
OFFSET="${CROSSLINK_TOPOLOGY_PORT_OFFSET:-20000}"
PG_PORT=$((5432 + OFFSET))
FRONTEND_GRPC_PORT=$((7233 + OFFSET))
FRONTEND_HTTP_PORT=$((7243 + OFFSET))
HISTORY_GRPC_PORT=$((7234 + OFFSET))
MATCHING_GRPC_PORT=$((7235 + OFFSET))
WORKER_GRPC_PORT=$((7239 + OFFSET))
FRONTEND_MEMBERSHIP_PORT=$((6933 + OFFSET))
HISTORY_MEMBERSHIP_PORT=$((6934 + OFFSET))
MATCHING_MEMBERSHIP_PORT=$((6935 + OFFSET))
WORKER_MEMBERSHIP_PORT=$((6939 + OFFSET))
ADDRESS="127.0.0.1:$FRONTEND_GRPC_PORT"

check_port_plan() {
  local port
  for port in $FRONTEND_MEMBERSHIP_PORT $HISTORY_MEMBERSHIP_PORT $MATCHING_MEMBERSHIP_PORT $WORKER_MEMBERSHIP_PORT; do
    [ "$port" -le 32767 ] || die "membership port $port does not fit cluster_membership.rpc_port (SMALLINT, at most 32767): lower CROSSLINK_TOPOLOGY_PORT_OFFSET"
  done
  [ "$FRONTEND_HTTP_PORT" -le 32767 ] || die "port $FRONTEND_HTTP_PORT is in the ephemeral range: lower CROSSLINK_TOPOLOGY_PORT_OFFSET"
}

# ---------------------------------------------------------------- PostgreSQL (Debian packages)

pg_bin_dir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

install_postgres() {
  pg_bin_dir >/dev/null && return 0
  [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed: run 'sudo apt-get install -y postgresql', then this again"
  say "installing PostgreSQL from the Debian packages (apt-get install -y postgresql)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  pg_bin_dir >/dev/null || die "apt-get installed no /usr/lib/postgresql/<version>/bin/initdb"
}

# PostgreSQL refuses to run as root: as root, its files belong to the `postgres` user the package creates.
as_pg_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_running() {
  [ -f "$PG_DIR/data/postmaster.pid" ] && as_pg_owner "$(pg_bin_dir)/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1
}

init_postgres() {
  [ -f "$PG_DIR/data/PG_VERSION" ] && return 0
  local bin
  bin="$(pg_bin_dir)"
  say "initialising a private PostgreSQL cluster in $PG_DIR/data (superuser $DB_USER, as the postgres image does)"
  mkdir -p "$PG_DIR/run"
  [ "$(id -u)" -ne 0 ] || chown -R postgres:postgres "$PG_DIR"
  chmod 700 "$PG_DIR"
  printf '%s\n' "$DB_PASSWORD" >"$PG_DIR/pwfile"
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$PG_DIR/pwfile"
  as_pg_owner "$bin/initdb" -D "$PG_DIR/data" -U "$DB_USER" --pwfile="$PG_DIR/pwfile" \
    --auth-host=scram-sha-256 --auth-local=peer -E UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1 ||
    die "initdb failed: $PG_DIR/initdb.log"
  rm -f "$PG_DIR/pwfile"
}

start_postgres() {
  if pg_running; then
    say "PostgreSQL already runs (127.0.0.1:$PG_PORT, pid $(head -n 1 "$PG_DIR/data/postmaster.pid"))"
    return 0
  fi
  say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  # The settings of the compose service's postgres image: its defaults, on loopback only.
  as_pg_owner "$(pg_bin_dir)/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR/run" start >/dev/null ||
    die "PostgreSQL did not start: $PG_DIR/postgres.log"
}

stop_postgres() {
  pg_running || return 0
  say "stopping PostgreSQL (pid $(head -n 1 "$PG_DIR/data/postmaster.pid"))"
  as_pg_owner "$(pg_bin_dir)/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
}

# ---------------------------------------------------------------- Temporal server and temporal-sql-tool

# One folder per version: `go install` names the binaries after their packages (server, sql).
default_tools_dir() {
  local gopath
  gopath="$(go env GOPATH 2>/dev/null | cut -d: -f1)"
  echo "${gopath:-$HOME/go}/bin/temporal-server-$SERVER_VERSION"
}
TOOLS_DIR="${CROSSLINK_TOPOLOGY_TOOLS:-$(default_tools_dir)}"
tools_dir() { echo "$TOOLS_DIR"; }

require_go() {
  command -v go >/dev/null 2>&1 ||
    die "Go is required to build the Temporal server (go install go.temporal.io/server/cmd/server@$SERVER_VERSION)"
}

built_at_version() {
  [ -x "$1" ] && go version -m "$1" 2>/dev/null | grep -qE "^[[:space:]]+mod[[:space:]]+go\.temporal\.io/server[[:space:]]+$SERVER_VERSION[[:space:]]"
}

build_server() {
  local dir started
  require_go
  dir="$(tools_dir)"
  if built_at_version "$dir/server" && built_at_version "$dir/sql"; then
    say "Temporal server $SERVER_VERSION and temporal-sql-tool already built ($dir)"
    return 0
  fi
  say "building the Temporal server and temporal-sql-tool $SERVER_VERSION with go install into $dir (several minutes the first time)"
  started=$(date +%s)
  GOBIN="$dir" go install "go.temporal.io/server/cmd/server@$SERVER_VERSION" "go.temporal.io/server/cmd/tools/sql@$SERVER_VERSION" ||
    die "go install failed; see the output above"
  say "built in $(($(date +%s) - started)) s"
}

# The schema files come from the module itself (the admin-tools image copies the same folder).
schema_dir() {
  local dir
  dir="$(go env GOMODCACHE)/go.temporal.io/server@$SERVER_VERSION/schema/postgresql/v12"
  if [ ! -d "$dir" ]; then
    go mod download "go.temporal.io/server@$SERVER_VERSION" >&2 || die "go mod download go.temporal.io/server@$SERVER_VERSION failed"
  fi
  [ -d "$dir" ] || die "no PostgreSQL v12 schema in the module cache ($dir)"
  echo "$dir"
}

sql_tool() {
  SQL_PASSWORD="$DB_PASSWORD" "$(tools_dir)/sql" --plugin postgres12 --ep 127.0.0.1 -u "$DB_USER" -p "$PG_PORT" "$@"
}

# docker-compose.yml's `temporal-schema` command, step for step: create (may exist), setup-schema
# -v 0.0 (may exist), update-schema from the versioned folder (applies what is missing, if anything).
apply_schemas() {
  local schemas db dir
  schemas="$(schema_dir)"
  for db in temporal temporal_visibility; do
    dir=temporal
    [ "$db" = temporal_visibility ] && dir=visibility
    say "schema of $db: create, setup-schema -v 0.0, update-schema -d $dir/versioned"
    sql_tool --db "$db" create >>"$SERVER_DIR/schema.log" 2>&1 || true
    sql_tool --db "$db" setup-schema -v 0.0 >>"$SERVER_DIR/schema.log" 2>&1 || true
    sql_tool --db "$db" update-schema -d "$schemas/$dir/versioned" >>"$SERVER_DIR/schema.log" 2>&1 ||
      die "update-schema of $db failed: $SERVER_DIR/schema.log"
  done
}

server_pid() {
  local pid
  [ -f "$SERVER_DIR/server.pid" ] || return 1
  pid="$(cat "$SERVER_DIR/server.pid")"
  # Ours only: the pid file's process must still be this topology's server binary.
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(tools_dir)/server" ] || return 1
  echo "$pid"
}

temporal_cli() {
  if [ -n "${TEMPORAL_CLI:-}" ]; then
    echo "$TEMPORAL_CLI"
  else
    "$ROOT/scripts/ensure-temporal.sh"
  fi
}

server_healthy() {
  "$(temporal_cli)" operator cluster health --address "$ADDRESS" >/dev/null 2>&1
}

# The file compose mounts, checked by the server itself: a key it does not know (a typo, a setting
# of another version) is only a warning to `validate-dynamic-config` and silently ignored at run time.
check_dynamic_config() {
  local report
  if ! report="$("$(tools_dir)/server" validate-dynamic-config "$ROOT/deploy/temporal/dynamicconfig.yaml" 2>&1)" ||
    grep -qE '^[[:space:]]+(error|warning):' <<<"$report"; then
    die "deploy/temporal/dynamicconfig.yaml does not suit the server $SERVER_VERSION:
$report"
  fi
}

# What the `temporal` service's environment in docker-compose.yml sets, with loopback and the ports
# above; the image's entrypoint then runs `temporal-server start`, which fills its embedded template.
start_server() {
  local pid
  if pid="$(server_pid)"; then
    say "Temporal server already runs ($ADDRESS, pid $pid)"
  else
    check_dynamic_config
    say "starting the Temporal server $SERVER_VERSION on $ADDRESS (log: $SERVER_DIR/server.log)"
    (
      cd "$SERVER_DIR"
      exec nohup env -i PATH="$PATH" HOME="$HOME" \
        DB=postgres12 DB_PORT="$PG_PORT" POSTGRES_SEEDS=127.0.0.1 POSTGRES_USER="$DB_USER" POSTGRES_PWD="$DB_PASSWORD" \
        BIND_ON_IP=127.0.0.1 DYNAMIC_CONFIG_FILE_PATH="$ROOT/deploy/temporal/dynamicconfig.yaml" \
        FRONTEND_GRPC_PORT="$FRONTEND_GRPC_PORT" FRONTEND_HTTP_PORT="$FRONTEND_HTTP_PORT" \
        FRONTEND_MEMBERSHIP_PORT="$FRONTEND_MEMBERSHIP_PORT" HISTORY_GRPC_PORT="$HISTORY_GRPC_PORT" \
        HISTORY_MEMBERSHIP_PORT="$HISTORY_MEMBERSHIP_PORT" MATCHING_GRPC_PORT="$MATCHING_GRPC_PORT" \
        MATCHING_MEMBERSHIP_PORT="$MATCHING_MEMBERSHIP_PORT" WORKER_GRPC_PORT="$WORKER_GRPC_PORT" \
        WORKER_MEMBERSHIP_PORT="$WORKER_MEMBERSHIP_PORT" \
        "$(tools_dir)/server" start
    ) >>"$SERVER_DIR/server.log" 2>&1 </dev/null &
    echo $! >"$SERVER_DIR/server.pid"
  fi
  # The compose health check, then the namespace step's own wait (`temporal operator cluster health`).
  local i
  for i in $(seq 1 90); do
    server_healthy && return 0
    server_pid >/dev/null || die "the Temporal server exited; the end of $SERVER_DIR/server.log:
$(tail -n 20 "$SERVER_DIR/server.log")"
    sleep 2
  done
  die "the Temporal server is not healthy after 180 s: $SERVER_DIR/server.log"
}

stop_server() {
  local pid i
  pid="$(server_pid)" || return 0
  say "stopping the Temporal server (pid $pid)"
  kill -TERM "$pid"
  for i in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "the server did not stop in 30 s: killing pid $pid"
    kill -KILL "$pid"
  fi
  rm -f "$SERVER_DIR/server.pid"
}

# ---------------------------------------------------------------- namespace and search attributes

# docker-compose.yml's `temporal-namespace` command.
create_namespace() {
  local cli
  cli="$(temporal_cli)"
  if "$cli" operator namespace describe -n "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; then
    say "namespace $NAMESPACE exists"
  else
    say "creating namespace $NAMESPACE"
    "$cli" operator namespace create -n "$NAMESPACE" --address "$ADDRESS" >&2
  fi
}

# docker-compose.yml's `register-search-attributes` service: crosslink's own script, from source
# when the dev dependencies are installed, else the built one.
register_search_attributes() {
  local runner=()
  if [ -x "$ROOT/node_modules/.bin/tsx" ]; then
    runner=("$ROOT/node_modules/.bin/tsx" "$ROOT/scripts/register-search-attributes.ts")
  elif [ -f "$ROOT/dist/scripts/register-search-attributes.js" ]; then
    runner=(node "$ROOT/dist/scripts/register-search-attributes.js")
  else
    die "run npm ci (or npm run build) first: the search attributes are registered by scripts/register-search-attributes.ts"
  fi
  TEMPORAL_ADDRESS="$ADDRESS" TEMPORAL_NAMESPACE="$NAMESPACE" "${runner[@]}" >&2
}

# ---------------------------------------------------------------- commands

print_env() {
  echo "export TEMPORAL_ADDRESS=$ADDRESS"
  echo "export TEMPORAL_NAMESPACE=$NAMESPACE"
}

up() {
  check_port_plan
  install_postgres
  mkdir -p "$STATE_DIR" "$PG_DIR" "$SERVER_DIR"
  chmod 755 "$STATE_DIR"
  build_server
  init_postgres
  start_postgres
  apply_schemas
  start_server
  create_namespace
  register_search_attributes
  cat <<EOF
Temporal $SERVER_VERSION on PostgreSQL runs at $ADDRESS (namespace $NAMESPACE); state in $STATE_DIR.
Use it:   export TEMPORAL_ADDRESS=$ADDRESS TEMPORAL_NAMESPACE=$NAMESPACE
Stop it:  $0 down      (data kept; 'up' starts it again)
EOF
}

status() {
  local pid
  echo "state: $STATE_DIR; server $SERVER_VERSION from $(tools_dir)"
  if pg_running; then echo "postgresql: running, 127.0.0.1:$PG_PORT, pid $(head -n 1 "$PG_DIR/data/postmaster.pid")"; else echo "postgresql: stopped"; fi
  if pid="$(server_pid)"; then echo "temporal: running, $ADDRESS, pid $pid"; else echo "temporal: stopped"; fi
}

down() {
  stop_server
  if pg_bin_dir >/dev/null; then stop_postgres; fi
  say "stopped (state kept in $STATE_DIR)"
}

destroy() {
  down
  [ -n "$STATE_DIR" ] && [ "$STATE_DIR" != / ] || die "refusing to delete '$STATE_DIR'"
  rm -rf "$STATE_DIR"
  say "deleted $STATE_DIR"
}

case "${1:-up}" in
  up) up ;;
  env) print_env ;;
  status) status ;;
  down) down ;;
  destroy) destroy ;;
  *) die "usage: $0 [up|env|status|down|destroy]" ;;
esac
