#!/usr/bin/python3
"""Token attacks over HTTP (RFC 8725): each must get 401 at /api/profile
and /api/refresh.  The unit tests (test-jwt) name every refusal; these
are the main ones through the real web server."""
import base64
import hashlib
import hmac
import json
import uuid

from e2e import ok, done, post, request, bearer, mint, secret, now, user_id


def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b'=').decode()


def enc(obj):
    return b64(json.dumps(obj, separators=(',', ':')).encode())


def sign(header, payload, key=None, raw_header=None, raw_payload=None):
    h = raw_header if raw_header is not None else enc(header)
    p = raw_payload if raw_payload is not None else enc(payload)
    mac = hmac.new(secret() if key is None else key, f'{h}.{p}'.encode(), hashlib.sha256)
    return f'{h}.{p}.{b64(mac.digest())}'


def refused(tok, name):
    r = request('GET', '/api/profile', headers=bearer(tok))
    ok(r.status == 401 and r.header('WWW-Authenticate') == 'Bearer realm="api", error="invalid_token"',
       f'attack at /profile: {name}', r)


t = now()
uid = user_id('alice')
acc = {'token_type': 'access', 'user_id': uid, 'username': 'alice', 'iat': t,
       'exp': t + 600, 'jti': uuid.uuid4().hex}
H = {'alg': 'HS256', 'typ': 'JWT'}
attacker = b'attacker-key-' * 4

good = sign(H, acc)
r = request('GET', '/api/profile', headers=bearer(good))
ok(r.status == 200, 'attack baseline: a correctly signed token passes', r)

for alg in ('none', 'None', 'NONE', 'nOnE'):
    refused(enc(dict(H, alg=alg)) + '.' + enc(acc) + '.', f'alg {alg} unsigned')
    refused(sign(dict(H, alg=alg), acc), f'alg {alg} with a valid HMAC')
for alg in ('HS384', 'HS512', 'RS256', 'ES256', 'EdDSA', 'PS256'):
    refused(sign(dict(H, alg=alg), acc), f'alg {alg} header (HMAC with our key)')
refused(sign(dict(H, crit=['exp']), acc), 'crit header')
for field, value in (('jku', 'http://127.0.0.1:1/jwks.json'),
                     ('jwk', {'kty': 'oct', 'k': b64(attacker)}),
                     ('x5u', 'http://127.0.0.1:1/cert.pem'),
                     ('x5c', ['MIIB']),
                     ('kid', '../../../../dev/null'),
                     ('kid', "' OR '1'='1"),
                     ('kid', '/proc/self/environ')):
    refused(sign(dict(H, **{field: value}), acc, key=attacker),
            f'{field} header pointing at the attacker key')
refused(sign(dict(H, kid='/dev/null'), acc, key=b''), 'kid /dev/null with an empty key')
# Issue 15: the kid picks among our keys only, and a token that offers
# a key or a place to fetch one is refused even when our key signed it.
kid = json.loads(base64.urlsafe_b64decode(post('/api/login', {'username': 'alice', 'password': 'password123'})
                                          .json()['access_token'].split('.')[0] + '=='))['kid']
r = request('GET', '/api/profile', headers=bearer(sign(dict(H, kid=kid), acc)))
ok(r.status == 200, 'attack baseline: our kid with our key passes', r)
refused(sign(dict(H, kid=kid), acc, key=attacker), 'our kid, the attacker key')
refused(sign(dict(H, kid='k1'), acc), 'an unknown kid with our key')
for field, value in (('jku', 'http://127.0.0.1:1/jwks.json'), ('jwk', {'kty': 'oct', 'k': b64(attacker)}),
                     ('x5u', 'http://127.0.0.1:1/cert.pem'), ('x5c', ['MIIB'])):
    refused(sign(dict(H, kid=kid, **{field: value}), acc), f'{field} header on a token our key signed')
h, p, s = good.split('.')
refused(f'{h}.{p}.{s[:-4]}', 'short signature')
refused(f'{h}.{p}.{s}AAAA', 'long signature')
refused(f'{h}.{p}.{s[:-1]}{"A" if s[-1] != "A" else "B"}', 'flipped signature')
refused(f'{h}.{p}', 'two segments')
refused(f'{h}.{p}.{s}.{s}', 'four segments')
refused(f'{h}.{p}.{s}.{s}.{s}', 'five segments')
refused(f'{h}.{p}=.{s}', 'padding')
refused(f'{h}.{p[:-1]}+.{s}', "'+' in a segment")
refused(f'{h}.{p[:-1]}/.{s}', "'/' in a segment")
refused(f'{h}.{p[:10]} {p[10:]}.{s}', 'whitespace inside')
refused(sign(H, acc, raw_payload=enc(acc)[:-2] + 'xx'), 'tampered payload, re-signed with the wrong length')
refused(sign(None, acc, raw_header=b64(b'["HS256"]')), 'header is an array')
refused(sign(H, None, raw_payload=b64(b'"just a string"')), 'payload is a string')
refused(sign(H, None, raw_payload=b64(('{"token_type":"access","user_id":%d,"exp":%d,"exp":1}' % (uid, t + 600)).encode())),
        'duplicate exp in the payload')
refused(sign(None, acc, raw_header=b64(b'{"alg":"none","alg":"HS256","typ":"JWT"}')),
        'duplicate alg in the header')
refused(sign(H, dict(acc, user_id=2 ** 63)), 'user_id beyond 2^63')
refused(sign(H, dict(acc, user_id=str(uid) + '.0')), 'user_id non-canonical string')
refused(sign(H, dict(acc, exp=str(t + 600))), 'exp as a string')
refused(sign(H, dict(acc, nbf=t + 120)), 'nbf in the future')
refused(sign(H, dict(acc, token_type='refresh')), 'token_type refresh at /profile')
refused(sign(H, dict(acc, token_type=None)), 'token_type null')
big = sign(H, dict(acc, pad='x' * 9000))
r = request('GET', '/api/profile', headers=bearer(big))
ok(r.status in (401, 431, 400) and r.status != 200, 'attack: a token over 8 KiB is refused', r)

ref = {'token_type': 'refresh', 'user_id': uid, 'iat': t, 'exp': t + 600, 'jti': uuid.uuid4().hex}
for name, tok in (('alg none', enc(dict(H, alg='none')) + '.' + enc(ref) + '.'),
                  ('attacker key via jwk', sign(dict(H, jwk={'kty': 'oct', 'k': b64(attacker)}), ref, key=attacker)),
                  ('an access token', good)):
    r = post('/api/refresh', {'refresh_token': tok})
    ok(r.status == 401, f'attack at /refresh: {name}', r)
done()
