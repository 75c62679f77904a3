#!/usr/bin/python3
"""GET /api/profile over HTTP: the bearer header and every refusal."""
import base64
import json
import uuid

from e2e import (ok, done, request, login, bearer, is_json_error, create_user,
                 mint, sql, now, user_id)


def profile(headers=None, method='GET'):
    return request(method, '/api/profile', headers=headers)


def unauthorized(r, invalid_token):
    want = 'Bearer realm="api"' + (', error="invalid_token"' if invalid_token else '')
    return is_json_error(r, 401, 'Unauthorized') and r.header('WWW-Authenticate') == want


def b64(obj):
    raw = json.dumps(obj, separators=(',', ':')).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b'=').decode()


tokens = login().json()
access, refresh = tokens['access_token'], tokens['refresh_token']
alice = user_id('alice')

r = profile(bearer(access))
ok(r.status == 200 and r.json() == {'id': alice, 'username': 'alice', 'email': 'alice@example.com'},
   'profile: 200 with id, username, email', r)
ok((r.header('Content-Type') or '').startswith('application/json'), 'profile: JSON content type', r)
for name, value in (('lower-case scheme', f'bearer {access}'),
                    ('upper-case scheme', f'BEARER {access}'),
                    ('several spaces', f'Bearer    {access}')):
    r = profile({'Authorization': value})
    ok(r.status == 200, f'profile: {name} accepted', r)

# No header, another scheme: 401 without error=.
r = profile()
ok(unauthorized(r, False), 'profile: no header 401, WWW-Authenticate without error', r)
r = profile({'Authorization': 'Basic YWxpY2U6cGFzc3dvcmQxMjM='})
ok(unauthorized(r, False), 'profile: Basic scheme 401', r)
r = profile(method='POST')
ok(is_json_error(r, 405) and r.header('Allow') == 'GET', 'profile: POST gets 405 Allow: GET', r)

# Malformed, forged, expired, not yet valid, wrong type.
t = now()
uid = alice
base = {'token_type': 'access', 'user_id': uid, 'username': 'alice',
        'iat': t, 'exp': t + 600, 'jti': uuid.uuid4().hex}
h, p, s = access.split('.')
cases = [
    ('Bearer without token', 'Bearer'),
    ('Bearer and spaces only', 'Bearer    '),
    ('garbage token', 'Bearer abc.def'),
    ('two segments', f'Bearer {h}.{p}'),
    ('four segments', f'Bearer {access}.xyz'),
    ('tampered payload', 'Bearer ' + h + '.' + b64(dict(base, user_id=uid + 1)) + '.' + s),
    ('stripped signature', f'Bearer {h}.{p}.'),
    ('forged with another key', 'Bearer ' + mint(base, key=b'k' * 32)),
    ('expired', 'Bearer ' + mint(dict(base, iat=t - 7200, exp=t - 3600))),
    ('not yet valid (nbf)', 'Bearer ' + mint(dict(base, nbf=t + 3600))),
    ('issued in the future', 'Bearer ' + mint(dict(base, iat=t + 3600, exp=t + 7200))),
    ('no exp', 'Bearer ' + mint({k: v for k, v in base.items() if k != 'exp'})),
    ('alg none', 'Bearer ' + b64({'alg': 'none', 'typ': 'JWT'}) + '.' + b64(base) + '.'),
    ('alg None with a signature', 'Bearer ' + b64({'alg': 'None', 'typ': 'JWT'}) + '.' + b64(base) + '.' + s),
    ('alg HS512', 'Bearer ' + mint(base, alg='HS512')),
    ('refresh token at /profile', f'Bearer {refresh}'),
    ('padded base64', f'Bearer {h}=.{p}.{s}'),
    ('user_id float', 'Bearer ' + mint(dict(base, user_id=float(uid)))),
    ('user_id leading zero string', 'Bearer ' + mint(dict(base, user_id='0' + str(uid)))),
    ('user_id negative', 'Bearer ' + mint(dict(base, user_id=-uid))),
    ('user_id null', 'Bearer ' + mint(dict(base, user_id=None))),
    ('duplicate claim', 'Bearer ' + h + '.' + base64.urlsafe_b64encode(
        ('{"token_type":"access","user_id":%d,"exp":%d,"user_id":%d}' % (uid, t + 600, uid)).encode()
    ).rstrip(b'=').decode() + '.' + s),
]
for name, value in cases:
    r = profile({'Authorization': value})
    ok(unauthorized(r, True), f'profile: {name} gets 401 invalid_token', r)

# A PyJWT-made token with the contract's claims works (no fingerprint).
r = profile(bearer(mint(base)))
ok(r.status == 200 and (r.json() or {}).get('username') == 'alice',
   'profile: PyJWT-made access token accepted', r)
r = profile(bearer(mint(dict(base, user_id=str(uid)))))
ok(r.status == 200, 'profile: user_id as a canonical string accepted', r)

# Deleted, inactive, password changed.
bob = create_user('profile-bob', 'bob-password-1')
tb = login('profile-bob', 'bob-password-1').json()['access_token']
ok(profile(bearer(tb)).status == 200, 'profile: bob 200 before changes')
sql("UPDATE auth_user SET is_active = 0 WHERE username = 'profile-bob'")
ok(unauthorized(profile(bearer(tb)), True), 'profile: inactive user 401')
sql("UPDATE auth_user SET is_active = 1 WHERE username = 'profile-bob'")
ok(profile(bearer(tb)).status == 200, 'profile: reactivated user 200 again')
sql("UPDATE auth_user SET password = CONCAT(password, 'x') WHERE username = 'profile-bob'")
ok(unauthorized(profile(bearer(tb)), True), 'profile: password changed ends the token')
sql("DELETE FROM auth_user WHERE username = 'profile-bob'")
r = profile(bearer(mint(dict(base, user_id=bob, username='profile-bob'))))
ok(unauthorized(r, True), 'profile: deleted user 401', r)

done()
