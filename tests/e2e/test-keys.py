#!/usr/bin/python3
"""RS256, ES256 and EdDSA (issue 15) through the real programs, run as
plain CGI with configs of their own (the shared stack keeps HS256):
login, profile, refresh and the JWKS with each algorithm; PyJWT
verifying our tokens with PyJWKClient on our JWKS URL, and signing
tokens with our private key that /api/profile accepts; the refusals of
RFC 8725 (key confusion, kid, jwk/jku/x5u/x5c, ES256 r||s); rotation
step by step; a token cached by a FastCGI worker still refused once its
user is deactivated; a bad key stopping a program with one line."""
import base64
import hashlib
import hmac
import http.server
import json
import os
import subprocess
import threading
import time
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature, encode_dss_signature)

from e2e import ROOT, VAR, ok, done, now, user_id, create_user, sql
import cgirun
import sys
sys.path.insert(0, os.path.join(ROOT, 'tests', 'deploy'))
import fcgi  # noqa: E402

TAG = f'{os.getpid()}'
ADMIN = os.path.join(ROOT, os.environ.get('BUILD', 'build'), 'bin', 'jwtauth-admin')
JWKS_PORT = int(os.environ.get('E2E_PORT', '18080')) + 1
PRIVATE = ('d', 'p', 'q', 'dp', 'dq', 'qi', 'k')
N256 = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
made = []           # files and configs to remove at the end


def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b'=').decode()


def unb64(s):
    return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))


def enc(obj):
    return b64(json.dumps(obj, separators=(',', ':')).encode())


def genkey(alg):
    """A fresh private key made by jwtauth-admin genkey, in $VAR."""
    path = os.path.join(VAR, f'e2e-keys-{TAG}-{len(made)}-{alg}.pem')
    p = subprocess.run([ADMIN, 'genkey', '--alg', alg, path], capture_output=True, text=True)
    made.append(path)
    ok(p.returncode == 0 and os.stat(path).st_mode & 0o777 == 0o600,
       f'genkey --alg {alg}: a private PEM of mode 0600', p.stderr)
    return path


def pubkey(path):
    p = subprocess.run([ADMIN, 'pubkey', path], capture_output=True, text=True)
    return p.stdout


def config(name, alg, priv, verify=()):
    c = cgirun.Config(f'keys-{name}', {'jwt': dict(
        {'algorithm': alg, 'private_key_file': os.path.basename(priv)},
        **({'verify_key_files': ' '.join(os.path.basename(v) for v in verify)} if verify else {}))})
    made.append(c)
    return c


def cgi_login(cfg, username='alice', password='password123'):
    return cgirun.run('login', cfg, body={'username': username, 'password': password})


def profile(cfg, tok):
    return cgirun.run('profile', cfg, method='GET', env={'HTTP_AUTHORIZATION': f'Bearer {tok}'})


def refresh(cfg, tok):
    return cgirun.run('refresh', cfg, body={'refresh_token': tok})


def jwks(cfg):
    return cgirun.run('jwks', cfg, method='GET')


def header(tok):
    return json.loads(unb64(tok.split('.')[0]))


def claims(uid, **more):
    t = now()
    return dict({'token_type': 'access', 'user_id': uid, 'username': 'alice', 'iat': t,
                 'exp': t + 600, 'jti': uuid.uuid4().hex}, **more)


def refused(cfg, tok, name):
    r = profile(cfg, tok)
    ok(r.status == 401 and 'invalid_token' in (r.header('WWW-Authenticate') or ''),
       f'refused at /profile: {name}', r)


def accepted(cfg, tok, name):
    r = profile(cfg, tok)
    ok(r.status == 200 and (r.json() or {}).get('username') == 'alice',
       f'accepted at /profile: {name}', r)


class JwksServer:
    """Our jwks program behind HTTP on 127.0.0.1:JWKS_PORT, each GET one
    CGI run with cfg: a URL for PyJWKClient, which only speaks HTTP."""

    def __init__(self, cfg):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                r = jwks(cfg)
                self.send_response(r.status or 500)
                for k in ('content-type', 'cache-control'):
                    if r.header(k):
                        self.send_header(k, r.header(k))
                self.send_header('Content-Length', str(len(r.body)))
                self.end_headers()
                self.wfile.write(r.body)

            def log_message(self, *args):
                pass
        self.srv = http.server.HTTPServer(('127.0.0.1', JWKS_PORT), Handler)
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()
        self.url = f'http://127.0.0.1:{JWKS_PORT}/api/.well-known/jwks.json'

    def close(self):
        self.srv.shutdown()
        self.srv.server_close()


uid = user_id('alice')
keys = {alg: genkey(alg) for alg in ('RS256', 'ES256', 'EdDSA')}
cfgs = {alg: config(alg, alg, path) for alg, path in keys.items()}

# ---- each algorithm: login, profile, refresh, JWKS, PyJWT ----------------

for alg, cfg in cfgs.items():
    r = cgi_login(cfg)
    ok(r.status == 200, f'{alg}: login 200', r)
    pair = r.json() or {}
    acc, ref = pair.get('access_token', ''), pair.get('refresh_token', '')
    h = header(acc) if acc else {}
    ok(h.get('alg') == alg and h.get('typ') == 'JWT' and len(h.get('kid', '')) == 43,
       f'{alg}: access token header names alg and a thumbprint kid', h)
    accepted(cfg, acc, f'{alg} access token from login')
    r = refresh(cfg, ref)
    ok(r.status == 200 and header((r.json() or {}).get('access_token', 'e30.')).get('alg') == alg,
       f'{alg}: refresh 200, a new {alg} pair', r)

    r = jwks(cfg)
    j = r.json() or {}
    ks = j.get('keys') or [{}]
    ok(r.status == 200 and r.header('Cache-Control') == 'public, max-age=300',
       f'{alg}: jwks 200 with Cache-Control: public, max-age=300', r)
    ok(len(ks) == 1 and ks[0].get('kid') == h.get('kid') and ks[0].get('alg') == alg and
       ks[0].get('use') == 'sig', f'{alg}: jwks lists the signing key: kid, alg, use sig', j)
    ok(not any(m in k for k in ks for m in PRIVATE), f'{alg}: jwks has no private member', j)
    want = {'RS256': {'kty', 'kid', 'alg', 'use', 'n', 'e'},
            'ES256': {'kty', 'kid', 'alg', 'use', 'crv', 'x', 'y'},
            'EdDSA': {'kty', 'kid', 'alg', 'use', 'crv', 'x'}}[alg]
    ok(set(ks[0]) == want, f'{alg}: jwks members are exactly {sorted(want)}', ks[0])
    p = subprocess.run([ADMIN, '-c', cfg.path, 'jwks'], capture_output=True, text=True)
    ok(p.returncode == 0 and json.loads(p.stdout or '{}') == j,
       f'{alg}: jwtauth-admin jwks prints what the program serves', p.stderr)

    # PyJWT: the public key from jwtauth-admin pubkey, then our JWKS URL.
    try:
        got = jwt.decode(acc, pubkey(keys[alg]), algorithms=[alg])
        ok(got.get('user_id') == uid, f'{alg}: PyJWT verifies with jwtauth-admin pubkey')
    except jwt.PyJWTError as e:
        ok(False, f'{alg}: PyJWT verifies with jwtauth-admin pubkey', repr(e))
    srv = JwksServer(cfg)
    try:
        key = jwt.PyJWKClient(srv.url).get_signing_key_from_jwt(acc)
        got = jwt.decode(acc, key.key, algorithms=[alg])
        ok(got.get('user_id') == uid, f'{alg}: PyJWT PyJWKClient on our JWKS URL verifies')
        forged = acc[:-6] + ('AAAAAA' if not acc.endswith('AAAAAA') else 'BBBBBB')
        try:
            jwt.decode(forged, key.key, algorithms=[alg])
            ok(False, f'{alg}: PyJWKClient refuses a tampered token')
        except jwt.InvalidSignatureError:
            ok(True, f'{alg}: PyJWKClient refuses a tampered token')
    except jwt.PyJWTError as e:
        ok(False, f'{alg}: PyJWT PyJWKClient on our JWKS URL verifies', repr(e))
    finally:
        srv.close()

    # The other way: PyJWT signs the contract's claims with our key.
    with open(keys[alg], 'rb') as fh:
        priv = fh.read()
    kid = h.get('kid')
    accepted(cfg, jwt.encode(claims(uid), priv, algorithm=alg, headers={'kid': kid}),
             f'{alg} token PyJWT signs with our private key and kid')
    accepted(cfg, jwt.encode(claims(uid), priv, algorithm=alg),
             f'{alg} token PyJWT signs with our private key, no kid (one key)')
    other = genkey(alg)
    with open(other, 'rb') as fh:
        refused(cfg, jwt.encode(claims(uid), fh.read(), algorithm=alg),
                f'{alg} token signed by another key, no kid')

# ---- refusals (RFC 8725) against the ES256 program -----------------------

cfg = cfgs['ES256']
with open(keys['ES256'], 'rb') as fh:
    es_priv = fh.read()
es_pub = pubkey(keys['ES256']).encode()
es_kid = header(cgi_login(cfg).json()['access_token'])['kid']
jwk = next(iter((jwks(cfg).json() or {}).get('keys', [])), {})
der = serialization.load_pem_public_key(es_pub).public_bytes(
    serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
for spelling, key in (('PEM', es_pub), ('DER', der),
                      ('JWK', json.dumps(jwk, separators=(',', ':')).encode())):
    for hdr in ({'alg': 'HS256', 'typ': 'JWT'}, {'alg': 'HS256', 'kid': es_kid, 'typ': 'JWT'}):
        si = f'{enc(hdr)}.{enc(claims(uid))}'
        mac = hmac.new(key, si.encode(), hashlib.sha256).digest()
        refused(cfg, f'{si}.{b64(mac)}',
                f'HS256 keyed with the {spelling} public key, {"kid" if "kid" in hdr else "no kid"}')

good = jwt.encode(claims(uid), es_priv, algorithm='ES256', headers={'kid': es_kid})
accepted(cfg, good, 'control: PyJWT ES256 with our kid')
for field, value in (('jwk', jwk), ('jku', f'http://127.0.0.1:{JWKS_PORT}/jwks.json'),
                     ('x5u', f'http://127.0.0.1:{JWKS_PORT}/cert.pem'), ('x5c', ['MIIB'])):
    refused(cfg, jwt.encode(claims(uid), es_priv, algorithm='ES256',
                            headers={'kid': es_kid, field: value}),
            f'{field} header on a token our key signed')
h, p, s = good.split('.')
r_, s_ = int.from_bytes(unb64(s)[:32], 'big'), int.from_bytes(unb64(s)[32:], 'big')
refused(cfg, f'{h}.{p}.{b64(encode_dss_signature(r_, s_))}', 'ES256 signature in DER form')
refused(cfg, f'{h}.{p}.{b64(unb64(s)[:63])}', 'ES256 signature of 63 bytes')
refused(cfg, f'{h}.{p}.{b64(unb64(s) + bytes(1))}', 'ES256 signature of 65 bytes')
for name, rr, ss in (('r = s = 0 (CVE-2022-21449)', 0, 0), ('r = 0', 0, s_), ('s = 0', r_, 0),
                     ('r = n', N256, s_), ('s = n', r_, N256), ('s = n + s', r_, (s_ + N256) % 2 ** 256)):
    sig = rr.to_bytes(32, 'big') + ss.to_bytes(32, 'big')
    refused(cfg, f'{h}.{p}.{b64(sig)}', f'ES256 {name}')
for alg in ('RS256', 'EdDSA', 'HS256', 'ES384', 'none'):
    refused(cfg, f'{enc({"alg": alg, "kid": es_kid, "typ": "JWT"})}.{p}.{s}',
            f'alg {alg} on the ES256 key')
refused(cfg, f'{enc({"alg": "none", "typ": "JWT"})}.{p}.', 'alg none, unsigned')

# Several keys: the kid must name one of them.
cfg2 = config('two', 'ES256', keys['ES256'], [keys['EdDSA']])
accepted(cfg2, good, 'two keys: ES256 token with its kid')
refused(cfg2, jwt.encode(claims(uid), es_priv, algorithm='ES256'), 'two keys: absent kid')
refused(cfg2, jwt.encode(claims(uid), es_priv, algorithm='ES256', headers={'kid': 'k1'}),
        'two keys: unknown kid')
with open(keys['RS256'], 'rb') as fh:
    refused(cfg2, jwt.encode(claims(uid), fh.read(), algorithm='RS256',
                             headers={'kid': header(cgi_login(cfgs['RS256']).json()['access_token'])['kid']}),
            'two keys: the kid of a key not configured')
j = jwks(cfg2).json() or {}
ok(sorted(k.get('alg') for k in j.get('keys', [])) == ['ES256', 'EdDSA'] and
   not any(m in k for k in j.get('keys', []) for m in PRIVATE),
   'two keys: jwks lists the signing and the verify-only key, public members only', j)

# ---- rotation, step by step (README) -------------------------------------

A, B = keys['ES256'], keys['EdDSA']
s0 = config('rot0', 'ES256', A)
s1 = config('rot1', 'ES256', A, [B])
s2 = config('rot2', 'EdDSA', B, [A])
s3 = config('rot3', 'EdDSA', B)
t0 = cgi_login(s0).json() or {}
accepted(s1, t0.get('access_token'), 'rotation 1 (B published, verify-only): step-0 token')
r = refresh(s1, t0.get('refresh_token'))
t1 = r.json() or {}
ok(r.status == 200 and header(t1.get('access_token', 'e30.'))['alg'] == 'ES256',
   'rotation 1: refresh still signs with A', r)
ok(len((jwks(s1).json() or {}).get('keys', [])) == 2, 'rotation 1: jwks publishes A and B')
accepted(s2, t0.get('access_token'), 'rotation 2 (B signs, A verify-only): step-0 token')
accepted(s2, t1.get('access_token'), 'rotation 2: step-1 token')
t2 = cgi_login(s2).json() or {}
ok(header(t2.get('access_token', 'e30.')).get('alg') == 'EdDSA', 'rotation 2: login signs with B')
accepted(s1, t2.get('access_token'), 'rotation 2: a step-1 process already accepts B tokens')
r = refresh(s2, t1.get('refresh_token'))
t2b = r.json() or {}
ok(r.status == 200 and header(t2b.get('access_token', 'e30.'))['alg'] == 'EdDSA',
   'rotation 2: an A refresh token refreshes into a B pair', r)
refused(s3, t0.get('access_token'), 'rotation 3 (A removed): step-0 token')
refused(s3, t1.get('access_token'), 'rotation 3: step-1 token')
r = refresh(s3, t1.get('refresh_token'))
ok(r.status == 401, 'rotation 3: an A refresh token refused', r)
accepted(s3, t2.get('access_token'), 'rotation 3: step-2 B token')
r = refresh(s3, t2.get('refresh_token'))
ok(r.status == 200, 'rotation 3: a B refresh token refreshes', r)

# ---- the cache of verified signatures: the user row still counts ----------
# One FastCGI worker serves every request here (plain CGI would start a
# process, and an empty cache, for each): the second use of a token is
# a cache hit, which skips only the signature.

name = f'vcache-{TAG}'
vuid = create_user(name, 'cache-pass-1')
t = cgi_login(cfgs['ES256'], name, 'cache-pass-1').json() or {}
vtok = t.get('access_token', '')
w = fcgi.Worker('profile', config=cfgs['ES256'].path).ready()
try:
    def fprofile():
        return fcgi.call(w.path, 'GET', '/api/profile',
                         headers={'Authorization': f'Bearer {vtok}'})[0]
    st = [fprofile(), fprofile()]
    ok(header(vtok or 'e30.').get('alg') == 'ES256' and st == [200, 200],
       'cache: an ES256 token twice to one worker: 200, 200', st)
    sql(f"UPDATE auth_user SET is_active = 0 WHERE id = {vuid}")
    st = [fprofile(), fprofile()]
    ok(st == [401, 401], 'cache: user deactivated: the cached token is refused, '
       'and on its next use too', st)
    sql(f"UPDATE auth_user SET is_active = 1 WHERE id = {vuid}")
    ok(fprofile() == 200, 'cache: reactivated: accepted again by the same worker')
finally:
    w.stop()
    sql(f"DELETE FROM auth_user WHERE id = {vuid}")

# ---- a key that does not fit stops the program with one line -------------

weak = os.path.join(VAR, f'e2e-keys-{TAG}-rsa1024.pem')
with open(weak, 'wb') as fh:
    fh.write(rsa.generate_private_key(65537, 1024).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
os.chmod(weak, 0o600)
made.append(weak)
pub = os.path.join(VAR, f'e2e-keys-{TAG}-pub.pem')
with open(pub, 'w') as fh:
    fh.write(pubkey(A))
os.chmod(pub, 0o600)
made.append(pub)
loose = genkey('ES256')
os.chmod(loose, 0o644)
for name, alg, path, want in (('an EdDSA key for ES256', 'ES256', B, 'not a ES256 private key'),
                              ('RSA of 1024 bits', 'RS256', weak, '2048'),
                              ('a public key to sign', 'ES256', pub, 'public'),
                              ('a private key of mode 0644', 'ES256', loose, 'must not be readable')):
    c = config('bad', alg, path)
    r = subprocess.run([os.path.join(ROOT, os.environ.get('BUILD', 'build'), 'cgi-bin', 'profile')],
                       env={'JWTAUTH_CONFIG': c.path, 'REQUEST_METHOD': 'GET'},
                       capture_output=True, text=True)
    lines = r.stderr.strip().splitlines()
    ok(r.returncode != 0 and len(lines) == 1 and want in lines[0] and
       os.path.basename(path) in lines[0], f'bad key: {name} stops the program with one line', r.stderr)

for m in made:
    if isinstance(m, cgirun.Config):
        m.close()
    else:
        try:
            os.unlink(m)
        except OSError:
            pass
done()
