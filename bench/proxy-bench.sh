#!/usr/bin/env bash
# proxy-bench.sh: measures the Vigía balancer against HAProxy and nginx as round-robin reverse proxies
# in front of the same two nginx backends, all on 127.0.0.1, with wrk as the load generator.
#
# Usage: bench/proxy-bench.sh [options]
#   -d DURATION     length of each measured wrk run, e.g. 10s or 1m (default 10s)
#   -r ROUNDS       measured runs per proxy in each scenario, interleaved A B C A B C (default 3)
#   -c "64 256"     keep-alive connection counts for the main table (default "64 256")
#   -t THREADS      wrk threads (default 1)
#   -w DURATION     warm-up run before each scenario, per proxy; 0 skips it (default 2s)
#   --initial-warmup DURATION  before the first scenario, one keep-alive run and one Connection: close run
#                   of DURATION per proxy, so that a JVM has compiled both paths; 0 skips them (default 5s)
#   --curve "LIST"  connection counts for the throughput plot (default "16 32 64 128 256"; "" skips it)
#   --curve-duration DURATION   length of each plot run (default 5s)
#   --quick         smoke test: 2s runs, 1 round, 1s warm-ups, 1s plot runs (later options still apply)
#   --only "LIST"   proxies to measure, separated by spaces or commas, from:
#                   vigia haproxy-1t haproxy-2t nginx-1w nginx-auto (default: all five)
#   --keep DIR      copy wrk outputs, rendered configs and proxy logs into DIR, also after a failure
#   --no-build      skip `mvn compile` of core and balancer and use the classes already in target/
#   --startup-runs N  extra starts of each proxy, each timed to its first 200 and stopped, before the
#                   load runs (default 4, so five starts in all; 0 keeps only the first start)
#   --no-cds        run the balancer without its class data sharing archive (see VIGIA_JVM_OPTIONS)
#   -h, --help      print this help
#
# Scenarios, each run against every selected proxy unless noted:
#   keepalive  GET / on keep-alive connections, once per count in -c
#   close      GET / with 'Connection: close' (one TCP connection per request), first count in -c
#   all-404    GET /missing, for which both backends return 404, alternating with all-200 (GET /)
#              for the comparison; vigia and haproxy-1t only, first count in -c
#   curve      GET / keep-alive at each --curve count, one run each, drawn as a PNG with gnuplot
#
# Environment:
#   B1_PORT B2_PORT (backends, default 9301 9302), VIGIA_PORT (9310), HAPROXY1_PORT (9311),
#   HAPROXY2_PORT (9312), NGINX1_PORT (9313), NGINXAUTO_PORT (9314): loopback ports
#   VIGIA_JVM_OPTIONS  file of JVM options for the balancer, passed to java as @FILE (default
#                    balancer/jvm.options). Unless --no-cds is given, the script also builds jars of core
#                    and balancer and a class data sharing archive for them under balancer/target/vigia-cds,
#                    in a training start before the measured ones, and reuses both while the classes, the
#                    options and the JDK stay the same.
#   VIGIA_JAVA_OPTS  extra JVM options appended after the file's (default none)
#   VIGIA_ENV        NAME=VALUE settings in the balancer's environment (default "MALLOC_ARENA_MAX=1
#                    MALLOC_MMAP_THRESHOLD_=16384 MALLOC_TRIM_THRESHOLD_=131072": one glibc malloc arena
#                    instead of one per thread, and blocks of 16 KB or more, such as the JIT compiler's
#                    work areas, mapped and unmapped on their own, so memory a compilation frees goes back
#                    to the system instead of staying in the heap; see balancer/jvm.options)
#   VIGIA_ARGS       balancer options appended after --port and --backends (default "--threads 1
#                    --pool-max-idle-per-backend 512": one event loop like haproxy-1t and nginx-1w, and as
#                    many idle backend connections as nginx's keepalive 512 in conf/proxy.nginx.conf)
#   RESULTS_DIR      where the report goes (default bench/results next to this script)
#   MVN              Maven command used to compile and get the classpath (default "mvn -B -o -q")
#
# Output in RESULTS_DIR: <timestamp>.md (report), <timestamp>.tsv (medians), <timestamp>-runs.tsv
# (every run), <timestamp>-curve.tsv and <timestamp>-throughput.png (plot). bench/README.md explains
# the columns. The script binds 127.0.0.1 only, bounds every wrk run with -d, and stops every process
# it started when it exits, whether it finishes, fails or is interrupted.
set -euo pipefail

readonly HOST=127.0.0.1
readonly ALL_PROXIES="vigia haproxy-1t haproxy-2t nginx-1w nginx-auto"
readonly REFERENCE=haproxy-1t
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
readonly BENCH_DIR REPO_DIR

B1_PORT=${B1_PORT:-9301}
B2_PORT=${B2_PORT:-9302}
VIGIA_PORT=${VIGIA_PORT:-9310}
HAPROXY1_PORT=${HAPROXY1_PORT:-9311}
HAPROXY2_PORT=${HAPROXY2_PORT:-9312}
NGINX1_PORT=${NGINX1_PORT:-9313}
NGINXAUTO_PORT=${NGINXAUTO_PORT:-9314}
VIGIA_JVM_OPTIONS=${VIGIA_JVM_OPTIONS:-$REPO_DIR/balancer/jvm.options}
VIGIA_JAVA_OPTS=${VIGIA_JAVA_OPTS:-}
VIGIA_ENV=${VIGIA_ENV-MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=16384 MALLOC_TRIM_THRESHOLD_=131072}
VIGIA_ARGS=${VIGIA_ARGS---threads 1 --pool-max-idle-per-backend 512}
RESULTS_DIR=${RESULTS_DIR:-$BENCH_DIR/results}
read -ra MVN_CMD <<<"${MVN:-mvn -B -o -q}"

DURATION="" ROUNDS="" WARMUP="" CURVE_DURATION="" INITIAL_WARMUP=""
CONNS="64 256"
THREADS=1
CURVE_CONNS="16 32 64 128 256"
QUICK=0
BUILD=1
CDS=1
STARTUP_RUNS=4
PROXIES=$ALL_PROXIES
KEEP_DIR=""
ARGS_TEXT=$( (($# == 0)) || printf '%q ' "$@")

die() {
  echo "${PROGRAM:-proxy-bench}: $*" >&2
  exit 1
}

note() {
  echo "${PROGRAM:-proxy-bench}: $*" >&2
}

usage() {
  sed -n '2,/^set -euo pipefail/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

# ---------------------------------------------------------------------------------------------------
# Options and checks

parse_options() {
  while (($#)); do
    case $1 in
      -d) DURATION=${2:?-d needs a duration}; shift 2 ;;
      -r) ROUNDS=${2:?-r needs a number}; shift 2 ;;
      -c) CONNS=${2:?-c needs a list of connection counts}; shift 2 ;;
      -t) THREADS=${2:?-t needs a number}; shift 2 ;;
      -w) WARMUP=${2:?-w needs a duration}; shift 2 ;;
      --initial-warmup) INITIAL_WARMUP=${2:?--initial-warmup needs a duration}; shift 2 ;;
      --curve) CURVE_CONNS=${2?--curve needs a list, possibly empty}; shift 2 ;;
      --curve-duration) CURVE_DURATION=${2:?--curve-duration needs a duration}; shift 2 ;;
      --quick) QUICK=1; shift ;;
      --only) PROXIES=${2:?--only needs a list of proxies}; shift 2 ;;
      --keep) KEEP_DIR=${2:?--keep needs a directory}; shift 2 ;;
      --no-build) BUILD=0; shift ;;
      --no-cds) CDS=0; shift ;;
      --startup-runs) STARTUP_RUNS=${2:?--startup-runs needs a number}; shift 2 ;;
      -h | --help) usage; exit 0 ;;
      *) die "unknown option '$1'; run with --help for the list" ;;
    esac
  done

  if ((QUICK)); then
    DURATION=${DURATION:-2s} ROUNDS=${ROUNDS:-1} WARMUP=${WARMUP:-1s} CURVE_DURATION=${CURVE_DURATION:-1s}
    INITIAL_WARMUP=${INITIAL_WARMUP:-1s}
  else
    DURATION=${DURATION:-10s} ROUNDS=${ROUNDS:-3} WARMUP=${WARMUP:-2s} CURVE_DURATION=${CURVE_DURATION:-5s}
    INITIAL_WARMUP=${INITIAL_WARMUP:-5s}
  fi
  PROXIES=${PROXIES//,/ }
}

is_duration() { [[ $1 =~ ^[1-9][0-9]*[smh]?$ ]]; }
is_positive() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }
is_port() { is_positive "$1" && (($1 < 65536)); }

validate_options() {
  is_duration "$DURATION" || die "invalid -d '$DURATION'; expected a duration such as 10s or 1m"
  is_duration "$CURVE_DURATION" || die "invalid --curve-duration '$CURVE_DURATION'; expected e.g. 5s"
  [[ $WARMUP == 0 ]] || is_duration "$WARMUP" || die "invalid -w '$WARMUP'; expected 0 or a duration such as 2s"
  [[ $INITIAL_WARMUP == 0 ]] || is_duration "$INITIAL_WARMUP" \
    || die "invalid --initial-warmup '$INITIAL_WARMUP'; expected 0 or a duration such as 5s"
  is_positive "$ROUNDS" || die "invalid -r '$ROUNDS'; expected a positive number of rounds"
  is_positive "$THREADS" || die "invalid -t '$THREADS'; expected a positive number of wrk threads"
  [[ $STARTUP_RUNS =~ ^[0-9]+$ ]] || die "invalid --startup-runs '$STARTUP_RUNS'; expected 0 or a positive number"
  [[ -n ${CONNS// /} ]] || die "-c needs at least one connection count"

  local count proxy
  for count in $CONNS $CURVE_CONNS; do
    is_positive "$count" || die "invalid connection count '$count'; expected a positive number"
    ((count >= THREADS)) || die "connection count $count is below the $THREADS wrk threads; wrk needs at least one per thread"
  done
  [[ -n ${PROXIES// /} ]] || die "--only needs at least one proxy from: $ALL_PROXIES"
  for proxy in $PROXIES; do
    [[ " $ALL_PROXIES " == *" $proxy "* ]] || die "unknown proxy '$proxy' in --only; expected names from: $ALL_PROXIES"
  done
  validate_ports
}

validate_ports() {
  local name port seen=" "
  for name in B1_PORT B2_PORT VIGIA_PORT HAPROXY1_PORT HAPROXY2_PORT NGINX1_PORT NGINXAUTO_PORT; do
    port=${!name}
    is_port "$port" || die "invalid $name '$port'; expected a TCP port from 1 to 65535"
    [[ $seen != *" $port "* ]] || die "$name=$port is used twice; give every port its own number"
    seen+="$port "
  done
}

# Prints the Debian package that provides a command.
package_of() {
  case $1 in
    ss) echo iproute2 ;;
    gnuplot) echo gnuplot-nox ;;
    java | jar) echo openjdk-17-jdk-headless ;;
    sha256sum) echo coreutils ;;
    mvn) echo maven ;;
    *) echo "$1" ;;
  esac
}

require_tool() {
  command -v "$1" >/dev/null || die "$1 not found; install it with: apt-get install -y $(package_of "$1")"
}

# Checks the tools and drops a reference proxy whose server is not installed.
check_tools() {
  local tool proxy kept=""
  for tool in wrk curl ss awk sed nginx; do
    require_tool "$tool"
  done
  for proxy in $PROXIES; do
    case $proxy in
      haproxy-*)
        if ! command -v haproxy >/dev/null; then
          note "haproxy not found, skipping $proxy; install it with: apt-get install -y haproxy"
          continue
        fi ;;
      vigia)
        require_tool java
        require_tool mvn
        [[ -f $REPO_DIR/balancer/src/main/java/io/vigia/balancer/Balancer.java ]] \
          || die "balancer/src/main/java/io/vigia/balancer/Balancer.java not found; measure the reference proxies with --only 'haproxy-1t nginx-1w'"
        [[ -f $VIGIA_JVM_OPTIONS ]] || die "JVM options file $VIGIA_JVM_OPTIONS not found; set VIGIA_JVM_OPTIONS to an existing file"
        if ((CDS)); then require_tool jar; require_tool sha256sum; fi ;;
    esac
    kept+="$proxy "
  done
  PROXIES=${kept% }
  [[ -n $PROXIES ]] || die "no proxy left to measure"
  if [[ -n ${CURVE_CONNS// /} ]] && ! command -v gnuplot >/dev/null; then
    note "gnuplot not found, the throughput plot will be skipped; install it with: apt-get install -y gnuplot-nox"
  fi
}

selected() { [[ " $PROXIES " == *" $1 "* ]]; }

port_of() {
  case $1 in
    vigia) echo "$VIGIA_PORT" ;;
    haproxy-1t) echo "$HAPROXY1_PORT" ;;
    haproxy-2t) echo "$HAPROXY2_PORT" ;;
    nginx-1w) echo "$NGINX1_PORT" ;;
    nginx-auto) echo "$NGINXAUTO_PORT" ;;
    backends) echo "$B1_PORT" ;;
  esac
}

is_listening() { [[ -n $(ss -Htln "sport = :$1" 2>/dev/null) ]]; }

check_ports_free() {
  local name port
  for name in backends $PROXIES; do
    port=$(port_of "$name")
    ! is_listening "$port" || die "port $port for $name is already in use; stop that process or set another port (see --help)"
  done
  ! is_listening "$B2_PORT" || die "port $B2_PORT for the second backend is already in use; set B2_PORT"
}

# Converts a wrk duration (10s, 2m, 1h or bare seconds) to seconds.
seconds_of() {
  local value=${1%[smh]}
  case $1 in
    *m) echo $((value * 60)) ;;
    *h) echo $((value * 3600)) ;;
    *) echo "$value" ;;
  esac
}

# ---------------------------------------------------------------------------------------------------
# Processes: every process started here is recorded as PID:start-time, so cleanup never signals a
# process that merely reused one of our PIDs.

TRACKED=()
declare -A MAIN_PID=()
declare -A STARTUP_MS=()
declare -A STARTUP_TIMES=()

start_time_of() {
  local stat fields
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  # Field 2 (the command name) may contain spaces, so split only after its closing parenthesis.
  read -ra fields <<<"${stat##*) }"
  echo "${fields[19]}"
}

is_tracked_alive() { # PID:START
  local pid=${1%%:*} start=${1#*:} state
  [[ -n $start && $(start_time_of "$pid" || true) == "$start" ]] || return 1
  state=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$pid/stat" 2>/dev/null || true)
  [[ $state != Z ]]
}

track() {
  TRACKED+=("$1:$(start_time_of "$1" || true)")
}

descendants_of() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null || true); do
    echo "$child"
    descendants_of "$child"
  done
}

# Tracks the children of a just-started nginx master, so they are stopped even if the master dies first.
track_children() {
  local child
  for child in $(descendants_of "$1"); do
    track "$child"
  done
}

stop_all() {
  local entry i tries
  for ((i = ${#TRACKED[@]} - 1; i >= 0; i--)); do
    entry=${TRACKED[i]}
    if is_tracked_alive "$entry"; then kill -TERM "${entry%%:*}" 2>/dev/null || true; fi
  done
  for ((tries = 0; tries < 50; tries++)); do
    any_tracked_alive || break
    sleep 0.1
  done
  for entry in "${TRACKED[@]}"; do
    if is_tracked_alive "$entry"; then
      note "PID ${entry%%:*} still running 5s after TERM, sending KILL"
      kill -KILL "${entry%%:*}" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
}

any_tracked_alive() {
  local entry
  for entry in "${TRACKED[@]}"; do
    if is_tracked_alive "$entry"; then return 0; fi
  done
  return 1
}

# Stops one started process with TERM and waits up to TIMEOUT seconds for it to exit, then sends KILL.
stop_tracked() { # PID TIMEOUT
  local pid=$1 entry="" candidate tries
  for candidate in "${TRACKED[@]}"; do
    if [[ ${candidate%%:*} == "$pid" ]]; then entry=$candidate; fi
  done
  [[ -n $entry ]] || return 0
  if is_tracked_alive "$entry"; then kill -TERM "$pid" 2>/dev/null || true; fi
  for ((tries = 0; tries < $2 * 10; tries++)); do
    is_tracked_alive "$entry" || break
    sleep 0.1
  done
  if is_tracked_alive "$entry"; then
    note "PID $pid still running $2 s after TERM, sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_all
  if [[ -n $KEEP_DIR && -n ${RUN_DIR:-} ]]; then
    mkdir -p "$KEEP_DIR" && cp -r "$RUN_DIR"/. "$KEEP_DIR"/ && note "kept raw files in $KEEP_DIR"
  fi
  if [[ -n ${RUN_DIR:-} ]]; then rm -rf "$RUN_DIR"; fi
  exit "$status"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

http_status() { # URL
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true
}

# Starts NAME with the command that follows in the background and waits, up to TIMEOUT seconds, for
# its first 200 response on GET / through PORT. Records the elapsed milliseconds in STARTUP_MS.
start_process() { # NAME PORT TIMEOUT COMMAND...
  local name=$1 port=$2 timeout=$3 pid started deadline
  shift 3
  started=$(now_ms)
  "$@" >"$RUN_DIR/$name.log" 2>&1 &
  pid=$!
  track "$pid"
  MAIN_PID[$name]=$pid
  deadline=$((started + timeout * 1000))
  until [[ $(http_status "http://$HOST:$port/") == 200 ]]; do
    if ! is_tracked_alive "${TRACKED[-1]}"; then
      tail -n 30 "$RUN_DIR/$name.log" >&2 || true
      die "$name (PID $pid) exited before returning 200 on $HOST:$port; its output is above"
    fi
    (($(now_ms) < deadline)) || die "$name did not return 200 on $HOST:$port within ${timeout}s; rerun with --keep DIR to keep its log as DIR/$name.log"
    sleep 0.01
  done
  STARTUP_MS[$name]=$(($(now_ms) - started))
  track_children "$pid"
}

render() { # TEMPLATE OUTPUT KEY=VALUE...
  local template=$1 output=$2 pair
  local expressions=()
  shift 2
  for pair in "$@"; do
    expressions+=(-e "s|{{${pair%%=*}}}|${pair#*=}|g")
  done
  sed "${expressions[@]}" "$template" >"$output"
}

# ---------------------------------------------------------------------------------------------------
# Starting the backends and the proxies

start_backends() {
  local conf=$RUN_DIR/backends.nginx.conf
  render "$BENCH_DIR/conf/backends.nginx.conf" "$conf" RUN_DIR="$RUN_DIR" B1_PORT="$B1_PORT" B2_PORT="$B2_PORT"
  nginx -t -q -e "$RUN_DIR/backends.error.log" -c "$conf" >"$RUN_DIR/backends.check.log" 2>&1 \
    || { cat "$RUN_DIR/backends.check.log" >&2; die "backend nginx configuration $conf is invalid"; }
  start_process backends "$B1_PORT" 10 nginx -e "$RUN_DIR/backends.error.log" -c "$conf"
  [[ $(http_status "http://$HOST:$B2_PORT/") == 200 ]] || die "second backend on $HOST:$B2_PORT did not return 200 on /"
  [[ $(http_status "http://$HOST:$B1_PORT/missing") == 404 ]] || die "backend on $HOST:$B1_PORT did not return 404 on /missing"
}

start_haproxy() { # NAME THREADS
  local name=$1 port conf
  port=$(port_of "$name")
  conf=$RUN_DIR/$name.cfg
  render "$BENCH_DIR/conf/haproxy.cfg" "$conf" THREADS="$2" PORT="$port" B1_PORT="$B1_PORT" B2_PORT="$B2_PORT"
  haproxy -c -q -f "$conf" >"$RUN_DIR/$name.check.log" 2>&1 \
    || { cat "$RUN_DIR/$name.check.log" >&2; die "HAProxy configuration $conf is invalid"; }
  start_process "$name" "$port" 10 haproxy -db -f "$conf"
}

start_nginx_proxy() { # NAME WORKERS
  local name=$1 port conf
  port=$(port_of "$name")
  conf=$RUN_DIR/$name.conf
  render "$BENCH_DIR/conf/proxy.nginx.conf" "$conf" RUN_DIR="$RUN_DIR" NAME="$name" WORKERS="$2" \
    PORT="$port" B1_PORT="$B1_PORT" B2_PORT="$B2_PORT"
  nginx -t -q -e "$RUN_DIR/$name.error.log" -c "$conf" >"$RUN_DIR/$name.check.log" 2>&1 \
    || { cat "$RUN_DIR/$name.check.log" >&2; die "nginx configuration $conf is invalid"; }
  start_process "$name" "$port" 10 nginx -e "$RUN_DIR/$name.error.log" -c "$conf"
}

# Compiles core and balancer (unless --no-build) and writes VIGIA_CP_ARGS, a java argument file with
# -cp and the tree's classes ahead of the jars Maven resolves. With class data sharing on, the tree's
# classes go in as two jars, because a JDK 17 archive takes classes from jars only, and
# VIGIA_CDS_ARCHIVE names the archive for this set of classes, options and JDK.
prepare_vigia_classpath() {
  local log=$RUN_DIR/mvn.log classpath_file=$RUN_DIR/vigia.classpath dependencies
  if ((BUILD)); then
    echo "# compiling core and balancer: ${MVN_CMD[*]} -pl core,balancer -am compile"
    (cd "$REPO_DIR" && "${MVN_CMD[@]}" -pl core,balancer -am compile) >"$log" 2>&1 \
      || { tail -n 40 "$log" >&2; die "compiling core and balancer failed; the Maven output is above"; }
  fi
  (cd "$REPO_DIR" && "${MVN_CMD[@]}" -pl balancer dependency:build-classpath -Dmdep.outputFile="$classpath_file") \
    >>"$log" 2>&1 || { tail -n 40 "$log" >&2; die "resolving the balancer classpath with Maven failed; the output is above"; }
  [[ -f $REPO_DIR/balancer/target/classes/io/vigia/balancer/Balancer.class ]] \
    || die "balancer/target/classes has no io/vigia/balancer/Balancer.class; build it or drop --no-build"
  dependencies=$(cat "$classpath_file")
  if ((CDS)); then
    prepare_cds_jars "$dependencies"
  else
    VIGIA_CP_ARGS=$RUN_DIR/classpath.args
    write_classpath_args "$VIGIA_CP_ARGS" "$REPO_DIR/balancer/target/classes:$REPO_DIR/core/target/classes:$dependencies"
  fi
}

write_classpath_args() { # FILE CLASSPATH
  printf -- '-cp\n"%s"\n' "$2" >"$1"
}

# Prints a key that changes whenever the archive would no longer match: the JDK, the JVM options, the
# dependency jars or any compiled class of core and balancer.
cds_key() { # DEPENDENCY_CLASSPATH
  {
    java -version 2>&1
    cat "$VIGIA_JVM_OPTIONS"
    echo "$VIGIA_JAVA_OPTS"
    echo "$1"
    (cd "$REPO_DIR" && find core/target/classes balancer/target/classes -type f -print0 | sort -z | xargs -0 sha256sum)
  } | sha256sum | cut -c1-16
}

# Packs the tree's classes into jars under balancer/target/vigia-cds/KEY, once per key, so that their
# modification times, which the archive records, stay fixed. Keeps the three newest keys.
prepare_cds_jars() { # DEPENDENCY_CLASSPATH
  local cache=$REPO_DIR/balancer/target/vigia-cds dir
  dir=$cache/$(cds_key "$1")
  if [[ ! -f $dir/classpath.args ]]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    jar --create --file "$dir/vigia-balancer.jar" -C "$REPO_DIR/balancer/target/classes" .
    jar --create --file "$dir/vigia-core.jar" -C "$REPO_DIR/core/target/classes" .
    # Written last: its presence marks the directory complete.
    write_classpath_args "$dir/classpath.args" "$dir/vigia-balancer.jar:$dir/vigia-core.jar:$1"
  fi
  touch "$dir"
  find "$cache" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn | tail -n +4 | cut -d' ' -f2- \
    | while IFS= read -r old; do rm -rf "$old"; done
  VIGIA_CP_ARGS=$dir/classpath.args
  VIGIA_CDS_ARCHIVE=$dir/vigia.jsa
}

# Creates the class data sharing archive when it does not exist yet. A training start serves proxied,
# 404 and admin requests and is stopped, and its JVM writes the classes it loaded, lambda forms included,
# into the archive at exit. Later starts map them instead of loading and verifying them again.
train_cds_archive() {
  [[ -n ${VIGIA_CDS_ARCHIVE:-} && ! -f $VIGIA_CDS_ARCHIVE ]] || return 0
  echo "# creating the class data sharing archive ${VIGIA_CDS_ARCHIVE#"$REPO_DIR"/} with a training start"
  rm -f "$VIGIA_CDS_ARCHIVE.tmp"
  start_vigia vigia-cds-training "-XX:ArchiveClassesAtExit=$VIGIA_CDS_ARCHIVE.tmp"
  wrk -t1 -c16 -d2s "http://$HOST:$VIGIA_PORT/" >"$RUN_DIR/wrk/cds-training.txt" 2>&1 || true
  local path
  for path in /missing /health /status /errors/stats /dashboard; do http_status "http://$HOST:$VIGIA_PORT$path" >/dev/null; done
  stop_tracked "${MAIN_PID[vigia-cds-training]}" 60
  if [[ -s $VIGIA_CDS_ARCHIVE.tmp ]]; then
    mv "$VIGIA_CDS_ARCHIVE.tmp" "$VIGIA_CDS_ARCHIVE"
  else
    note "warning: the training start wrote no archive, so the balancer runs without one; see $RUN_DIR/vigia-cds-training.log"
    VIGIA_CDS_ARCHIVE=""
  fi
}

# Starts the balancer as NAME. Extra JVM options replace the archive option, so a training start can
# write the archive that the measured starts read. Sets VIGIA_COMMAND to the command line.
start_vigia() { # NAME [JVM_OPTION...]
  local name=$1 extra_java=() extra_args=() cds=() environment=()
  shift
  read -ra environment <<<"$VIGIA_ENV"
  read -ra extra_java <<<"$VIGIA_JAVA_OPTS"
  read -ra extra_args <<<"$VIGIA_ARGS"
  if (($# == 0)) && [[ -n ${VIGIA_CDS_ARCHIVE:-} && -f $VIGIA_CDS_ARCHIVE ]]; then
    cds=("-XX:SharedArchiveFile=$VIGIA_CDS_ARCHIVE")
  fi
  VIGIA_COMMAND=(env "${environment[@]}" java "@$VIGIA_JVM_OPTIONS" "${extra_java[@]}" "${cds[@]}" "$@" "-Dvigia.log.dir=$RUN_DIR/vigia-logs"
    "@$VIGIA_CP_ARGS" io.vigia.balancer.Balancer --port "$VIGIA_PORT" --backends "$HOST:$B1_PORT,$HOST:$B2_PORT"
    "${extra_args[@]}")
  start_process "$name" "$VIGIA_PORT" 60 "${VIGIA_COMMAND[@]}"
}

# Prints VIGIA_COMMAND with paths inside the repository relative to it.
vigia_command_text() {
  local arg text=""
  for arg in "${VIGIA_COMMAND[@]}"; do
    arg=${arg//"$REPO_DIR"\//}
    text+="$arg "
  done
  echo "${text% }"
}

# Prints the options of VIGIA_JVM_OPTIONS on one line, without comments.
jvm_options_text() {
  sed -e 's/#.*//' "$VIGIA_JVM_OPTIONS" | xargs
}

start_proxy() { # PROXY
  case $1 in
    vigia) start_vigia vigia ;;
    haproxy-1t) start_haproxy "$1" 1 ;;
    haproxy-2t) start_haproxy "$1" 2 ;;
    nginx-1w) start_nginx_proxy "$1" 1 ;;
    nginx-auto) start_nginx_proxy "$1" auto ;;
  esac
}

# Starts every proxy, then restarts each STARTUP_RUNS times, timing every start to its first 200. The
# last start of each stays up for the load runs.
start_proxies() {
  local proxy run
  for proxy in $PROXIES; do
    start_proxy "$proxy"
    STARTUP_TIMES[$proxy]=${STARTUP_MS[$proxy]}
    for ((run = 1; run <= STARTUP_RUNS; run++)); do
      stop_tracked "${MAIN_PID[$proxy]}" 30
      start_proxy "$proxy"
      STARTUP_TIMES[$proxy]+=" ${STARTUP_MS[$proxy]}"
    done
    echo "# $proxy returned its first 200 after ${STARTUP_TIMES[$proxy]// / ms, } ms"
  done
  if selected vigia; then echo "# vigia: $(vigia_command_text)"; fi
}

# Checks that every proxy passes the backends' 404 on /missing through, and warns when ten requests
# to / do not reach both backends. start_process has already seen a 200 on / from each.
check_proxies() {
  local proxy port status backends
  for proxy in $PROXIES; do
    port=$(port_of "$proxy")
    status=$(http_status "http://$HOST:$port/missing")
    [[ $status == 404 ]] || die "$proxy returned '$status' on /missing, expected the backends' 404"
    backends=$(for _ in 1 2 3 4 5 6 7 8 9 10; do
      curl -s -D - -o /dev/null --max-time 2 "http://$HOST:$port/" | tr -d '\r' \
        | awk -F': ' 'tolower($1) == "x-backend" { print $2 }'
    done | sort | uniq -c | awk '{ printf "%s=%s ", $2, $1 }')
    [[ $backends == *b1=*b2=* ]] || note "warning: 10 requests through $proxy reached: ${backends:-no X-Backend header}; expected both b1 and b2"
  done
}

# ---------------------------------------------------------------------------------------------------
# Measuring

# Prints "req/s p50_ms p99_ms errors" from one wrk --latency output. Errors are socket errors plus
# responses of the wrong status class. wrk counts only responses of 400 and above ("Non-2xx or 3xx"), so
# the wrong class is 400 and above when EXPECTED is 200, and below 400 when EXPECTED is 404.
parse_wrk() { # FILE EXPECTED
  awk -v expected="$2" '
    function to_ms(token,   value) {
      value = token + 0
      if (token ~ /us$/) return value / 1000
      if (token ~ /ms$/) return value
      if (token ~ /m$/) return value * 60000
      if (token ~ /s$/) return value * 1000
      return -1
    }
    /^Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = to_ms($2) }
    $1 == "99%" { p99 = to_ms($2) }
    / requests in / { requests = $1 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) socket += $i + 0 }
    END {
      unexpected = (expected == 404) ? requests - non2xx : non2xx
      printf "%.0f %.3f %.3f %d\n", rps + 0, (p50 == "" ? -1 : p50), (p99 == "" ? -1 : p99), unexpected + socket
    }' "$1"
}

run_wrk() { # PROXY CONNECTIONS DURATION PATH OUTPUT [WRK_OPTION...]
  local proxy=$1 connections=$2 duration=$3 path=$4 output=$5 port
  shift 5
  port=$(port_of "$proxy")
  wrk -t"$THREADS" -c"$connections" -d"$duration" --latency "$@" "http://$HOST:$port$path" >"$output" 2>&1 \
    || echo "proxy-bench: wrk exited with status $?" >>"$output"
}

tree_peak_rss_kb() { # PID
  local pid total=0 kb
  for pid in "$1" $(descendants_of "$1"); do
    kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

# Runs wrk for one TARGET (SCENARIO:PROXY). The scenario sets the path and the request headers.
run_target() { # TARGET CONNECTIONS DURATION OUTPUT
  local scenario=${1%%:*} proxy=${1#*:}
  case $scenario in
    close) run_wrk "$proxy" "$2" "$3" / "$4" -H 'Connection: close' ;;
    all-404) run_wrk "$proxy" "$2" "$3" /missing "$4" ;;
    *) run_wrk "$proxy" "$2" "$3" / "$4" ;;
  esac
}

# Prints SCENARIO:PROXY for each proxy given.
targets_of() { # SCENARIO PROXY...
  local scenario=$1 proxy
  shift
  for proxy in "$@"; do echo "$scenario:$proxy"; done
}

# Measures TARGETs (SCENARIO:PROXY) at one connection count: a warm-up run per target, then ROUNDS
# interleaved rounds, then the peak RSS of each target's proxy.
measure() { # CONNECTIONS TARGET...
  local connections=$1 target scenario proxy round output expected rps p50 p99 errors
  shift
  if [[ $WARMUP != 0 ]]; then
    for target in "$@"; do
      run_target "$target" "$connections" "$WARMUP" "$RUN_DIR/wrk/warmup-${target/:/-}-c$connections.txt"
    done
  fi
  for ((round = 1; round <= ROUNDS; round++)); do
    for target in "$@"; do
      scenario=${target%%:*} proxy=${target#*:} expected=200
      [[ $scenario == all-404 ]] && expected=404
      output=$RUN_DIR/wrk/${target/:/-}-c$connections-r$round.txt
      cut -d' ' -f1 /proc/loadavg >>"$LOAD_TSV"
      run_target "$target" "$connections" "$DURATION" "$output"
      read -r rps p50 p99 errors <<<"$(parse_wrk "$output" "$expected")"
      if grep -q '^proxy-bench: wrk exited' "$output"; then note "warning: wrk failed on $proxy, see $output"; fi
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$connections" "$proxy" "$round" "$rps" "$p50" "$p99" "$errors" >>"$RUNS_TSV"
      printf '  %-9s c=%-4s %-10s round %d/%d: %8s req/s  p50 %8s ms  p99 %8s ms  errors %s\n' \
        "$scenario" "$connections" "$proxy" "$round" "$ROUNDS" "$rps" "$p50" "$p99" "$errors"
    done
  done
  for target in "$@"; do
    proxy=${target#*:}
    printf '%s\t%s\t%s\t%s\n' "${target%%:*}" "$connections" "$proxy" "$(tree_peak_rss_kb "${MAIN_PID[$proxy]}")" >>"$RSS_TSV"
  done
}

measure_curve() {
  local connections proxy output rps
  printf 'connections' >"$CURVE_TSV"
  for proxy in $PROXIES; do printf '\t%s' "$proxy" >>"$CURVE_TSV"; done
  printf '\n' >>"$CURVE_TSV"
  for connections in $CURVE_CONNS; do
    printf '%s' "$connections" >>"$CURVE_TSV"
    for proxy in $PROXIES; do
      output=$RUN_DIR/wrk/curve-c$connections-$proxy.txt
      run_wrk "$proxy" "$connections" "$CURVE_DURATION" / "$output"
      read -r rps _ <<<"$(parse_wrk "$output" 200)"
      printf '\t%s' "$rps" >>"$CURVE_TSV"
      printf '  curve     c=%-4s %-10s %8s req/s\n' "$connections" "$proxy" "$rps"
    done
    printf '\n' >>"$CURVE_TSV"
  done
}

# Prints the targets of the 404 comparison: all-200 and all-404 interleaved for vigia and the reference.
error_targets() {
  local proxy
  for proxy in vigia "$REFERENCE"; do
    if selected "$proxy"; then printf 'all-200:%s all-404:%s ' "$proxy" "$proxy"; fi
  done
  echo
}

# Warms every proxy up once on both the keep-alive and the Connection: close path. A JVM compiles code
# only after it has run often, and the per-scenario warm-up is too short to cover that.
initial_warmup() { # CONNECTIONS
  local proxy
  [[ $INITIAL_WARMUP != 0 ]] || return 0
  for proxy in $PROXIES; do
    run_target "keepalive:$proxy" "$1" "$INITIAL_WARMUP" "$RUN_DIR/wrk/initial-warmup-keepalive-$proxy.txt"
    run_target "close:$proxy" "$1" "$INITIAL_WARMUP" "$RUN_DIR/wrk/initial-warmup-close-$proxy.txt"
  done
}

run_scenarios() {
  local connections first proxies=() targets=()
  read -ra proxies <<<"$PROXIES"
  first=${CONNS%% *}
  initial_warmup "$first"
  for connections in $CONNS; do
    mapfile -t targets < <(targets_of keepalive "${proxies[@]}")
    measure "$connections" "${targets[@]}"
  done
  mapfile -t targets < <(targets_of close "${proxies[@]}")
  measure "$first" "${targets[@]}"
  read -ra targets <<<"$(error_targets)"
  if ((${#targets[@]})); then
    measure "$first" "${targets[@]}"
  else
    note "404 comparison skipped: it measures vigia and $REFERENCE, and neither is selected"
  fi
  if [[ -n ${CURVE_CONNS// /} ]]; then measure_curve; fi
}

# ---------------------------------------------------------------------------------------------------
# Reporting

# Writes SUMMARY_TSV with one row per scenario, connection count and proxy. A row has the median req/s,
# p50 and p99 over the rounds, the min and max req/s, the peak RSS, the summed errors and the ratios to
# the reference proxy.
summarize() {
  awk -F'\t' -v OFS='\t' -v reference="$REFERENCE" -v order="$PROXIES" '
    function median(list,   values, n, i, j, swap) {
      n = split(list, values, " ")
      for (i = 2; i <= n; i++)
        for (j = i; j > 1 && values[j - 1] + 0 > values[j] + 0; j--) {
          swap = values[j]; values[j] = values[j - 1]; values[j - 1] = swap
        }
      return (n % 2) ? values[(n + 1) / 2] : (values[n / 2] + values[n / 2 + 1]) / 2
    }
    FNR == 1 { next }
    FILENAME == ARGV[1] {
      key = $1 SUBSEP $2
      if (!(key in seen)) { seen[key] = 1; keys[++key_count] = key }
      key = key SUBSEP $3
      rps[key] = rps[key] " " $5; p50[key] = p50[key] " " $6; p99[key] = p99[key] " " $7
      errors[key] += $8; rounds[key]++
      if (!(key in low) || $5 + 0 < low[key]) low[key] = $5 + 0
      if (!(key in high) || $5 + 0 > high[key]) high[key] = $5 + 0
      next
    }
    { rss_kb[$1 SUBSEP $2 SUBSEP $3] = $4 }
    END {
      print "scenario", "connections", "proxy", "rounds", "rps", "rps_min", "rps_max", "p50_ms", "p99_ms",
            "peak_rss_mb", "errors", "rps_vs_" reference, "p99_vs_" reference
      proxy_count = split(order, proxies, " ")
      for (k = 1; k <= key_count; k++) {
        split(keys[k], parts, SUBSEP)
        base = keys[k] SUBSEP reference
        base_rps = (base in rps) ? median(rps[base]) : 0
        base_p99 = (base in rps) ? median(p99[base]) : 0
        for (p = 1; p <= proxy_count; p++) {
          key = keys[k] SUBSEP proxies[p]
          if (!(key in rps)) continue
          m = median(rps[key]); q = median(p99[key])
          print parts[1], parts[2], proxies[p], rounds[key], m, low[key], high[key],
                sprintf("%.3f", median(p50[key])), sprintf("%.3f", q), sprintf("%.1f", rss_kb[key] / 1024),
                errors[key], (base_rps > 0 ? sprintf("%.2f", m / base_rps) : "-"),
                (base_p99 > 0 ? sprintf("%.2f", q / base_p99) : "-")
        }
      }
    }' "$RUNS_TSV" "$RSS_TSV" >"$SUMMARY_TSV"
}

markdown_results_table() {
  echo "| scenario | conns | proxy | req/s | req/s min–max | p50 ms | p99 ms | peak RSS MB | errors | req/s ÷ $REFERENCE | p99 ÷ $REFERENCE |"
  echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s | %s–%s | %s | %s | %s | %s | %s | %s |\n",
    $1, $2, $3, $5, $6, $7, $8, $9, $10, $11, $12, $13 }' "$SUMMARY_TSV"
}

# Compares each proxy's all-404 figures with its all-200 figures, measured in alternation with them.
markdown_404_table() {
  echo "| proxy | conns | 200 req/s | 404 req/s | 404 ÷ 200 req/s | 200 p99 ms | 404 p99 ms |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' 'NR > 1 && $1 == "all-200" { ok_rps[$2 SUBSEP $3] = $5; ok_p99[$2 SUBSEP $3] = $9 }
    NR > 1 && $1 == "all-404" { key = $2 SUBSEP $3; order[++n] = key; missing_rps[key] = $5; missing_p99[key] = $9 }
    END {
      for (i = 1; i <= n; i++) {
        split(order[i], parts, SUBSEP); key = order[i]
        printf "| %s | %s | %s | %s | %s | %s | %s |\n", parts[2], parts[1], ok_rps[key], missing_rps[key],
          (ok_rps[key] > 0 ? sprintf("%.2f", missing_rps[key] / ok_rps[key]) : "-"), ok_p99[key], missing_p99[key]
      }
    }' "$SUMMARY_TSV"
}

# Prints the commit under test and whether the tree differs from it. Files under bench/results are left out,
# because that is where this script writes its reports, so earlier reports are not changes to what is measured.
tree_text() {
  local commit
  commit=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [[ -n $(git -C "$REPO_DIR" status --porcelain -- . ':(exclude)bench/results' 2>/dev/null | head -1) ]]; then
    commit+=" with uncommitted changes"
  fi
  echo "$commit"
}

environment_lines() {
  echo "- Command: \`bench/proxy-bench.sh ${ARGS_TEXT% }\`"
  echo "- Machine: $(nproc) CPUs ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), Linux $(uname -r)"
  echo "- Load average: $LOAD_BEFORE before the run; 1-minute average at the start of the measured runs: $(load_summary)"
  echo "- Tree: $TREE_TEXT"
  echo "- wrk: $(wrk -v 2>&1 | head -1 | awk '{ print $2 }'), -t$THREADS -d$DURATION --latency, $ROUNDS interleaved rounds, warm-up $WARMUP per proxy and scenario after an initial $INITIAL_WARMUP keep-alive and $INITIAL_WARMUP close run per proxy"
  echo "- nginx: $(nginx -v 2>&1 | sed 's/^nginx version: //') (backends: 1 worker)"
  if command -v haproxy >/dev/null; then echo "- HAProxy: $(haproxy -v | head -1 | awk '{ print $3 }')"; fi
  if selected vigia; then
    echo "- Vigía: $(java -version 2>&1 | head -1), JVM options: $(jvm_options_text)${VIGIA_JAVA_OPTS:+ $VIGIA_JAVA_OPTS}${VIGIA_ARGS:+, balancer options: $VIGIA_ARGS}, class data sharing archive: $( [[ -n ${VIGIA_CDS_ARCHIVE:-} ]] && echo yes || echo no)"
    echo "- Vigía command: \`$(vigia_command_text)\`"
  fi
}

# Prints the minimum, median and maximum of the load samples taken before each measured run.
load_summary() {
  [[ -s $LOAD_TSV ]] || { echo "not sampled"; return; }
  sort -n "$LOAD_TSV" | awk '{ value[NR] = $1 } END {
    printf "min %s, median %s, max %s", value[1], value[int((NR + 1) / 2)], value[NR] }'
}

startup_row() { # PROXY
  tr ' ' '\n' <<<"${STARTUP_TIMES[$1]}" | sort -n | awk -v proxy="$1" -v all="${STARTUP_TIMES[$1]// /, }" '
    { value[NR] = $1 }
    END { printf "| %s | %s | %s–%s | %s |\n", proxy, value[int((NR + 1) / 2)], value[1], value[NR], all }'
}

write_report() { # MARKDOWN PNG
  local proxy
  {
    echo "# Proxy benchmark $STAMP"
    echo
    environment_lines
    echo
    echo "## Time to first proxied 200"
    echo
    echo "Milliseconds from starting the process to the first 200 that curl received through it, over $((STARTUP_RUNS + 1)) starts."
    echo
    echo "| proxy | median ms | min–max ms | every start, ms |"
    echo "|---|---:|---:|---|"
    for proxy in $PROXIES; do startup_row "$proxy"; done
    echo
    echo "## Throughput and latency"
    echo
    echo "Medians over the rounds. Peak RSS is VmHWM summed over the proxy's process tree, as high as it"
    echo "had been by the end of that scenario. Errors are socket errors plus responses of an unexpected status class."
    echo
    markdown_results_table
    echo
    if grep -q '^all-404' "$SUMMARY_TSV"; then
      echo "## All-404 versus all-200"
      echo
      echo "Keep-alive GET /missing (both backends return 404) and GET / (200), measured in alternation."
      echo
      markdown_404_table
      echo
    fi
    if [[ -n $2 ]]; then
      echo "## Throughput versus connections"
      echo
      echo "![req/s versus keep-alive connections]($(basename "$2"))"
      echo
    fi
  } >"$1"
}

draw_curve() { # PNG
  local columns x_range
  command -v gnuplot >/dev/null || return 1
  columns=$(head -1 "$CURVE_TSV" | awk -F'\t' '{ print NF }')
  # A margin on both sides keeps the first and last points, and their tic labels, off the border.
  x_range=$(tr ' ' '\n' <<<"$CURVE_CONNS" | awk 'NF { if (!min || $1 < min) min = $1; if ($1 > max) max = $1 }
    END { printf "[%g:%g]", min / 1.25, max * 1.25 }')
  gnuplot <<EOF 2>"$RUN_DIR/gnuplot.log" || { note "gnuplot failed: $(cat "$RUN_DIR/gnuplot.log")"; return 1; }
set terminal pngcairo size 960,600 noenhanced
set output '$1'
set datafile separator tab
set title 'Keep-alive throughput on 127.0.0.1 (wrk -t$THREADS -d$CURVE_DURATION, $STAMP)'
set xlabel 'connections'
set ylabel 'requests per second'
set logscale x 2
set xrange $x_range
set xtics (${CURVE_CONNS// /, })
set yrange [0:*]
set grid
set key outside right
plot for [i=2:$columns] '$CURVE_TSV' using 1:i with linespoints linewidth 2 title columnheader(i)
EOF
}

publish_results() {
  local png="" markdown=$RESULTS_DIR/$STAMP.md
  mkdir -p "$RESULTS_DIR"
  summarize
  cp "$SUMMARY_TSV" "$RESULTS_DIR/$STAMP.tsv"
  cp "$RUNS_TSV" "$RESULTS_DIR/$STAMP-runs.tsv"
  if [[ -s $CURVE_TSV ]]; then
    cp "$CURVE_TSV" "$RESULTS_DIR/$STAMP-curve.tsv"
    if draw_curve "$RESULTS_DIR/$STAMP-throughput.png"; then png=$RESULTS_DIR/$STAMP-throughput.png; fi
  fi
  write_report "$markdown" "$png"
  echo
  cat "$markdown"
  echo "# written: $markdown, $RESULTS_DIR/$STAMP.tsv, $RESULTS_DIR/$STAMP-runs.tsv${png:+, $png}"
}

estimate_seconds() {
  local proxy_count connection_count curve_count per_run warm close_and_404 initial
  proxy_count=$(wc -w <<<"$PROXIES")
  connection_count=$(wc -w <<<"$CONNS")
  curve_count=$(wc -w <<<"$CURVE_CONNS")
  per_run=$(seconds_of "$DURATION")
  warm=0
  [[ $WARMUP == 0 ]] || warm=$(seconds_of "$WARMUP")
  close_and_404=$((proxy_count + $(wc -w <<<"$(error_targets)")))
  initial=0
  [[ $INITIAL_WARMUP == 0 ]] || initial=$((2 * proxy_count * $(seconds_of "$INITIAL_WARMUP")))
  echo $(((connection_count * proxy_count + close_and_404) * (ROUNDS * per_run + warm) + initial + curve_count * proxy_count * $(seconds_of "$CURVE_DURATION")))
}

main() {
  parse_options "$@"
  validate_options
  check_tools
  check_ports_free

  RUN_DIR=$(mktemp -d /tmp/vigia-proxy-bench.XXXXXX)
  chmod 755 "$RUN_DIR"  # nginx workers started by root run as an unprivileged user
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  mkdir -p "$RUN_DIR/wrk"
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

  STAMP=$(date +%Y%m%d-%H%M%S)
  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
  TREE_TEXT=$(tree_text)  # before this run writes anything
  LOAD_TSV=$RUN_DIR/load.tsv RUNS_TSV=$RUN_DIR/runs.tsv RSS_TSV=$RUN_DIR/rss.tsv SUMMARY_TSV=$RUN_DIR/summary.tsv CURVE_TSV=$RUN_DIR/curve.tsv
  printf 'scenario\tconnections\tproxy\tround\trps\tp50_ms\tp99_ms\terrors\n' >"$RUNS_TSV"
  printf 'scenario\tconnections\tproxy\tpeak_rss_kb\n' >"$RSS_TSV"
  echo "# proxy-bench $STAMP: proxies [$PROXIES], connections [$CONNS], curve [$CURVE_CONNS], run dir $RUN_DIR"
  echo "# load generation takes about $(estimate_seconds) s, plus start-up"

  if selected vigia; then prepare_vigia_classpath; fi
  start_backends
  if selected vigia; then train_cds_archive; fi
  start_proxies
  check_proxies
  run_scenarios
  publish_results
}

# bench/soak.sh sources this file for its process handling and start-up functions.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  main "$@"
fi
