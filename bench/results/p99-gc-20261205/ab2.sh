#!/bin/bash
# usage: ab2.sh LABEL CLS [java opts]: counts young/full GCs per phase
L=$1; CLS=$2; shift 2
pgrep -f be.conf >/dev/null || { nginx -c /tmp/exp/be.conf -p /tmp/exp/be >/dev/null 2>&1 & sleep 0.5; }
rm -f /tmp/exp/ab2-gc.log
env MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=16384 MALLOC_TRIM_THRESHOLD_=131072 java @/work/main/balancer/jvm.options "$@" -Xlog:gc,gc+heap=info,gc+age=debug:file=/tmp/exp/ab2-gc.log -cp $CLS:$(cut -d: -f3- /tmp/exp/dev-classpath.args | tail -1) -Dvigia.log.dir=/tmp/exp/logs io.vigia.balancer.Balancer --port 9310 --backends 127.0.0.1:9301,127.0.0.1:9302 --threads 1 --pool-max-idle-per-backend 512 > /tmp/exp/vigia.out 2>&1 & PID=$!
for i in $(seq 1000); do curl -s -o /dev/null http://127.0.0.1:9310/ && break; sleep 0.01; done
wrk -t1 -c64 -d5s http://127.0.0.1:9310/ >/dev/null; wrk -t1 -c64 -d3s -H "Connection: close" http://127.0.0.1:9310/ >/dev/null; wrk -t1 -c256 -d3s http://127.0.0.1:9310/ >/dev/null
ph() { local f0=$(grep -c "Pause Full" /tmp/exp/ab2-gc.log) y0=$(grep -c "Pause Young" /tmp/exp/ab2-gc.log); local r=$("$@" | awk '/Requests\/sec/{r=int($2)} / 99%/{p=$2} END{print r, p}'); echo "$r young=$(( $(grep -c "Pause Young" /tmp/exp/ab2-gc.log)-y0 )) full=$(( $(grep -c "Pause Full" /tmp/exp/ab2-gc.log)-f0 ))"; }
a=$(ph wrk -t1 -c64 -d8s --latency http://127.0.0.1:9310/)
b=$(ph wrk -t1 -c256 -d8s --latency http://127.0.0.1:9310/)
c=$(ph wrk -t1 -c64 -d8s --latency -H "Connection: close" http://127.0.0.1:9310/)
echo "$L | ka64: $a | ka256: $b | close64: $c"
kill $PID; wait $PID 2>/dev/null
