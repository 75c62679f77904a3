#!/usr/bin/python3
"""MariaDB stopped and started again under load, through the running
web server (whichever SERVER the stack runs): during the outage every
request gets a JSON 503 within the connect timeout and none hangs;
after the restart the same worker processes answer 200 again within a
second.

Environment: E2E_PORT, VAR, BUILD, JWTAUTH_CONFIG, LOAD_THREADS (4).
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'e2e'))
from e2e import ok, done, request, login, bearer, stack, VAR  # noqa: E402
import fcgi  # noqa: E402

CONF = os.environ.get('JWTAUTH_CONFIG') or os.path.join(VAR, 'jwtauth.conf')
THREADS = int(os.environ.get('LOAD_THREADS', '4'))
CONNECT_TIMEOUT = 2.0         # the stack's jwtauth.conf
SLACK = 0.5                   # scheduling, the web server's own hop
BIN = os.path.dirname(fcgi.program('login'))


def server():
    try:
        with open(os.path.join(VAR, 'run', 'server')) as fh:
            return fh.read().strip()
    except OSError:
        return 'lighttpd'


def workers():
    """{pid: program} of this stack's FastCGI workers: our programs,
    with our config in their environment (other stacks run too)."""
    found = {}
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            exe = os.readlink(f'/proc/{pid}/exe')
            if os.path.dirname(exe) != BIN:
                continue
            with open(f'/proc/{pid}/environ', 'rb') as fh:
                env = fh.read().split(b'\0')
        except OSError:
            continue
        if ('JWTAUTH_CONFIG=' + CONF).encode() in env:
            found[int(pid)] = os.path.basename(exe)
    return found


kind = server()
pair = login().json()
access = pair['access_token']
results = []                  # (start, end, what, status, body or error)
lock = threading.Lock()
stop = threading.Event()


def client(n):
    i = n
    while not stop.is_set():
        i += 1
        t0 = time.monotonic()
        try:
            if i % 4 == 0:
                r = login()
                what = 'login'
            else:
                r = request('GET', '/api/profile', headers=bearer(access), timeout=15)
                what = 'profile'
            res = (t0, time.monotonic(), what, r.status, r)
        except Exception as e:  # a hang ends here, as a timeout
            res = (t0, time.monotonic(), 'error', None, repr(e))
        with lock:
            results.append(res)


threads = [threading.Thread(target=client, args=(n,)) for n in range(THREADS)]
for t in threads:
    t.start()
try:
    time.sleep(1.5)
    before = workers()
    t_stopping = time.monotonic()
    stack('db-stop')
    t_down = time.monotonic()
    time.sleep(3)
    t_starting = time.monotonic()
    stack('db-start')
    t_up = time.monotonic()
    time.sleep(2)
finally:
    stop.set()
    for t in threads:
        t.join(30)
after = workers()

print(f'# {kind}: {len(results)} requests from {THREADS} clients; '
      f'db-stop took {t_down - t_stopping:.2f} s, db-start {t_up - t_starting:.2f} s')
pre = [r for r in results if r[1] < t_stopping]
during = [r for r in results if r[0] >= t_down and r[1] <= t_starting]
post = [r for r in results if r[0] >= t_up + 1.0]
ok(pre and all(r[3] == 200 for r in pre),
   f'load: {len(pre)} requests before the outage, all 200',
   [r[2:4] for r in pre if r[3] != 200][:5])
errors = [r for r in results if r[3] is None]
ok(not errors, 'load: no request hung or failed at the HTTP level', errors[:5])
bad = [r for r in during
       if not (r[3] == 503 and r[4].json() == {'detail': 'Service unavailable'} and
               (r[4].header('Content-Type') or '').startswith('application/json'))]
ok(during and not bad, f'load: {len(during)} requests during the outage, all JSON 503',
   [(r[2], r[3], r[4]) for r in bad][:5])
slowest = max((r[1] - r[0] for r in during), default=0)
ok(slowest < CONNECT_TIMEOUT + SLACK,
   f'load: the slowest outage answer took {slowest:.2f} s (connect timeout {CONNECT_TIMEOUT:.0f} s)')
first_200 = min((r[1] for r in results if r[0] >= t_up and r[3] == 200), default=None)
ok(first_200 is not None and first_200 - t_up < 1.0,
   'load: the first 200 after the restart came within a second'
   + (f' ({first_200 - t_up:.3f} s)' if first_200 else ''))
late = [r for r in post if r[3] != 200]
ok(post and not late, f'load: from a second after the restart on, all {len(post)} requests 200',
   [(r[2], r[3]) for r in late][:5])
if kind == 'apache-cgi':
    ok(True, 'load: workers # SKIP apache-cgi starts a process per request')
else:
    gone = set(before) - set(after)
    ok(before and not gone,
       f'load: the same {len(before)} workers served before, during and after (none restarted)',
       (sorted(before.items()), sorted(after.items())))
done()
