#!/usr/bin/python3
"""`make run` (scripts/stack run) stops everything it started on SIGTERM
(kill, timeout(1)) and on SIGHUP (a terminal that closes), not only on
Ctrl-C: MariaDB, the web server and every worker are gone afterwards.

Runs a stack of its own in RUN_VAR (default $VAR-run) on PORT and
DB_PORT, which must be free: scripts/check runs it while no other stack
is up.  Environment: VAR, PORT, DB_PORT, BUILD, RUN_VAR.
"""
import os
import select
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'e2e'))
from e2e import ok, done, ROOT, VAR, HOST, PORT  # noqa: E402

RUN_VAR = os.environ.get('RUN_VAR') or VAR.rstrip('/') + '-run'
STACK = os.path.join(ROOT, 'scripts', 'stack')
ENV = dict(os.environ, VAR=RUN_VAR, SERVER='lighttpd')
ENV.pop('JWTAUTH_CONFIG', None)		# the stack's own config, in RUN_VAR


def gone(pid):
    """The process has ended (a zombie waiting for its reaper counts)."""
    try:
        with open(f'/proc/{pid}/stat') as fh:
            return fh.read().rsplit(')', 1)[1].split()[0] == 'Z'
    except FileNotFoundError:
        return True


def pids():
    """{name: [pid, ...]} of every pid file the stack wrote."""
    out = {}
    run = os.path.join(RUN_VAR, 'run')
    for f in sorted(os.listdir(run)) if os.path.isdir(run) else []:
        if f.endswith('.pid'):
            with open(os.path.join(run, f)) as fh:
                out[f[:-4]] = [int(x) for x in fh.read().split()]
    return out


def port_open(port):
    try:
        socket.create_connection((HOST, port), timeout=1).close()
        return True
    except OSError:
        return False


def wait_up(p, secs):
    """Reads the output of p until the run banner.  Returns (seen, the
    output so far)."""
    seen, end = b'', time.monotonic() + secs
    fd = p.stdout.fileno()
    while time.monotonic() < end and p.poll() is None:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            seen += os.read(fd, 65536)
            if b'is running on' in seen:
                return True, seen.decode(errors='replace')
    return False, seen.decode(errors='replace')


def one(sig):
    name = signal.Signals(sig).name
    p = subprocess.Popen([STACK, 'run'], env=ENV, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    try:
        up, out = wait_up(p, 120)
        ok(up, f'run: {name}: the stack comes up', out[-2000:])
        before = pids()
        flat = [x for v in before.values() for x in v]
        ok({'mariadb', 'lighttpd'} <= set(before) and len(before) > 2 and
           not any(gone(x) for x in flat),
           f'run: {name}: MariaDB, lighttpd and the worker pools run', before)
        # Only the stack itself gets the signal, as from kill(1); its
        # process group (mariadbd is in it) does not.
        os.kill(p.pid, sig)
        try:
            rc = p.wait(60)
        except subprocess.TimeoutExpired:
            rc = None
        ok(rc == 0, f'run: {name}: scripts/stack run ends, status 0', rc)
        left = {k: [x for x in v if not gone(x)] for k, v in before.items()}
        left = {k: v for k, v in left.items() if v}
        ok(flat and not left, f'run: {name}: every process it started is gone', left)
        ok(not port_open(PORT), f'run: {name}: nothing listens on port {PORT}')
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
        subprocess.run([STACK, 'stop'], env=ENV, capture_output=True)


for s in (signal.SIGTERM, signal.SIGHUP):
    one(s)
done()
