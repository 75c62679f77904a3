#!/usr/bin/python3
"""Apache's mod_auth_openidc (Debian's) as an OAuth 2.0 resource server
that trusts our JWKS (OIDCOAuthVerifyJwksUri): a private Apache on
E2E_PORT + 1, its own ServerRoot under $VAR/openidc, children as
www-data, one protected location.  200 with our access token, 401 with
a tampered, a forged or no token (issue 15, item 7).

mod_auth_openidc fetches a JWKS over https only (an http URL is a
syntax error), so this Apache is also the TLS front of our JWKS, as a
site's front would be: https on E2E_PORT + 1, a self-signed certificate
made here that it is told to trust (OIDCCABundlePath: the validation
stays on), /api/.well-known/jwks.json passed to the stack over http."""
import http.client
import os
import shutil
import ssl
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import verifier  # noqa: E402

e2e = verifier.e2e
MODS = '/usr/lib/apache2/modules'
# Debian 12's mod_auth_openidc 2.4.12 verifies through cjose 0.6.2,
# which knows RSA and EC keys and no OKP one: an EdDSA token of ours is
# refused before any key is looked at ("cjose_jws_import failed:
# invalid argument", tried on 2026-12-01), so EdDSA is skipped, saying so.
SUPPORTED = ('RS256', 'ES256')
PORT1 = e2e.PORT + 1
DIR = os.path.join(e2e.VAR, 'openidc')
WEB_USER = os.environ.get('WEB_USER', 'www-data')
NAMES = ['our access token: 200', 'a tampered token: 401',
         'a forged token (another key, our kid): 401', 'no token: 401']


def why_not():
    alg = verifier.wanted_alg()
    if not os.path.exists(os.path.join(MODS, 'mod_auth_openidc.so')):
        return 'mod_auth_openidc missing: scripts/deps installs libapache2-mod-auth-openidc'
    if alg not in verifier.ASYMMETRIC:
        return f'{alg} keys are never published in the JWKS (issue 15, item 4)'
    if alg not in SUPPORTED:
        return f'mod_auth_openidc 2.4.12 (cjose 0.6.2) cannot read {alg} tokens (no OKP keys)'
    return verifier.not_ready()


def httpd_conf():
    mods = ['mpm_event', 'authz_core', 'authz_user', 'authn_core', 'auth_openidc', 'alias',
            'ssl', 'proxy', 'proxy_http']
    lines = [f'ServerRoot "{DIR}"',
             f'DefaultRuntimeDir "{DIR}"',
             f'PidFile "{DIR}/apache.pid"',
             f'Mutex file:{DIR} default',
             f'Listen 127.0.0.1:{PORT1}',
             'ServerName 127.0.0.1',
             f'User {WEB_USER}',
             f'Group {WEB_USER}',
             f'ErrorLog "{DIR}/error.log"',
             'LogLevel warn auth_openidc:info',
             'StartServers 1',
             'ServerLimit 1',
             'ThreadsPerChild 8',
             'MinSpareThreads 1',
             'MaxSpareThreads 8',
             'MaxRequestWorkers 8']
    lines += [f'LoadModule {m}_module {MODS}/mod_{m}.so' for m in mods]
    lines += [
        '<Directory />',
        '\tAllowOverride None',
        '\tRequire all denied',
        '</Directory>',
        'SSLEngine on',
        f'SSLCertificateFile "{DIR}/cert.pem"',
        f'SSLCertificateKeyFile "{DIR}/key.pem"',
        f'ProxyPass /api/.well-known/jwks.json http://{e2e.HOST}:{e2e.PORT}/api/.well-known/jwks.json',
        # The resource server's whole trust: our JWKS URL.
        f'OIDCOAuthVerifyJwksUri https://{e2e.HOST}:{PORT1}/api/.well-known/jwks.json',
        f'OIDCCABundlePath "{DIR}/cert.pem"',
        # Our access tokens have no sub: the user is the username.
        'OIDCOAuthRemoteUserClaim username',
        f'Alias /protected "{DIR}/protected.txt"',
        f'<Directory "{DIR}">',
        '\tRequire all granted',
        '</Directory>',
        '<Location /protected>',
        '\tAuthType oauth20',
        '\tRequire valid-user',
        '</Location>',
    ]
    return '\n'.join(lines) + '\n'


def apache(*args):
    return subprocess.run(['apache2', '-f', os.path.join(DIR, 'httpd.conf'), *args],
                          capture_output=True, text=True)


def start():
    shutil.rmtree(DIR, ignore_errors=True)
    os.makedirs(DIR)
    with open(os.path.join(DIR, 'httpd.conf'), 'w') as fh:
        fh.write(httpd_conf())
    with open(os.path.join(DIR, 'protected.txt'), 'w') as fh:
        fh.write('protected\n')
    os.chmod(DIR, 0o755)
    r = verifier.run(['openssl', 'req', '-x509', '-newkey', 'ec',
                      '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
                      '-subj', f'/CN={e2e.HOST}', '-addext', f'subjectAltName=IP:{e2e.HOST}',
                      '-keyout', os.path.join(DIR, 'key.pem'),
                      '-out', os.path.join(DIR, 'cert.pem')])
    if r.returncode != 0:
        raise RuntimeError(f'openssl req failed: {r.stderr}')
    r = apache('-k', 'start')
    if r.returncode != 0:
        raise RuntimeError(f'apache2 did not start: {r.stdout}{r.stderr}')
    for _ in range(100):
        try:
            get(None)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f'apache2 does not answer on {PORT1}')


def stop():
    pidfile = os.path.join(DIR, 'apache.pid')
    try:
        with open(pidfile) as fh:
            pid = int(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        return
    apache('-k', 'stop')
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


def get(token):
    """GET /protected over https, trusting our certificate; a Resp."""
    ctx = ssl.create_default_context(cafile=os.path.join(DIR, 'cert.pem'))
    conn = http.client.HTTPSConnection(e2e.HOST, PORT1, context=ctx, timeout=30)
    try:
        conn.request('GET', '/protected', headers=e2e.bearer(token) if token else {})
        r = conn.getresponse()
        return e2e.Resp(r.status, r.getheaders(), r.read())
    finally:
        conn.close()


def main():
    alg = verifier.wanted_alg()
    why = why_not()
    if why:
        for n in NAMES:
            e2e.skip(f'mod_auth_openidc {alg}: {n}', why)
        e2e.done()
    access = verifier.access_token()
    mallory = verifier.other_user()
    start()
    try:
        r = get(access)
        e2e.ok(r.status == 200 and r.body == b'protected\n',
               f'mod_auth_openidc {alg}: {NAMES[0]}', r)
        for name, token in ((NAMES[1], verifier.tampered(access, mallory)),
                            (NAMES[2], verifier.forged(access)), (NAMES[3], None)):
            r = get(token)
            e2e.ok(r.status == 401, f'mod_auth_openidc {alg}: {name}', r)
    finally:
        stop()
    if not e2e._failed:
        e2e.done()
    with open(os.path.join(DIR, 'error.log')) as fh:
        print('# ' + '\n# '.join(fh.read().splitlines()[-20:]))
    e2e.done()


if __name__ == '__main__':
    main()
