"""Shared helpers for the end-to-end tests: real HTTP to the running
stack (scripts/stack), TAP output, SQL on the private MariaDB, and
tokens minted with PyJWT from the stack's own secret.

Environment: E2E_PORT (18080), VAR (the stack's directory).
"""
import http.client
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VAR = os.environ.get('VAR', os.path.join(ROOT, 'var'))
PORT = int(os.environ.get('E2E_PORT', os.environ.get('PORT', '18080')))
HOST = '127.0.0.1'

_n = 0
_failed = 0


def ok(cond, name, detail=None):
    """One TAP line; returns cond."""
    global _n, _failed
    _n += 1
    if not cond:
        _failed += 1
    print(f"{'' if cond else 'not '}ok {_n} - {name}")
    if not cond and detail is not None:
        for line in str(detail).splitlines()[:20]:
            print(f'#   {line}')
    sys.stdout.flush()
    return cond


def skip(name, why):
    global _n
    _n += 1
    print(f'ok {_n} - {name} # SKIP {why}')


def done():
    print(f'1..{_n}')
    sys.exit(1 if _failed else 0)


class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def __repr__(self):
        return f'{self.status} {self.headers} {self.body[:300]!r}'


def request(method, path, body=None, headers=None, timeout=30, port=None):
    """One HTTP/1.1 request on a new connection; returns a Resp.  port:
    another web server than E2E_PORT's (tests/deploy: a second host)."""
    conn = http.client.HTTPConnection(HOST, port or PORT, timeout=timeout)
    hdrs = dict(headers or {})
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
        hdrs.setdefault('Content-Type', 'application/json')
    if isinstance(body, str):
        body = body.encode()
    conn.request(method, path, body=body, headers=hdrs)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    resp = Resp(r.status, r.getheaders(), data)
    record(method, path, resp)
    return resp


def record(method, path, resp):
    """Appends the exchange to $E2E_RECORD (JSON lines), so that every
    response the suite received can be checked against openapi.json."""
    out = os.environ.get('E2E_RECORD')
    if not out:
        return
    entry = {'method': method, 'path': path.split('?')[0],
             'status': resp.status,
             'content_type': resp.header('Content-Type'),
             'body': resp.body.decode('utf-8', 'replace')}
    with open(out, 'a') as fh:
        fh.write(json.dumps(entry) + '\n')


def post(path, body=None, headers=None, port=None):
    return request('POST', path, body, headers, port=port)


def login(username='alice', password='password123', port=None):
    return post('/api/login', {'username': username, 'password': password},
                port=port)


def bearer(token):
    return {'Authorization': f'Bearer {token}'}


def is_json_error(r, status, detail=None):
    """The contract's error shape: status, JSON content type, detail."""
    j = r.json()
    if r.status != status:
        return False
    if not (r.header('Content-Type') or '').startswith('application/json'):
        return False
    if not isinstance(j, dict) or 'detail' not in j:
        return False
    return detail is None or j['detail'] == detail


def sql(query):
    """Runs SQL as root on the private database; returns stdout lines."""
    out = subprocess.run(
        ['mariadb', '--no-defaults', '-S', os.path.join(VAR, 'run', 'mysqld.sock'),
         '-uroot', '-N', '-B', 'jwtauth', '-e', query],
        check=True, capture_output=True, text=True)
    return [line for line in out.stdout.splitlines()]


def secret():
    """The stack's signing secret, as the config reads it."""
    with open(os.path.join(VAR, 'secret'), 'rb') as fh:
        data = fh.read()
    if data.endswith(b'\r\n'):
        data = data[:-2]
    elif data.endswith(b'\n'):
        data = data[:-1]
    return data


def mint(claims, key=None, alg='HS256', headers=None):
    """A token made by PyJWT with the stack's secret (or key)."""
    import jwt
    return jwt.encode(claims, secret() if key is None else key,
                      algorithm=alg, headers=headers)


def user_id(name):
    rows = sql(f"SELECT id FROM auth_user WHERE username = '{name}'")
    return int(rows[0]) if rows else None


def admin(*args, stdin=None):
    build = os.environ.get('BUILD', 'build')
    exe = os.path.join(ROOT, build, 'bin', 'jwtauth-admin')
    conf = os.environ.get('JWTAUTH_CONFIG') or os.path.join(VAR, 'jwtauth.conf')
    return subprocess.run([exe, '-c', conf, *args], input=stdin,
                          capture_output=True, text=True)


def create_user(name, password='s3cret-pass', email=None, active=True):
    """Creates (or resets) a user through the admin tool."""
    sql(f"DELETE FROM auth_user WHERE username = '{name}'")
    r = admin('createuser', name, email or f'{name}@example.com',
              stdin=password + '\n')
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    if not active:
        sql(f"UPDATE auth_user SET is_active = 0 WHERE username = '{name}'")
    return user_id(name)


def stack(*args):
    subprocess.run([os.path.join(ROOT, 'scripts', 'stack'), *args],
                   check=True, capture_output=True)


def now():
    return int(time.time())
