#!/usr/bin/env bash
# soak.sh: runs the Vigía balancer for a long, steady load with errors mixed in and records whether its
# memory stays flat. Same backends and balancer command as proxy-bench.sh, all on 127.0.0.1.
#
# Usage: bench/soak.sh [options]
#   -d DURATION     length of the soak, e.g. 10m (default 10m)
#   -c CONNECTIONS  wrk connections during the soak (default 256)
#   --fraction F    share of the measured maximum rate to hold, in percent (default 50)
#   --sample SECONDS  seconds between two samples of memory and error counts (default 30)
#   --no-build      skip `mvn compile` of core and balancer and use the classes already in target/
#   --keep DIR      copy the wrk output, the samples and the balancer's log into DIR
#   -h, --help      print this help
#
# The run has three steps. First a 10-second wrk run with the mix and no pause measures the maximum
# rate. Then wrk keeps the chosen share of it for DURATION: each connection pauses a fixed number of
# milliseconds between its requests. Out of 100 requests, 90 get 200, 5 get 404, 4 get 500 and 1 gets
# 400 (bench/lua/soak-mix.lua). Every --sample seconds the script forces a full collection with
# `jcmd GC.run` and records the heap in use after it, the resident set (VmRSS) and the balancer's
# error counts. Last, it compares the error counts in /errors/stats with the statuses wrk received.
#
# Environment: B1_PORT, B2_PORT, VIGIA_PORT, VIGIA_JVM_OPTIONS, VIGIA_JAVA_OPTS, VIGIA_ENV, VIGIA_ARGS,
# RESULTS_DIR and MVN as for proxy-bench.sh (see its --help).
#
# Output in RESULTS_DIR: soak-<timestamp>.md (report) and soak-<timestamp>.tsv (one row per sample).
set -euo pipefail

SOAK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROGRAM=soak
# shellcheck source=bench/proxy-bench.sh
source "$SOAK_DIR/proxy-bench.sh"

SOAK_DURATION=10m
SOAK_CONNS=256
SOAK_FRACTION=50
SAMPLE_SECONDS=30
PROXIES=vigia

soak_usage() {
  sed -n '2,/^set -euo pipefail/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

parse_soak_options() {
  while (($#)); do
    case $1 in
      -d) SOAK_DURATION=${2:?-d needs a duration}; shift 2 ;;
      -c) SOAK_CONNS=${2:?-c needs a number}; shift 2 ;;
      --fraction) SOAK_FRACTION=${2:?--fraction needs a percentage}; shift 2 ;;
      --sample) SAMPLE_SECONDS=${2:?--sample needs a number of seconds}; shift 2 ;;
      --no-build) BUILD=0; shift ;;
      --keep) KEEP_DIR=${2:?--keep needs a directory}; shift 2 ;;
      -h | --help) soak_usage; exit 0 ;;
      *) die "unknown option '$1'; run with --help for the list" ;;
    esac
  done
  is_duration "$SOAK_DURATION" || die "invalid -d '$SOAK_DURATION'; expected a duration such as 10m"
  is_positive "$SOAK_CONNS" || die "invalid -c '$SOAK_CONNS'; expected a positive number of connections"
  is_positive "$SAMPLE_SECONDS" || die "invalid --sample '$SAMPLE_SECONDS'; expected a positive number of seconds"
  [[ $SOAK_FRACTION =~ ^[1-9][0-9]?$|^100$ ]] || die "invalid --fraction '$SOAK_FRACTION'; expected a percentage from 1 to 100"
  validate_ports
}

# Prints the heap in use after a full collection, in KB: `jcmd GC.run` collects, then the balancer's
# /metrics gives each heap pool's usage after its last collection. Reading the pools' current usage
# instead would count whatever the load allocated between the collection and the reading.
heap_after_gc_kb() { # PID
  jcmd "$1" GC.run >/dev/null 2>&1 || { echo -1; return; }
  curl -s --max-time 5 "http://$HOST:$VIGIA_PORT/metrics" | awk '
    /^jvm_memory_pool_collection_used_bytes\{/ { used += $NF; seen = 1 }
    END { print (seen ? int(used / 1024) : -1) }'
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo -1; }

# Prints "total 400 404 500" from the balancer's /errors/stats.
error_counts() {
  curl -s --max-time 5 "http://$HOST:$VIGIA_PORT/errors/stats" | tr -d ' \n' | awk '{
    total = $0; sub(/.*"total_errors":/, "", total); sub(/[,}].*/, "", total)
    n = split("400_BAD_REQUEST 404_NOT_FOUND 500_INTERNAL_ERROR", names, " ")
    line = total + 0
    for (i = 1; i <= n; i++) {
      v = $0
      if (sub(".*\"" names[i] "\":", "", v)) { sub(/[,}].*/, "", v) } else { v = 0 }
      line = line " " v + 0
    }
    print line
  }'
}

measure_max_rate() {
  echo "# measuring the maximum rate: wrk -c$SOAK_CONNS -d10s with the mix, no pause"
  wrk -t1 -c"$SOAK_CONNS" -d5s -s "$SOAK_DIR/lua/soak-mix.lua" "http://$HOST:$VIGIA_PORT/" >/dev/null 2>&1 || true
  wrk -t1 -c"$SOAK_CONNS" -d10s -s "$SOAK_DIR/lua/soak-mix.lua" "http://$HOST:$VIGIA_PORT/" >"$RUN_DIR/wrk/max.txt" 2>&1 \
    || die "wrk failed while measuring the maximum rate; see $RUN_DIR/wrk/max.txt"
  MAX_RPS=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$RUN_DIR/wrk/max.txt")
  [[ -n $MAX_RPS && $MAX_RPS -gt 0 ]] || die "could not read the maximum rate from $RUN_DIR/wrk/max.txt"
  TARGET_RPS=$((MAX_RPS * SOAK_FRACTION / 100))
  # Each connection sends a request, reads its response, then pauses. Without the response time, the
  # pause would be SOAK_CONNS / TARGET_RPS seconds; a calibration run measures how far off that is.
  DELAY_MS=$(awk -v c="$SOAK_CONNS" -v r="$TARGET_RPS" 'BEGIN { printf "%.2f", c * 1000 / r }')
  local achieved round
  for round in 1 2 3; do
    SOAK_DELAY_MS=$DELAY_MS wrk -t1 -c"$SOAK_CONNS" -d5s -s "$SOAK_DIR/lua/soak-mix.lua" "http://$HOST:$VIGIA_PORT/" \
      >"$RUN_DIR/wrk/calibration-$round.txt" 2>&1 || die "wrk failed in calibration run $round; see $RUN_DIR/wrk/calibration-$round.txt"
    achieved=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$RUN_DIR/wrk/calibration-$round.txt")
    echo "# calibration $round: pause $DELAY_MS ms per connection gave $achieved req/s"
    # cycle = pause + response time; scale the pause so that the cycle matches the target rate.
    DELAY_MS=$(awk -v d="$DELAY_MS" -v a="$achieved" -v r="$TARGET_RPS" -v c="$SOAK_CONNS" \
      'BEGIN { cycle = c * 1000 / a; wanted = c * 1000 / r; d = d + wanted - cycle; if (d < 0.1) d = 0.1; printf "%.2f", d }')
  done
  echo "# maximum $MAX_RPS req/s; holding about $TARGET_RPS req/s with a pause of $DELAY_MS ms per connection"
}

soak() {
  local pid=${MAIN_PID[vigia]} wrk_pid started elapsed next=0 seconds
  seconds=$(seconds_of "$SOAK_DURATION")
  BASELINE_ERRORS=$(error_counts)
  printf 'seconds\trss_kb\theap_after_gc_kb\ttotal_errors\terrors_400\terrors_404\terrors_500\n' >"$SAMPLES_TSV"
  echo "# soaking for $SOAK_DURATION; a sample every $SAMPLE_SECONDS s"
  SOAK_DELAY_MS=$DELAY_MS wrk -t1 -c"$SOAK_CONNS" -d"$SOAK_DURATION" --latency -s "$SOAK_DIR/lua/soak-mix.lua" \
    "http://$HOST:$VIGIA_PORT/" >"$RUN_DIR/wrk/soak.txt" 2>&1 &
  wrk_pid=$!
  track "$wrk_pid"
  started=$(now_ms)
  while kill -0 "$wrk_pid" 2>/dev/null; do
    elapsed=$((($(now_ms) - started) / 1000))
    if ((elapsed >= next && elapsed < seconds)); then
      printf '%s\t%s\t%s\t%s\n' "$elapsed" "$(rss_kb "$pid")" "$(heap_after_gc_kb "$pid")" "$(error_counts | tr ' ' '\t')" >>"$SAMPLES_TSV"
      tail -n 1 "$SAMPLES_TSV"
      next=$((next + SAMPLE_SECONDS))
    fi
    sleep 1
  done
  wait "$wrk_pid" || die "wrk failed during the soak; see $RUN_DIR/wrk/soak.txt"
  # One last sample once the load has stopped and every response has been written.
  sleep 1
  printf '%s\t%s\t%s\t%s\n' "$((($(now_ms) - started) / 1000))" "$(rss_kb "$pid")" "$(heap_after_gc_kb "$pid")" \
    "$(error_counts | tr ' ' '\t')" >>"$SAMPLES_TSV"
}

# Prints a Markdown report from the samples and wrk's output.
soak_report() {
  soak_report_header
  echo
  soak_report_samples
  echo
  soak_report_summary
  compare_error_counts
}

soak_report_header() {
  local wrk_out=$RUN_DIR/wrk/soak.txt achieved p99 requests socket
  achieved=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$wrk_out")
  p99=$(awk '$1 == "99%" { print $2 }' "$wrk_out")
  requests=$(awk '/ requests in / { print $1 }' "$wrk_out")
  socket=$(awk '/Socket errors:/ { s = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i + 0; print s }' "$wrk_out")

  echo "# Soak run $STAMP"
  echo
  echo "- Command: \`bench/soak.sh $ARGS_TEXT\`"
  echo "- Machine: $(nproc) CPUs, $(uname -sr), $(java -version 2>&1 | head -n 1)"
  echo "- Balancer: \`$(vigia_command_text)\`"
  echo "- Maximum with the mix: $MAX_RPS req/s at $SOAK_CONNS connections; held $SOAK_FRACTION %: target $TARGET_RPS req/s, pause $DELAY_MS ms per connection"
  echo "- Achieved: $achieved req/s for $SOAK_DURATION, $requests requests, p99 $p99, socket errors ${socket:-0}"
}

soak_report_samples() {
  echo "## Memory and error counts over time"
  echo
  echo "Heap after GC is the heap in use right after a forced full collection (\`jcmd GC.run\`)."
  echo
  echo "| seconds | RSS MB | heap after GC MB | total_errors | 400 | 404 | 500 |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' 'NR > 1 { printf "| %s | %.1f | %.2f | %s | %s | %s | %s |\n", $1, $2 / 1024, $3 / 1024, $4, $5, $6, $7 }' "$SAMPLES_TSV"
}

# Prints the first and last samples and the means over the first and the second half of them.
soak_report_summary() {
  echo "## Summary"
  echo
  awk -F'\t' '
    NR > 1 { n++; rss[n] = $2; heap[n] = $3 }
    END {
      half = int(n / 2)
      if (half < 1) half = 1
      for (i = 1; i <= n; i++) {
        if (i <= half) {
          rss1 += rss[i]; heap1 += heap[i]; count1++
        } else {
          rss2 += rss[i]; heap2 += heap[i]; count2++
        }
      }
      if (count2 == 0) {
        count2 = count1; rss2 = rss1; heap2 = heap1
      }
      printf "- RSS: first sample %.1f MB, last %.1f MB; mean of the first half %.1f MB, of the second half %.1f MB\n",
        rss[1] / 1024, rss[n] / 1024, rss1 / count1 / 1024, rss2 / count2 / 1024
      printf "- Heap after GC: first sample %.2f MB, last %.2f MB; mean of the first half %.2f MB, of the second half %.2f MB\n",
        heap[1] / 1024, heap[n] / 1024, heap1 / count1 / 1024, heap2 / count2 / 1024
    }' "$SAMPLES_TSV"
}

# Compares the balancer's error counts with the statuses wrk counted. wrk counts only the responses it
# read before its deadline, so a request still in flight at the end may be counted by the balancer alone.
compare_error_counts() {
  local total b400 b404 b500 base_total base400 base404 base500 status count
  read -r _ _ _ total b400 b404 b500 <<<"$(tail -n 1 "$SAMPLES_TSV")"
  read -r base_total base400 base404 base500 <<<"$BASELINE_ERRORS"
  declare -A seen=([400]=0 [404]=0 [500]=0)
  while read -r status count; do seen[$status]=$count; done < <(awk '$1 == "status" { print $2, $3 }' "$RUN_DIR/wrk/soak.txt")
  echo "- Errors the balancer counted during the soak (/errors/stats at the end minus at the start) against the"
  echo "  statuses wrk received: 400 $((b400 - base400)) vs ${seen[400]}, 404 $((b404 - base404)) vs ${seen[404]},"
  echo "  500 $((b500 - base500)) vs ${seen[500]}; total_errors grew by $((total - base_total))"
}

soak_main() {
  parse_soak_options "$@"
  ARGS_TEXT=$( (($# == 0)) || printf '%q ' "$@")
  check_tools
  require_tool jcmd
  check_ports_free
  RUN_DIR=$(mktemp -d /tmp/vigia-soak.XXXXXX)
  chmod 755 "$RUN_DIR"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  mkdir -p "$RUN_DIR/wrk" "$RESULTS_DIR"
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  STAMP=$(date +%Y%m%d-%H%M%S)
  SAMPLES_TSV=$RUN_DIR/samples.tsv
  prepare_vigia_classpath
  start_backends
  train_cds_archive
  start_vigia vigia
  measure_max_rate
  soak
  soak_report >"$RESULTS_DIR/soak-$STAMP.md"
  cp "$SAMPLES_TSV" "$RESULTS_DIR/soak-$STAMP.tsv"
  cat "$RESULTS_DIR/soak-$STAMP.md"
  echo "# written: $RESULTS_DIR/soak-$STAMP.md, $RESULTS_DIR/soak-$STAMP.tsv"
}

soak_main "$@"
