"""Runs one of the stack's programs as plain CGI (stdin a pipe, not a
FastCGI socket), with a copy of the stack's config changed by the
test: for what the running stack's config cannot show (registration
turned off, low throttle limits, trusted proxies, any REMOTE_ADDR).

Environment: BUILD (the stack's build directory), VAR.
"""
import json
import os
import re
import subprocess

from e2e import ROOT, VAR


class CgiResp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def __repr__(self):
        return f'{self.status} {self.headers} {self.body[:300]!r}'


class Config:
    """A copy of the stack's config next to it (its relative secret
    and password files resolve the same), with keys set per section;
    removed by close()."""

    def __init__(self, name, changes):
        src = os.environ.get('JWTAUTH_CONFIG') or os.path.join(VAR, 'jwtauth.conf')
        with open(src) as fh:
            lines = fh.read().splitlines()
        keys = {(s, k) for s, kv in changes.items() for k in kv}
        out, section = [], None
        for line in lines:
            m = re.match(r'\s*\[(\w+)\]\s*$', line)
            if m:
                section = m.group(1)
            kv = re.match(r'\s*([\w]+)\s*=', line)
            if kv and (section, kv.group(1)) in keys:
                continue        # replaced below
            out.append(line)
        for s, kv in changes.items():
            out.append(f'[{s}]')
            out.extend(f'{k} = {v}' for k, v in kv.items())
        self.path = os.path.join(os.path.dirname(src), f'e2e-{name}-{os.getpid()}.conf')
        with open(self.path, 'w') as fh:
            fh.write('\n'.join(out) + '\n')
        os.chmod(self.path, 0o600)

    def close(self):
        try:
            os.unlink(self.path)
        except OSError:
            pass


def run(program, config, method='POST', body=None, env=None,
        content_type='application/json'):
    """One CGI request to $BUILD/cgi-bin/<program>; returns a CgiResp."""
    build = os.environ.get('BUILD', 'build')
    exe = os.path.join(ROOT, build, 'cgi-bin', program)
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    data = (body or '').encode()
    e = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
         'REQUEST_METHOD': method, 'JWTAUTH_CONFIG': config.path,
         'REMOTE_ADDR': '127.0.0.1', 'SERVER_PROTOCOL': 'HTTP/1.1',
         'GATEWAY_INTERFACE': 'CGI/1.1'}
    for k in ('ASAN_OPTIONS', 'UBSAN_OPTIONS'):
        if k in os.environ:
            e[k] = os.environ[k]
    if data or method == 'POST':
        e['CONTENT_TYPE'] = content_type
        e['CONTENT_LENGTH'] = str(len(data))
    e.update(env or {})
    p = subprocess.run([exe], input=data, env=e, capture_output=True,
                       timeout=60)
    head, _, rest = p.stdout.partition(b'\r\n\r\n')
    headers, status = {}, None
    for line in head.decode('latin-1').split('\r\n'):
        k, _, v = line.partition(':')
        headers[k.strip().lower()] = v.strip()
    if 'status' in headers:
        status = int(headers['status'].split()[0])
    return CgiResp(status, headers, rest)
