#!/bin/bash
# usage: gcx.sh LABEL [java opts] -> rps p50 p99 and young pause distribution after warm-up
L=$1; shift
D=$(ls -td /work/main/balancer/target/vigia-cds/*/ | head -1)
if [ -n "$CLS" ]; then CPOPTS="-cp $CLS:$(cut -d: -f3- /tmp/exp/dev-classpath.args | tail -1)"; else CPOPTS="-XX:SharedArchiveFile=$D/vigia.jsa @$D/classpath.args"; fi
pgrep -f be.conf >/dev/null || { nginx -c /tmp/exp/be.conf -p /tmp/exp/be >/dev/null 2>&1 & sleep 0.5; }
rm -f /tmp/exp/gcx.log
env MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=16384 MALLOC_TRIM_THRESHOLD_=131072 java @/work/main/balancer/jvm.options "$@" -Xlog:gc,safepoint:file=/tmp/exp/gcx.log $CPOPTS -Dvigia.log.dir=/tmp/exp/logs io.vigia.balancer.Balancer --port 9310 --backends 127.0.0.1:9301,127.0.0.1:9302 --threads 1 --pool-max-idle-per-backend 512 > /tmp/exp/vigia.out 2>&1 & PID=$!
until curl -s -o /dev/null http://127.0.0.1:9310/; do sleep 0.01; done
wrk -t1 -c64 -d8s http://127.0.0.1:9310/ >/dev/null
L0=$(wc -l < /tmp/exp/gcx.log)
r=$(wrk -t1 -c64 -d${DUR:-8}s --latency http://127.0.0.1:9310/ | awk '/Requests\/sec/{r=int($2)} / 50%/{p5=$2} / 99%/{p=$2} END{print r, p5, p}')
nt=$(for t in /proc/$PID/task/*; do if grep -q "Notification" $t/comm; then awk '{print $14+$15}' $t/stat; fi; done)
hwm=$(( $(awk '/VmHWM/{print $2}' /proc/$PID/status)/1024 ))
kill $PID; wait $PID 2>/dev/null
tail -n +$((L0+1)) /tmp/exp/gcx.log > /tmp/exp/gcx.tail
n=$(grep -c "Pause" /tmp/exp/gcx.tail)
sp=$(python3 /tmp/exp/gcstat.py ${r%% *} ${DUR:-8} ${EDENKB:-9856})
echo "$L rps/p50/p99: $r hwm=$hwm notif_ticks=$nt gcs=$n $sp"
