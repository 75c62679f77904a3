"""A FastCGI client and a worker of our own, for the process tests:
what spawn-fcgi does (a listening Unix socket on a worker's fd 0) and
what a web server sends (FastCGI 1.0 records), with nothing in between,
so that a test can stop halfway through a request, signal the worker
and wait for its exit status.
"""
import os
import signal
import socket
import struct
import subprocess
import tempfile
import time

BEGIN_REQUEST, ABORT_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT, STDERR = 1, 2, 3, 4, 5, 6, 7
RESPONDER = 1

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def program(name):
    build = os.environ.get('BUILD', 'build')
    if not os.path.isabs(build):
        build = os.path.join(ROOT, build)
    return os.path.join(build, 'cgi-bin', name)


class Worker:
    """One program listening on a socket of its own, our child: its
    exit status is ours to read.  n > 1 forks that many on the one
    socket, as spawn-fcgi -F does."""

    def __init__(self, name, n=1, config=None):
        self.dir = tempfile.mkdtemp(prefix='jwtauth-fcgi-')
        self.path = os.path.join(self.dir, name + '.sock')
        self.log = open(os.path.join(self.dir, 'stderr'), 'w+')
        lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        lsock.bind(self.path)
        lsock.listen(64)
        env = dict(os.environ)
        if config:
            env['JWTAUTH_CONFIG'] = config
        self.procs = [subprocess.Popen([program(name)], stdin=lsock.fileno(),
                                       stdout=subprocess.DEVNULL,
                                       stderr=self.log, env=env)
                      for _ in range(n)]
        lsock.close()

    def ready(self, secs=5):
        """Waits until every worker catches SIGTERM (SigCgt in
        /proc/PID/status): before that, a TERM simply kills it."""
        end = time.monotonic() + secs
        for p in self.procs:
            while time.monotonic() < end:
                try:
                    with open(f'/proc/{p.pid}/status') as fh:
                        cgt = next(int(line.split()[1], 16) for line in fh
                                   if line.startswith('SigCgt:'))
                except (OSError, StopIteration):
                    cgt = 0
                if cgt & (1 << (signal.SIGTERM - 1)):
                    break
                time.sleep(0.01)
        return self

    @property
    def pid(self):
        return self.procs[0].pid

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def stderr(self):
        self.log.flush()
        with open(self.log.name, errors='replace') as fh:
            return fh.read()


def record(rtype, content=b'', rid=1):
    pad = (8 - len(content) % 8) % 8
    return struct.pack('>BBHHBx', 1, rtype, rid, len(content), pad) + content + b'\0' * pad


def _len(n):
    return bytes([n]) if n < 128 else struct.pack('>I', n | 0x80000000)


def params(env):
    data = b''.join(_len(len(k)) + _len(len(v)) + k + v
                    for k, v in ((k.encode(), v.encode()) for k, v in env.items()))
    return record(PARAMS, data) + record(PARAMS)


def stdin_records(body):
    out = b''
    for i in range(0, len(body), 32768):
        out += record(STDIN, body[i:i + 32768])
    return out


# A documentation address (RFC 5737): the failed logins that these
# tests make count against it, not against the e2e suite's 127.0.0.1.
REMOTE_ADDR = '192.0.2.7'


def cgi_env(method, path, body=b'', headers=None):
    """The parameters a web server sends for one request."""
    env = {'GATEWAY_INTERFACE': 'CGI/1.1', 'SERVER_PROTOCOL': 'HTTP/1.1',
           'REQUEST_METHOD': method, 'SCRIPT_NAME': path, 'REQUEST_URI': path,
           'QUERY_STRING': '', 'REMOTE_ADDR': REMOTE_ADDR, 'REMOTE_PORT': '40000',
           'SERVER_NAME': '127.0.0.1', 'SERVER_PORT': '80', 'SERVER_ADDR': '127.0.0.1'}
    if body or method == 'POST':
        env['CONTENT_LENGTH'] = str(len(body))
    for k, v in (headers or {}).items():
        if k.lower() == 'content-type':
            env['CONTENT_TYPE'] = v
        else:
            env['HTTP_' + k.upper().replace('-', '_')] = v
    return env


class Conn:
    """One FastCGI request on its own connection, sent in parts if the
    test wants: begin() (parameters), send() (body bytes), end()."""

    def __init__(self, path, timeout=10):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)

    def begin(self, env):
        self.s.sendall(record(BEGIN_REQUEST, struct.pack('>HB5x', RESPONDER, 0)) +
                       params(env))

    def send(self, body):
        if body:
            self.s.sendall(stdin_records(body))

    def end(self):
        self.s.sendall(record(STDIN))

    def response(self):
        """(status, headers dict lower-cased, body, stderr, app status)."""
        buf = b''
        out = b''
        err = b''
        app = None
        while app is None:
            while len(buf) < 8:
                chunk = self.s.recv(65536)
                if not chunk:
                    raise EOFError('connection closed before FCGI_END_REQUEST')
                buf += chunk
            _, rtype, _, clen, pad = struct.unpack('>BBHHBx', buf[:8])
            while len(buf) < 8 + clen + pad:
                chunk = self.s.recv(65536)
                if not chunk:
                    raise EOFError('connection closed inside a record')
                buf += chunk
            content = buf[8:8 + clen]
            buf = buf[8 + clen + pad:]
            if rtype == STDOUT:
                out += content
            elif rtype == STDERR:
                err += content
            elif rtype == END_REQUEST:
                app = struct.unpack('>I', content[:4])[0]
        self.s.close()
        status, headers, body = parse_cgi(out)
        return status, headers, body, err.decode(errors='replace'), app

    def close(self):
        self.s.close()


def parse_cgi(out):
    """A CGI (or FastCGI stdout) response: Status header, headers, body."""
    head, _, body = out.partition(b'\r\n\r\n')
    if not _:
        head, _, body = out.partition(b'\n\n')
    headers = {}
    for line in head.decode(errors='replace').splitlines():
        k, _, v = line.partition(':')
        headers[k.strip().lower()] = v.strip()
    status = int(headers.get('status', '200').split()[0])
    return status, headers, body


def call(path, method, url, body=b'', headers=None):
    """One whole request; returns (status, headers, body)."""
    if isinstance(body, str):
        body = body.encode()
    c = Conn(path)
    c.begin(cgi_env(method, url, body, headers))
    c.send(body)
    c.end()
    status, hdrs, data, _, _ = c.response()
    return status, hdrs, data


def cgi(name, method, url, body=b'', headers=None, config=None, timeout=10):
    """The program run as plain CGI: environment and a pipe on stdin
    that stays open (a server need not send EOF: RFC 3875 4.2).
    Returns (exit status, status, headers, body)."""
    if isinstance(body, str):
        body = body.encode()
    env = {k: v for k, v in os.environ.items() if not k.startswith('HTTP_')}
    env.update(cgi_env(method, url, body, headers))
    if config:
        env['JWTAUTH_CONFIG'] = config
    p = subprocess.Popen([program(name)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    p.stdin.write(body)
    p.stdin.flush()
    try:
        # Not communicate(): that would close stdin.  The responses are
        # small enough for the pipe's buffer.
        rc = p.wait(timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        p.stdin.close()
        return None, None, {}, b''
    out = p.stdout.read()
    p.stdin.close()
    p.stdout.close()
    p.stderr.close()
    status, headers, data = parse_cgi(out)
    return rc, status, headers, data
