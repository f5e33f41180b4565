# with-pg-ha.sh - the --ha part of scripts/with-pg, which sources it (it is
# not run on its own). On loopback it starts a pg_auto_failover group: a
# monitor, a primary and a secondary with synchronous replication
# (number_sync_standbys 0 with one standby in the replication quorum: the
# primary waits for it while it is healthy). It waits until the group is
# healthy, then exports
#   FQ_TEST_PG          postgresql://postgres@127.0.0.1:P1,127.0.0.1:P2/postgres
#                       ?target_session_attrs=read-write (both nodes)
#   FQ_PG_HA_FORMATION  the formation ("default")
#   FQ_PG_HA_MONITOR    the monitor's URL (pgautofailover.* tables)
#   FQ_PG_HA_NODES      "127.0.0.1:P1 127.0.0.1:P2"
#   FQ_PG_HA_PRIMARY_PID the postmaster of the primary when CMD starts
#   FQ_PG_HA_KILL       a script: SIGKILLs the current primary's whole node
#                       (its pg_autoctl and its postgres, as when the
#                       machine dies) and prints "host:port pid"
#   FQ_PG_HA_STATE      a script: prints `pg_autoctl show state` and the
#                       monitor's last events (`show events`)
#   FQ_PG_BIN, FQ_PG_TMP, FQ_PG_RUNAS as without --ha
# and runs CMD. Everything is stopped and removed whatever CMD does.
#
# The monitor's health checks are made fast for tests (FQ_PG_HA_FAST=0 keeps
# pg_auto_failover's defaults); docs/operations.md says what each sets.
# Needs the Debian package postgresql-15-auto-failover (scripts/bootstrap).

AUTOCTL=$(command -v pg_autoctl || true)
if [ -z "$AUTOCTL" ]; then
	echo "with-pg --ha: pg_autoctl not found; install postgresql-15-auto-failover" \
		"(scripts/bootstrap)" >&2
	rm -rf "$TMP"
	exit 3
fi

# pg_autoctl keeps its configuration and state under the XDG directories:
# ours, inside TMP, so nothing is left in the postgres user's home
export XDG_CONFIG_HOME="$TMP/xdg/config" XDG_DATA_HOME="$TMP/xdg/data" \
	XDG_RUNTIME_DIR="$TMP/xdg/run"
# initdb takes the locale from the environment: UTF-8, as without --ha
export LANG=C.UTF-8 LC_ALL=C.UTF-8
as_pg mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
as_pg chmod 700 "$XDG_RUNTIME_DIR"

MON="$TMP/monitor"
PIDS=""

ha_cleanup() {
	# pg_autoctl stop: the keepers stop their postgres; then whatever is
	# left (a node killed by a test has nothing left)
	for d in "$TMP/node2" "$TMP/node1" "$MON"; do
		[ -d "$d" ] || continue
		as_pg "$AUTOCTL" stop --pgdata "$d" --immediate >/dev/null 2>&1 || true
	done
	# then what is left of this group: the processes started above and
	# any process working in this run's own directory (TMP is unique)
	left=$(ps -eo pid=,args= | awk -v t="$TMP/" 'index($0, t) { print $1 }')
	for p in $PIDS $left; do
		kill "$p" 2>/dev/null || true
	done
	sleep 0.5
	left=$(ps -eo pid=,args= | awk -v t="$TMP/" 'index($0, t) { print $1 }')
	for p in $PIDS $left; do
		kill -KILL "$p" 2>/dev/null || true
	done
	for pid_file in "$TMP"/*/postmaster.pid; do
		[ -f "$pid_file" ] || continue
		as_pg "$PGBIN/pg_ctl" -D "$(dirname "$pid_file")" -m immediate -w stop >/dev/null 2>&1 || true
	done
	rm -rf "$TMP"
}
trap ha_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ha_fail() {
	echo "with-pg --ha: $*" >&2
	for f in "$TMP"/*.log; do
		[ -f "$f" ] || continue
		echo "---- $f" >&2
		tail -n 20 "$f" >&2
	done
	exit 1
}

# psql_at PORT SQL: one value, quietly; empty when it cannot connect
psql_at() {
	"$PGBIN/psql" -X -At -h 127.0.0.1 -p "$1" -U postgres -d "${3:-postgres}" -c "$2" 2>/dev/null || true
}

# wait_until SECONDS WHAT CMD...: CMD until it succeeds, at most SECONDS
wait_until() {
	t=$(($1 * 5))
	what=$2
	shift 2
	while ! "$@" >/dev/null 2>&1; do
		t=$((t - 1))
		[ "$t" -gt 0 ] || ha_fail "timed out waiting for $what"
		sleep 0.2
	done
}

PM=$(free_port)
P1=$(free_port)
P2=$(free_port)
[ "$P1" != "$PM" ] && [ "$P2" != "$PM" ] && [ "$P2" != "$P1" ] || ha_fail "no three free ports"
MONITOR="postgresql://autoctl_node@127.0.0.1:$PM/pg_auto_failover?sslmode=disable"

# setsid: each node has a process group of its own, so that killing one
# node (FQ_PG_HA_KILL) leaves the rest alone
# bg LOG CMD...: CMD in the background as the cluster's owner, in a session
# of its own; its pid (runuser's when root) is kept for the cleanup
bg() {
	log=$1
	shift
	if [ -n "$RUNAS" ]; then
		runuser -u "$RUNAS" -- setsid "$@" >"$log" 2>&1 &
	else
		setsid "$@" >"$log" 2>&1 &
	fi
	PIDS="$PIDS $!"
}

bg "$TMP/monitor.log" "$AUTOCTL" create monitor --pgdata "$MON" --pgport "$PM" \
	--hostname 127.0.0.1 --auth trust --no-ssl --pgctl "$PGBIN/pg_ctl" --run
monitor_up() {
	[ "$(psql_at "$PM" "SELECT count(*) FROM pg_extension WHERE extname = 'pgautofailover'" pg_auto_failover)" = 1 ]
}
wait_until 60 "the monitor" monitor_up

if [ "${FQ_PG_HA_FAST:-1}" = 1 ]; then
	# defaults: a check every 5 s, 5 s timeout, 2 retries 2 s apart, a node
	# unhealthy after 20 s without news, a demoted primary given 30 s
	"$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PM" -U postgres -d pg_auto_failover \
		-c "ALTER SYSTEM SET pgautofailover.health_check_period = 1000" \
		-c "ALTER SYSTEM SET pgautofailover.health_check_timeout = 1000" \
		-c "ALTER SYSTEM SET pgautofailover.health_check_max_retries = 1" \
		-c "ALTER SYSTEM SET pgautofailover.health_check_retry_delay = 500" \
		-c "ALTER SYSTEM SET pgautofailover.node_considered_unhealthy_timeout = 3000" \
		-c "ALTER SYSTEM SET pgautofailover.primary_demote_timeout = 3000" \
		-c "SELECT pg_reload_conf()" >/dev/null || ha_fail "cannot tune the monitor"
fi

# node NAME PORT: creates and runs a data node in the background
node() {
	bg "$TMP/$1.log" "$AUTOCTL" create postgres --pgdata "$TMP/$1" --pgport "$2" \
		--hostname 127.0.0.1 --name "$1" --auth trust --no-ssl --pgctl "$PGBIN/pg_ctl" \
		--monitor "$MONITOR" --run
}

# state_is NAME STATE: the monitor has the node in STATE, reported and goal
state_is() {
	[ "$(psql_at "$PM" "SELECT reportedstate || '/' || goalstate FROM pgautofailover.node WHERE nodename = '$1'" pg_auto_failover)" = "$2/$2" ]
}

node node1 "$P1"
wait_until 120 "node1 to be the primary" state_is node1 single
# settings every node gets (postgresql.auto.conf is copied to the standby):
# tests trade durability on one machine for speed, as without --ha; the
# replication between the nodes stays synchronous
if [ "${FQ_PG_DURABLE:-0}" != 1 ]; then
	"$PGBIN/psql" -X -q -h 127.0.0.1 -p "$P1" -U postgres -d postgres \
		-c "ALTER SYSTEM SET fsync = off" -c "ALTER SYSTEM SET full_page_writes = off" \
		-c "SELECT pg_reload_conf()" >/dev/null || ha_fail "cannot configure node1"
fi
node node2 "$P2"
synced() {
	state_is node1 primary && state_is node2 secondary &&
		[ "$(psql_at "$P1" "SELECT count(*) FROM pg_stat_replication WHERE sync_state IN ('sync', 'quorum') AND state = 'streaming'")" = 1 ]
}
wait_until 180 "node1 primary and node2 secondary in sync" synced

# the keepers' own waits when a standby is promoted (defaults 5 s and 30 s)
if [ "${FQ_PG_HA_FAST:-1}" = 1 ]; then
	for n in node1 node2; do
		as_pg "$AUTOCTL" config set --pgdata "$TMP/$n" timeout.prepare_promotion_walreceiver 1 >/dev/null 2>&1 || true
	done
fi

cat >"$TMP/kill-primary" <<EOF
#!/bin/sh
# SIGKILLs the node that is primary now, as when its machine dies: its
# pg_autoctl (supervisor, keeper) and every process under it, the
# postmaster and its children. Prints "host:port postmaster-pid".
set -eu
for n in node1:$P1 node2:$P2; do
	name=\${n%%:*}
	port=\${n#*:}
	ro=\$("$PGBIN/psql" -X -At -h 127.0.0.1 -p "\$port" -U postgres -d postgres \\
		-c 'SELECT pg_is_in_recovery()' 2>/dev/null || true)
	[ "\$ro" = f ] || continue
	pm=\$(head -n 1 "$TMP/\$name/postmaster.pid")
	top=""
	f=\$(find "$TMP/xdg/run" -name pg_autoctl.pid -path "*/\$name/*" 2>/dev/null | head -n 1)
	[ -z "\$f" ] || top=\$(head -n 1 "\$f")
	all="\$top \$pm"
	todo="\$all"
	while [ -n "\$todo" ]; do
		next=""
		for p in \$todo; do
			next="\$next \$(ps -o pid= --ppid "\$p" || true)"
		done
		todo=\$(echo \$next)
		all="\$all \$todo"
	done
	# pg_autoctl first, so that it restarts nothing; no SIGSTOP, which
	# would stop runuser above it too (it follows its child's stops)
	for p in \$all; do
		kill -KILL "\$p" 2>/dev/null || true
	done
	echo "127.0.0.1:\$port \$pm"
	exit 0
done
echo "no primary" >&2
exit 1
EOF
cat >"$TMP/state" <<EOF
#!/bin/sh
"$AUTOCTL" show state --monitor "$MONITOR"
"$AUTOCTL" show events --count 14 --monitor "$MONITOR"
EOF
chmod 755 "$TMP/kill-primary" "$TMP/state"

export FQ_TEST_PG="postgresql://postgres@127.0.0.1:$P1,127.0.0.1:$P2/postgres?target_session_attrs=read-write"
export FQ_PG_HA_FORMATION=default
export FQ_PG_HA_MONITOR="$MONITOR"
export FQ_PG_HA_NODES="127.0.0.1:$P1 127.0.0.1:$P2"
export FQ_PG_HA_PRIMARY_PID="$(head -n 1 "$TMP/node1/postmaster.pid")"
export FQ_PG_HA_KILL="$TMP/kill-primary"
export FQ_PG_HA_STATE="$TMP/state"
export FQ_PG_BIN="$PGBIN"
export FQ_PG_TMP="$TMP"
export FQ_PG_RUNAS="$RUNAS"
export PATH="$PGBIN:$PATH"

set +e
"$@"
status=$?
set -e
if [ "$status" -ne 0 ]; then
	echo "with-pg --ha: the command failed ($status); the group's state and logs:" >&2
	"$TMP/state" >&2 2>/dev/null || true
	for f in "$TMP"/*.log; do
		echo "---- $f" >&2
		tail -n 15 "$f" >&2
	done
fi
