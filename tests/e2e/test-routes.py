#!/usr/bin/python3
"""Every route of every example config reaches one of our programs, and
the web server's own error answers under /api/ are JSON too.

The routes are read from the example configs themselves (a route added
to a config is tested without a change here): for the kind that runs
($VAR/run/server, one of scripts/kinds), each route of the config that
kind renders is requested, and the answer must be JSON that the named
program wrote (its line in the request log says so).  Then the web
server's own refusals: a URL that nothing serves (404), a body over the
server's limit (413), a body that ends before its Content-Length.
"""
import http.client
import json
import os
import re
import socket
import time

from e2e import ok, skip, done, request, Resp, ROOT, VAR, HOST, PORT, stack

LOG = os.path.join(VAR, 'log', 'error.log')
SERVER_FILE = os.path.join(VAR, 'run', 'server')
API_PREFIX = '/api/'


def read(name):
    with open(os.path.join(ROOT, name), encoding='utf-8') as fh:
        return fh.read()


def expand(rx):
    """The paths that an anchored regex of a config matches: literal
    text, escaped dots, and at most one group of alternatives.  Raises
    ValueError for anything else, so that a config that outgrows this
    reader fails the test instead of going untested."""
    body = rx
    if not (body.startswith('^') and body.endswith('$')):
        raise ValueError(f'not anchored: {rx}')
    body = body[1:-1]
    m = re.fullmatch(r'([^()|]*)(?:\(([^()]*)\))?([^()|]*)', body)
    if not m:
        raise ValueError(f'cannot expand {rx}')
    alts = m.group(2).split('|') if m.group(2) is not None else ['']
    out = []
    for a in alts:
        s = m.group(1) + a + m.group(3)
        s = s.replace('\\.', '.')
        if re.search(r'[\\\[\]*+?{}]', s):
            raise ValueError(f'cannot expand {rx}')
        out.append(s)
    return out, alts


def section(text, start, end):
    """The lines of text from the one matching start to the one
    matching end (regexes)."""
    lines = text.splitlines()
    a = next(i for i, ln in enumerate(lines) if re.search(start, ln))
    b = next(i for i, ln in enumerate(lines) if i > a and re.search(end, ln))
    return lines[a:b]


def lighttpd_routes(variant):
    """{path: program} of fastcgi.server in lighttpd.conf.example,
    variant a (sockets of spawn-fcgi pools) or b (bin-path, commented
    out in the file)."""
    lines = section(read('lighttpd.conf.example'), rf'^# ---- \({variant}\)',
                    rf'^# ---- end of \({variant}\)')
    routes, path = {}, None
    for ln in lines:
        ln = ln[1:] if variant == 'b' and ln.startswith('#') else ln
        m = re.match(r'^\t"(/api/[^"]+)" *=> *\(\(', ln)
        if m:
            path = m.group(1)
            continue
        key = 'socket' if variant == 'a' else 'bin-path'
        m = re.match(rf'^\t\t"{key}" *=> *"[^"]*/(\w+?)(\.sock)?"', ln)
        if m and path:
            routes[path] = m.group(1)
            path = None
    return routes


def apache_routes(define):
    """{path: program} of one <IfDefine> block of apache.conf.example."""
    lines = section(read('apache.conf.example'), rf'<IfDefine {define}>',
                    r'</IfDefine>')
    routes = {}
    for ln in lines:
        ln = ln.strip()
        if ln.startswith('#'):
            continue
        m = re.match(r'^ProxyPass\s+"(/api/[^"]+)"\s+"unix:[^|"]*/(\w+)\.sock\|', ln)
        if m:
            routes[m.group(1)] = m.group(2)
            continue
        m = re.match(r'^(?:Script)?AliasMatch\s+"([^"]+)"\s+"[^"]*/cgi-bin/([\w$]+)"', ln)
        if m:
            paths, alts = expand(m.group(1))
            for p, a in zip(paths, alts):
                routes[p] = m.group(2).replace('$1', a)
    return routes


def htaccess_routes():
    """{path: program} of htaccess.example: the wrappers that
    FilesMatch turns into programs, at /api/<name>, and the paths that
    its RewriteRules send to one of them."""
    routes = {}
    for ln in read('htaccess.example').splitlines():
        ln = ln.strip()
        if ln.startswith('#'):
            continue
        m = re.match(r'^<FilesMatch "(\^\([\w|]+\)\$)">', ln)
        if m:
            for name in expand(m.group(1))[0]:
                routes[API_PREFIX + name] = name
            continue
        m = re.match(r'^RewriteRule (\S+) (\w+) \[', ln)
        if m:
            for p in expand(m.group(1))[0]:
                routes[API_PREFIX + p] = m.group(2)
    return routes


ROUTES = {
    'lighttpd': lambda: lighttpd_routes('a'),
    'lighttpd-spawn': lambda: lighttpd_routes('b'),
    'apache-proxy': lambda: apache_routes('JWTAUTH_PROXY_FCGI'),
    'apache-fcgid': lambda: apache_routes('JWTAUTH_FCGID'),
    'apache-cgi': lambda: apache_routes('JWTAUTH_CGI'),
    'apache-htaccess': htaccess_routes,
}


def kinds():
    return [ln.split()[0] for ln in read('scripts/kinds').splitlines()
            if ln.strip() and not ln.startswith('#')]


def raw(method, path, body=None, headers=None):
    """One request that is not recorded for tests/openapi/check: the
    web server's own answers belong to no operation of openapi.json."""
    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return Resp(r.status, r.getheaders(), data)


def log_size():
    return os.path.getsize(LOG) if os.path.exists(LOG) else 0


def logged(start, program, status):
    """Whether program wrote its request line with status after byte
    start of the log (Apache may write it a moment after the answer)."""
    pat = re.compile(rf'Z {re.escape(program)} status={status} ')
    for _ in range(40):
        with open(LOG, errors='replace') as fh:
            fh.seek(start)
            if pat.search(fh.read()):
                return True
        time.sleep(0.05)
    return False


def json_error(r, statuses):
    """r is {"detail": "..."} as JSON with one of statuses."""
    j = r.json()
    return (r.status in statuses and
            (r.header('Content-Type') or '').startswith('application/json') and
            isinstance(j, dict) and isinstance(j.get('detail'), str))


# ---- the routes of the configs ----------------------------------------

all_routes = {}
for kind in kinds():
    try:
        all_routes[kind] = ROUTES[kind]() if kind in ROUTES else None
    except (ValueError, StopIteration) as e:
        all_routes[kind] = e
for kind, routes in all_routes.items():
    ok(isinstance(routes, dict) and len(routes) > 0,
       f'routes: the config of {kind} is read ({len(routes) if isinstance(routes, dict) else 0} routes)',
       routes if routes is not None else f'{kind} has no reader here: add one to ROUTES')
# A wrapper that a rewrite serves (htaccess: /api/jwks for the key set)
# is reachable at its own name too; only the named paths are compared.
sets = {k: sorted(p for p, prog in v.items()
                  if not (p == API_PREFIX + prog and list(v.values()).count(prog) > 1))
        for k, v in all_routes.items() if isinstance(v, dict)}
first = next(iter(sets.values()), [])
ok(all(s == first for s in sets.values()),
   'routes: every config names the same routes', json.dumps(sets, indent=1))
ok('/api/.well-known/jwks.json' in first, 'routes: the configs route the key set', first)

with open(SERVER_FILE) as fh:
    running = fh.read().strip()
routes = all_routes.get(running)
ok(isinstance(routes, dict), f'routes: the running kind {running} is one of scripts/kinds')
# Paths of openapi.json are recorded for tests/openapi/check; others
# (htaccess: the wrapper /api/jwks behind the key set's path) are not.
DOCUMENTED = set(json.loads(read('openapi.json'))['paths'])
for path, program in sorted((routes or {}).items()):
    start = log_size()
    r = (request if path in DOCUMENTED else raw)('GET', path)
    j = r.json()
    ok((r.header('Content-Type') or '').startswith('application/json') and
       isinstance(j, dict) and ('detail' in j or 'keys' in j) and r.status < 500,
       f'routes: {running}: GET {path} answers JSON ({r.status})', r)
    ok(logged(start, program, r.status),
       f'routes: {running}: GET {path} reached the program {program}', r)

# ---- the key set --------------------------------------------------------

JWKS = '/api/.well-known/jwks.json'
r = request('GET', JWKS)
ok(r.status == 200 and r.json() == {'keys': []},
   'jwks: GET answers 200 {"keys": []} under HS256 (never the secret)', r)
ok(r.header('Cache-Control') == 'public, max-age=300', 'jwks: cacheable for 5 minutes', r)
h = raw('HEAD', JWKS)
ok(h.status == 200 and h.body == b'' and h.header('Cache-Control') == 'public, max-age=300',
   'jwks: HEAD answers the headers of GET, no body', h)
r = request('POST', JWKS, body='{}', headers={'Content-Type': 'application/json'})
ok(json_error(r, (405,)) and r.header('Allow') == 'GET, HEAD',
   'jwks: POST gets 405 JSON with Allow: GET, HEAD', r)
stack('db-stop')
try:
    r = request('GET', JWKS)
    ok(r.status == 200 and r.json() == {'keys': []}, 'jwks: 200 while the database is down', r)
finally:
    stack('db-start')

# ---- the web server's own answers under /api/ ------------------------

r = raw('GET', '/api/nosuch')
ok(json_error(r, (404,)) and r.json()['detail'] == 'Not Found',
   f'errors: {running}: GET /api/nosuch gets 404 {{"detail": "Not Found"}} as JSON', r)
r = raw('POST', '/api/nosuch', body=b'{}', headers={'Content-Type': 'application/json'})
ok(json_error(r, (404, 405)), f'errors: {running}: POST /api/nosuch gets a JSON error', r)

# Over every server's limit (lighttpd and Apache: 64 KiB) and ours (16 KiB).
big = b'{"username": "' + b'a' * (100 * 1024) + b'"}'
r = raw('POST', '/api/login', body=big, headers={'Content-Type': 'application/json'})
ok(json_error(r, (413,)), f'errors: {running}: a 100 KiB body gets 413 as JSON', r)

# A pool that is not running (its socket gone): the web server's 503.
sock = os.path.join(VAR, 'run', 'jwks.sock')
if os.path.exists(sock):
    os.rename(sock, sock + '.away')
    try:
        r = raw('GET', JWKS)
    finally:
        os.rename(sock + '.away', sock)
    ok(json_error(r, (503,)) and r.json()['detail'] == 'Service unavailable',
       f'errors: {running}: a pool that is down gets 503 {{"detail": "Service unavailable"}}', r)
    # lighttpd leaves a backend that failed alone for a moment.
    for _ in range(100):
        if raw('GET', JWKS).status == 200:
            break
        time.sleep(0.1)
    ok(raw('GET', JWKS).status == 200, f'errors: {running}: the pool serves again')
else:
    skip(f'errors: {running}: a pool that is down gets 503',
         'the web server starts the programs itself: no pool socket to take away')


def short_body(path):
    """POST path announcing 100 bytes, sending 10, then closing the
    write side.  Returns the raw answer (maybe empty)."""
    s = socket.create_connection((HOST, PORT), timeout=40)
    try:
        s.sendall(f'POST {path} HTTP/1.1\r\nHost: {HOST}\r\n'
                  'Content-Type: application/json\r\nContent-Length: 100\r\n'
                  'Connection: close\r\n\r\n{"usernam'.encode())
        s.shutdown(socket.SHUT_WR)
        data = b''
        while True:
            try:
                d = s.recv(65536)
            except ConnectionResetError:
                break
            if not d:
                break
            data += d
        return data
    finally:
        s.close()


def parse(data):
    head, _, body = data.partition(b'\r\n\r\n')
    lines = head.decode('latin1').split('\r\n')
    status = int(lines[0].split()[1])
    hdrs = [tuple(x.strip() for x in ln.split(':', 1)) for ln in lines[1:] if ':' in ln]
    return Resp(status, hdrs, body)


data = short_body('/api/login')
if data:
    r = parse(data)
    ok(json_error(r, (400, 408, 500)),
       f'errors: {running}: a body that ends early gets a JSON error ({r.status})', r)
else:
    # lighttpd takes the half-closed connection for a client that is
    # gone and closes it without an answer: no HTML page either.
    ok(running.startswith('lighttpd'),
       f'errors: {running}: a body that ends early: connection closed, no answer')

done()
