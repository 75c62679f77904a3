#!/usr/bin/python3
"""How a worker process behaves, on its own: SIGTERM in the middle of
a request, a client that goes away, 10,000 requests, and the same
program as plain CGI.  Each worker here is our own child on a socket of
our own (what spawn-fcgi does), so that its exit status can be read; the
database and the config are the running stack's.

Environment: VAR, BUILD, JWTAUTH_CONFIG (else $VAR/jwtauth.conf),
RSS_REQUESTS (10000).
"""
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'e2e'))
from e2e import ok, done, VAR, mint, now, user_id  # noqa: E402
import fcgi  # noqa: E402

CONF = os.environ.get('JWTAUTH_CONFIG') or os.path.join(VAR, 'jwtauth.conf')
N = int(os.environ.get('RSS_REQUESTS', '10000'))
JSON = {'Content-Type': 'application/json'}
CREDS = json.dumps({'username': 'alice', 'password': 'password123'}).encode()


def alive(p):
    return p.poll() is None


def wait_exit(p, secs):
    try:
        return p.wait(secs)
    except Exception:
        return None


def rss_fds(pid):
    with open(f'/proc/{pid}/status') as fh:
        rss = next(int(line.split()[1]) for line in fh if line.startswith('VmRSS:'))
    return rss, len(os.listdir(f'/proc/{pid}/fd'))


# ---- SIGTERM with a request in flight --------------------------------
w = fcgi.Worker('login', config=CONF)
try:
    st, _, body = fcgi.call(w.path, 'POST', '/api/login', CREDS, JSON)
    ok(st == 200, 'sigterm: the worker serves before', (st, body))
    c = fcgi.Conn(w.path)
    c.begin(fcgi.cgi_env('POST', '/api/login', CREDS, JSON))
    c.send(CREDS[:10])                  # the worker now waits for the rest
    time.sleep(0.2)
    w.procs[0].send_signal(signal.SIGTERM)
    time.sleep(0.5)
    ok(alive(w.procs[0]), 'sigterm: the worker is still there while its request is unfinished')
    c.send(CREDS[10:])
    c.end()
    st, hdrs, body, _, app = c.response()
    ok(st == 200 and 'access_token' in json.loads(body or b'{}'),
       'sigterm: the request in flight completes with 200 and tokens', (st, body))
    rc = wait_exit(w.procs[0], 3)
    ok(rc == 0, f'sigterm: then the worker exits 0 (status {rc})')
finally:
    w.stop()

# Idle: SIGTERM while it waits in accept ends it at once.
w = fcgi.Worker('profile', config=CONF).ready()
try:
    fcgi.call(w.path, 'GET', '/api/profile')
    t0 = time.monotonic()
    w.procs[0].send_signal(signal.SIGTERM)
    rc = wait_exit(w.procs[0], 3)
    ok(rc == 0 and time.monotonic() - t0 < 1,
       f'sigterm: an idle worker exits 0 at once (status {rc}, {time.monotonic() - t0:.2f} s)')
finally:
    w.stop()

# A pool (spawn-fcgi -F 2: one listening socket): stopping one worker
# leaves the socket to the other, which goes on serving.
w = fcgi.Worker('profile', n=2, config=CONF).ready()
try:
    w.procs[0].send_signal(signal.SIGTERM)
    rc = wait_exit(w.procs[0], 3)
    ok(rc == 0, f'sigterm: one worker of a pool exits 0 (status {rc})')
    sts = [fcgi.call(w.path, 'GET', '/api/profile')[0] for _ in range(5)]
    ok(sts == [401] * 5 and alive(w.procs[1]), 'sigterm: its sibling on the same socket still serves', sts)
finally:
    w.stop()

# ---- a client that goes away (SIGPIPE) --------------------------------
w = fcgi.Worker('login', config=CONF)
try:
    bad = json.dumps({'username': 'nobody-here', 'password': 'x' * 12}).encode()
    for i in range(20):
        # The whole request, then hang up before the answer: hashing the
        # password takes the worker long enough that its write finds
        # the connection closed (EPIPE, and SIGPIPE unless ignored).
        c = fcgi.Conn(w.path)
        c.begin(fcgi.cgi_env('POST', '/api/login', bad, JSON))
        c.send(bad)
        c.end()
        c.close()
    time.sleep(0.5)
    ok(alive(w.procs[0]), 'sigpipe: 20 clients that hung up did not kill the worker')
    st, _, body = fcgi.call(w.path, 'POST', '/api/login', CREDS, JSON)
    ok(st == 200, 'sigpipe: and it serves the next one', (st, body))
    ok(w.procs[0].pid == w.pid and alive(w.procs[0]), 'sigpipe: the same process')
finally:
    w.stop()

# ---- 10,000 requests: flat memory, no descriptor growth ---------------
alice = user_id('alice')
t = now()
w = fcgi.Worker('login', config=CONF)
try:
    access = json.loads(fcgi.call(w.path, 'POST', '/api/login', CREDS, JSON)[2])['access_token']
finally:
    w.stop()
forged = mint({'token_type': 'access', 'user_id': alice, 'iat': t, 'exp': t + 3600},
              key=b'k' * 32)
mix = [({'Authorization': f'Bearer {access}'}, 200),
       ({'Authorization': f'Bearer {access}'}, 200),
       ({}, 401),
       ({'Authorization': f'Bearer {forged}'}, 401),
       ({'Authorization': 'Bearer not.a.token'}, 401)]
w = fcgi.Worker('profile', config=CONF)
try:
    wrong = 0

    def burst(n):
        global wrong
        for i in range(n):
            hdrs, want = mix[i % len(mix)]
            if fcgi.call(w.path, 'GET', '/api/profile', b'', hdrs)[0] != want:
                wrong += 1

    burst(1000)                          # warm-up: caches, connection, arenas
    rss0, fds0 = rss_fds(w.pid)
    t0 = time.monotonic()
    burst(N)
    secs = time.monotonic() - t0
    rss1, fds1 = rss_fds(w.pid)
    growth = (rss1 - rss0) * 100.0 / rss0
    print(f'# rss: {N} requests in {secs:.1f} s; VmRSS {rss0} -> {rss1} kB '
          f'({growth:+.2f}%), fds {fds0} -> {fds1}')
    ok(wrong == 0, f'rss: {N + 1000} requests, every answer as expected ({wrong} not)')
    ok(growth < 1.0, f'rss: VmRSS grew under 1% over {N} requests ({rss0} -> {rss1} kB, {growth:+.2f}%)')
    ok(fds1 == fds0, f'rss: no descriptor growth ({fds0} -> {fds1})')
    ok(alive(w.procs[0]), 'rss: one process served them all')
finally:
    w.stop()

# ---- the same program as plain CGI ------------------------------------
cases = [
    ('profile', 'GET', '/api/profile', b'', {'Authorization': f'Bearer {access}'}),
    ('profile', 'GET', '/api/profile', b'', {}),
    ('profile', 'GET', '/api/profile', b'', {'Authorization': f'Bearer {forged}'}),
    ('profile', 'POST', '/api/profile', b'{}', JSON),
    ('login', 'POST', '/api/login', json.dumps({'username': 'alice', 'password': 'nope-nope'}).encode(), JSON),
    ('login', 'POST', '/api/login', b'{"username": 1}', JSON),
    ('login', 'POST', '/api/login', b'not json', JSON),
    ('login', 'POST', '/api/login', b'{"x": "' + b'y' * 17000 + b'"}', JSON),
    ('login', 'GET', '/api/login', b'', {}),
    ('refresh', 'POST', '/api/refresh', b'{"refresh_token": "a.b.c"}', JSON),
]
workers = {}
try:
    for name, method, url, body, hdrs in cases:
        if name not in workers:
            workers[name] = fcgi.Worker(name, config=CONF)
        fst, fh, fb = fcgi.call(workers[name].path, method, url, body, hdrs)
        t0 = time.monotonic()
        rc, cst, ch, cb = fcgi.cgi(name, method, url, body, hdrs, config=CONF)
        dt = time.monotonic() - t0
        what = f'{method} {url} {list(hdrs)} {body[:30]!r}'
        ok(rc == 0 and dt < 5, f'cgi: {what}: one request, then exit 0 (status {rc}, {dt:.2f} s)')
        same = (cst == fst and cb == fb and
                {k: v for k, v in ch.items() if k != 'content-length'} ==
                {k: v for k, v in fh.items() if k != 'content-length'})
        ok(same, f'cgi: {what}: the same answer as FastCGI ({cst})', (cst, ch, cb[:200], fst, fh, fb[:200]))
    # A good login: same status and fields (the tokens differ, of course).
    rc, cst, ch, cb = fcgi.cgi('login', 'POST', '/api/login', CREDS, JSON, config=CONF)
    fst, fh, fb = fcgi.call(workers['login'].path, 'POST', '/api/login', CREDS, JSON)
    ok(rc == 0 and cst == fst == 200 and sorted(json.loads(cb)) == sorted(json.loads(fb)),
       'cgi: a good login: 200 with the same fields as FastCGI', (cst, cb[:200]))
finally:
    for w in workers.values():
        w.stop()

# ---- what each program maps at start ----------------------------------
# A plain CGI request pays for every library its program maps (make
# bench: page faults per CGI request).  Only the programs that hash
# passwords may need libargon2 and libcrypt; the check on login and
# register shows that the test reads the right thing.
for name in ('profile', 'refresh', 'logout', 'login', 'register'):
    path = fcgi.program(name)
    out = subprocess.run(['readelf', '-d', path], capture_output=True, text=True).stdout
    needed = set(re.findall(r'\(NEEDED\)\s+Shared library: \[([^]]+)\]', out))
    hashers = {n for n in needed if n.startswith(('libargon2.', 'libcrypt.'))}
    if name in ('login', 'register'):
        ok(len(hashers) == 2, f'libraries: {name} needs libargon2 and libcrypt', sorted(needed))
    else:
        ok(needed and not hashers, f'libraries: {name} does not need the hash libraries',
           sorted(needed))

done()
