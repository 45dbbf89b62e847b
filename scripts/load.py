#!/usr/bin/env python3
"""The county load measurement of BENCHMARKS.md ("County scale"), in one command:
serves scenarios/load/county_andorra_21.ron at 120x on 127.0.0.1:5401 (metrics on :6401,
RUST_LOG=info,sandtable::tick=debug, the record in /tmp/rec-load), runs
`sandtable-server swarm --clients N --seconds SECONDS` against it, waits until every client is
connected and the maps have gone out (message bytes growing by less than 2 MB/s), then 5 s, then
measures a window (default 30 s): tick busy quantiles from the per-tick trace lines, the share
of ticks within 45 ms from the /metrics histogram, the loop's phases per tick, server and swarm
CPU (utime + stime from /proc), the server's message bytes per client.

Usage: scripts/load.py BIN N SECONDS [WINDOW]   (BIN: a release sandtable-server)
Logs: /tmp/load-server.log, /tmp/load-swarm.log. Linux only (/proc)."""
import os, re, signal, subprocess, sys, time, urllib.request

if len(sys.argv) < 4:
    sys.exit(__doc__)
bin_, n, secs = os.path.abspath(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
window = int(sys.argv[4]) if len(sys.argv) > 4 else 30
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rec = '/tmp/rec-load'
subprocess.run(['rm', '-rf', rec])
env = dict(os.environ, RUST_LOG='info,sandtable::tick=debug')
slog = open('/tmp/load-server.log', 'w')
srv = subprocess.Popen([bin_, 'serve', 'scenarios/load/county_andorra_21.ron', '--bind', '127.0.0.1:5401',
                        '--autostart', '--speed', '120', '--metrics', '127.0.0.1:6401', '--record-dir', rec,
                        '--code', 'LOAD2026', '--controller-code', 'CTRL2026'], cwd=root, env=env, stdout=slog, stderr=slog)
def metrics():
    try:
        t = urllib.request.urlopen('http://127.0.0.1:6401/metrics', timeout=2).read().decode()
    except Exception:
        return None
    m = {}
    for line in t.splitlines():
        if line.startswith('#') or not line.strip():
            continue
        k, v = line.rsplit(' ', 1)
        m[k] = float(v)
    return m
while metrics() is None:
    if srv.poll() is not None:
        sys.exit(f'the server exited ({srv.returncode}): see /tmp/load-server.log')
    time.sleep(0.5)
time.sleep(1)
if srv.poll() is not None:  # another server still held the ports: its metrics answered
    sys.exit(f'the server exited ({srv.returncode}): see /tmp/load-server.log')
wlog = open('/tmp/load-swarm.log', 'w')
t0 = time.time()
sw = subprocess.Popen([bin_, 'swarm', '127.0.0.1:5401', '--clients', str(n), '--code', 'LOAD2026',
                       '--controller-code', 'CTRL2026', '--seconds', str(secs)], cwd=root, stdout=wlog, stderr=wlog)
def cpu(pid):
    f = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf('SC_CLK_TCK')
# wait for all clients and the maps to have gone out
last_b, last_t = None, None
while True:
    time.sleep(1)
    m = metrics()
    if m is None:
        continue
    c = m.get('sandtable_clients_connected', 0)
    b = m.get('sandtable_bytes_sent_total', 0)
    now = time.time()
    rate = (b - last_b) / (now - last_t) if last_b is not None else 1e12
    last_b, last_t = b, now
    if c >= n and rate < 2e6:
        break
    if now - t0 > secs + 60:
        print('never settled', c, rate); break
settled = time.time() - t0
time.sleep(5)
m0, c0s, c0w, w0 = metrics(), cpu(srv.pid), cpu(sw.pid), time.time()
time.sleep(window)
m1, c1s, c1w, w1 = metrics(), cpu(srv.pid), cpu(sw.pid), time.time()
el = w1 - w0
# trace lines within the window: take the last window*10 tick lines
slog.flush()
lines = [l for l in open('/tmp/load-server.log') if 'busy=' in l]
def parse(l):
    busy = float(re.search(r'busy=([\d.]+)', l).group(1))
    ph = dict((k, float(v)) for k, v in re.findall(r'(\w+)=([\d.]+)', l.split('busy=')[1]))
    return busy, ph
# lines logged during the window: approximate by count of ticks in window from the histogram
ticks = int(m1['sandtable_tick_seconds_count'] - m0['sandtable_tick_seconds_count'])
# the trace lines after the window end were not yet written (we read right at window end)
win = [parse(l) for l in lines[-ticks:]] if ticks > 0 else []
busy = sorted(b for b, _ in win)
def q(v, p):
    return v[min(len(v) - 1, int(p * len(v)))] if v else float('nan')
le45 = (m1['sandtable_tick_seconds_bucket{le="0.045"}'] - m0['sandtable_tick_seconds_bucket{le="0.045"}']) / max(ticks, 1)
phases = {}
for k in ['receive', 'journal', 'bots', 'step', 'views', 'route', 'send']:
    key = f'sandtable_loop_seconds_total{{phase="{k}"}}'
    if key in m1:
        phases[k] = (m1[key] - m0[key]) / max(ticks, 1) * 1e3
bytes_pc = (m1['sandtable_bytes_sent_total'] - m0['sandtable_bytes_sent_total']) / el / n / 1024
print(f'clients {n}: settled after {settled:.0f} s; window {el:.1f} s, {ticks} ticks')
print(f'tick busy p50/p90/p99/max (trace) {q(busy,.5):.1f} / {q(busy,.9):.1f} / {q(busy,.99):.1f} / {max(busy) if busy else 0:.1f} ms; ticks <= 45 ms {le45*100:.1f} %')
print('per tick ms: ' + ', '.join(f'{k} {v:.1f}' for k, v in phases.items()))
print(f'server CPU {(c1s-c0s)/el*100:.1f} %, swarm CPU {(c1w-c0w)/el*100:.1f} %, server bytes per client {bytes_pc:.2f} KB/s')
print(f'connected now {m1["sandtable_clients_connected"]:.0f}')
sw.wait()
print('swarm exit', sw.returncode)
os.system('tail -n 6 /tmp/load-swarm.log')
srv.send_signal(signal.SIGINT)
try:
    srv.wait(timeout=60)
except Exception:
    srv.kill()
