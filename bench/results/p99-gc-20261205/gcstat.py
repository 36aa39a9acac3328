import re,sys
ts=[]; eden=None; n=0
for l in open('/tmp/exp/gcx.tail'):
    m=re.search(r'Total: (\d+) ns',l)
    if m and 'Safepoint' in l and ('Collect' in l or 'GC' in l): ts.append(int(m.group(1))/1e6)
ts.sort()
rps=float(sys.argv[1]); dur=float(sys.argv[2]); edenkb=float(sys.argv[3])
gps=len(ts)/dur
if ts: print(f"  gc/s={gps:.1f} B/req={len(ts)*edenkb*1024/(rps*dur):.0f} pause p50={ts[len(ts)//2]:.3f} p90={ts[int(len(ts)*.9)]:.3f} ms  gc-ms/s={sum(ts)/dur:.2f}")
