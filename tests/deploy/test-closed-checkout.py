#!/usr/bin/python3
"""`make start SERVER=apache-*` from a checkout that www-data cannot
enter (a clone in /root, mode 700): with VAR in the checkout it fails
at once, with one line that says what to do; with VAR elsewhere it
serves, the programs copied out of the closed checkout.

Copies the checkout (the files a stack needs, and the built programs)
into a mode-700 directory and runs its scripts/stack there, on PORT
and DB_PORT, which must be free: scripts/check runs it while no other
stack is up.  Environment: PORT, DB_PORT, BUILD, ITERATIONS, WEB_USER.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'e2e'))
from e2e import ok, skip, done, login, request, ROOT, HOST, PORT  # noqa: E402

WEB_USER = os.environ.get('WEB_USER', 'www-data')
BUILD = os.environ.get('BUILD', 'build')
BUILD = BUILD if os.path.isabs(BUILD) else os.path.join(ROOT, BUILD)
KIND = 'apache-fcgid'
FILES = ('scripts', 'sql', 'www', 'lighttpd.conf.example', 'apache.conf.example',
         'htaccess.example', 'openapi.json', 'package.json', 'package-lock.json')


def can_enter(user, path):
    return subprocess.run(['runuser', '-u', user, '--', 'test', '-x', path]).returncode == 0


def port_open(port):
    try:
        socket.create_connection((HOST, port), timeout=1).close()
        return True
    except OSError:
        return False


def answer(call):
    """call's response, or None when nothing answers."""
    try:
        return call()
    except OSError:
        return None


def checkout(dest):
    """A copy of the checkout in dest: what scripts/stack reads, and the
    programs of BUILD in dest/build.  node_modules (Swagger UI, only
    read by root) is linked, not fetched again."""
    os.makedirs(dest)
    for f in FILES:
        src = os.path.join(ROOT, f)
        (shutil.copytree if os.path.isdir(src) else shutil.copy2)(src, os.path.join(dest, f))
    os.symlink(os.path.join(ROOT, 'node_modules'), os.path.join(dest, 'node_modules'))
    for d in ('cgi-bin', 'bin'):
        shutil.copytree(os.path.join(BUILD, d), os.path.join(dest, 'build', d))


def stack(clone, var, *args):
    env = dict(os.environ, VAR=var, SERVER=KIND)
    for k in ('JWTAUTH_CONFIG', 'BUILD'):
        env.pop(k, None)
    return subprocess.run([os.path.join(clone, 'scripts', 'stack'), *args],
                          env=env, capture_output=True, text=True, timeout=300)


closed = tempfile.mkdtemp(prefix='jwtauth-closed-')	# mode 700
opened = tempfile.mkdtemp(prefix='jwtauth-var-')
os.chmod(opened, 0o755)
clone = os.path.join(closed, 'jwtauth')
try:
    checkout(clone)
    if not ok(not can_enter(WEB_USER, clone) and can_enter(WEB_USER, opened),
              f'closed: {WEB_USER} cannot enter the checkout, can enter the other VAR'):
        skip('closed: the rest', f'{WEB_USER} can enter {closed}')
    else:
        var_in = os.path.join(clone, 'var')
        r = stack(clone, var_in, 'start')
        lines = r.stderr.strip().splitlines()
        ok(r.returncode != 0 and len(lines) == 1 and 'VAR=' in lines[0] and
           'cannot enter' in lines[0],
           f'closed: {KIND} with VAR in the checkout fails with one line naming VAR',
           f'status {r.returncode}\n{r.stdout}\n{r.stderr}')
        ok(not os.path.exists(os.path.join(var_in, 'run', 'mariadb.pid')) and
           not port_open(PORT), 'closed: nothing was left running')

        r = stack(clone, opened, 'start')
        ok(r.returncode == 0, f'closed: {KIND} with VAR={opened} starts',
           f'status {r.returncode}\n{r.stdout}\n{r.stderr}')
        ok(os.path.isfile(os.path.join(opened, 'cgi-bin', 'login')),
           'closed: the programs are served from a copy in VAR')
        r = answer(lambda: request('GET', '/api/.well-known/jwks.json'))
        ok(r is not None and r.status == 200 and r.json() == {'keys': []},
           'closed: GET jwks answers 200', r)
        r = answer(login)
        ok(r is not None and r.status == 200 and 'access_token' in (r.json() or {}),
           'closed: the demo user logs in (the program reads its config and secret)', r)
finally:
    for var in (os.path.join(clone, 'var'), opened):
        if os.path.isdir(clone):
            stack(clone, var, 'stop')
    shutil.rmtree(closed, ignore_errors=True)
    shutil.rmtree(opened, ignore_errors=True)
ok(not port_open(PORT), 'closed: stopped, nothing listens')
done()
