"""Shared helpers for the third-party verifier tests (issue 15, item 7):
which algorithm the running stack signs with, its keys, tokens from
/api/login, and tokens that must be refused (tampered, forged).

The stack is the one tests/verifiers/run brought up: VAR, E2E_PORT and
JWTAUTH_CONFIG as for tests/e2e; ALG is the algorithm it was asked to
sign with.
"""
import base64
import configparser
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'e2e'))
import e2e  # noqa: E402  (tests/e2e/e2e.py: TAP, HTTP, the stack)

ASYMMETRIC = ('RS256', 'ES256', 'EdDSA')


def config_path():
    return os.environ.get('JWTAUTH_CONFIG') or os.path.join(e2e.VAR, 'jwtauth.conf')


def jwt_config():
    """The [jwt] section of the stack's config, as a dict."""
    cp = configparser.ConfigParser(interpolation=None, strict=False,
                                   inline_comment_prefixes=None)
    with open(config_path()) as fh:
        cp.read_string(fh.read())
    return dict(cp['jwt']) if cp.has_section('jwt') else {}


def wanted_alg():
    return os.environ.get('ALG', 'HS256')


def stack_alg():
    return jwt_config().get('algorithm', 'HS256')


def not_ready():
    """None when this stack signs with the algorithm ALG asked for.  It
    must: jwtauth supports every algorithm the verifiers are run with,
    so a stack that signs with another one is a failure, never a skip."""
    want, have = wanted_alg(), stack_alg()
    if want != have:
        e2e.ok(False, f'the stack asked for ALG={want} signs with {want}',
               f'it signs with {have}')
        e2e.done()
    return None


def conf_file(name):
    """A file named in [jwt] (relative to the config's directory)."""
    value = jwt_config().get(name)
    if not value:
        return None
    return os.path.join(os.path.dirname(config_path()), value.split()[0])


def private_key_file():
    return conf_file('private_key_file')


def public_pem():
    """`jwtauth-admin pubkey` of the signing key: what a verifier
    configured by file is given."""
    r = e2e.admin('pubkey', private_key_file())
    if r.returncode != 0:
        raise RuntimeError(f'jwtauth-admin pubkey failed: {r.stderr}')
    return r.stdout


def access_token():
    """An access token for the demo user, from POST /api/login."""
    r = e2e.login()
    j = r.json() or {}
    if r.status != 200 or 'access_token' not in j:
        raise RuntimeError(f'login failed: {r!r}')
    return j['access_token']


def b64d(s):
    return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))


def b64e(b):
    return base64.urlsafe_b64encode(b).rstrip(b'=').decode()


def parts(token):
    h, p, s = token.split('.')
    return json.loads(b64d(h)), json.loads(b64d(p)), s


def other_user():
    """The id of a second, real user: a tampered token names it, so
    that only the signature can refuse it."""
    return e2e.create_user('verifier-mallory')


def tampered(token, user_id):
    """The same token with user_id changed in its payload: the
    signature no longer matches."""
    h, p, s = token.split('.')
    claims = json.loads(b64d(p))
    claims['user_id'] = user_id
    return h + '.' + b64e(json.dumps(claims, separators=(',', ':')).encode()) + '.' + s


def forged(token):
    """The same header (alg, kid) and claims, signed by a key of the
    same kind that is not ours: what an attacker without the key makes."""
    import jwt
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    header, claims, _ = parts(token)
    alg = header['alg']
    if alg == 'ES256':
        key = ec.generate_private_key(ec.SECP256R1())
    elif alg == 'RS256':
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif alg == 'EdDSA':
        key = ed25519.Ed25519PrivateKey.generate()
    else:
        key = os.urandom(32)
    extra = {k: v for k, v in header.items() if k not in ('alg', 'typ')}
    return jwt.encode(claims, key, algorithm=alg, headers=extra)


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, **kw)
