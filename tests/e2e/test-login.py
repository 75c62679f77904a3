#!/usr/bin/python3
"""POST /api/login over HTTP: every status the contract gives it, the
re-hash on login and its race with a password change (issue 13, 6)."""
import base64
import hashlib
import json
import os
import subprocess
import time
import urllib.parse

import jwt

from e2e import (ok, done, post, request, login, is_json_error, create_user,
                 secret, sql, now, bearer, VAR)

# 200, with the contract's body, headers and claims.
r = login()
j = r.json() or {}
ok(r.status == 200, 'login: alice gets 200', r)
ok((r.header('Content-Type') or '').startswith('application/json'),
   'login: JSON content type', r)
ok(r.header('Cache-Control') == 'no-store', 'login: Cache-Control no-store', r)
ok(set(j) == {'access_token', 'refresh_token', 'token_type', 'expires_in'},
   'login: body has exactly the four fields', j)
ok(j.get('token_type') == 'Bearer', 'login: token_type Bearer', j)
acc = jwt.decode(j['access_token'], secret(), algorithms=['HS256'])
ref = jwt.decode(j['refresh_token'], secret(), algorithms=['HS256'])
ok(j.get('expires_in') == acc['exp'] - acc['iat'] == 3600,
   'login: expires_in is exp - iat of the access token', (j, acc))
ok(acc['token_type'] == 'access' and ref['token_type'] == 'refresh',
   'login: token types', (acc, ref))
ok(isinstance(acc['user_id'], int) and acc['username'] == 'alice',
   'login: access claims user_id and username', acc)
ok(len(acc['jti']) == 32 and int(acc['jti'], 16) >= 0 and acc['jti'] != ref['jti'],
   'login: jti is 128 bits of hex, distinct', (acc, ref))
ok(ref['exp'] - ref['iat'] == 7 * 86400, 'login: refresh lives 7 days', ref)
ok(abs(acc['iat'] - now()) < 60, 'login: iat is now', acc)
hdr = json.loads(base64.urlsafe_b64decode(j['access_token'].split('.')[0] + '=='))
ok(set(hdr) == {'alg', 'kid', 'typ'} and hdr['alg'] == 'HS256' and hdr['typ'] == 'JWT' and
   len(hdr['kid']) == 16, 'login: header alg HS256, kid of the secret, typ JWT', hdr)
rows = sql(f"SELECT user_id, family FROM jwtauth_refresh_token WHERE jti = '{ref['jti']}'")
ok(len(rows) == 1 and rows[0].split('\t')[0] == str(acc['user_id']),
   'login: the refresh token has its row', rows)
ll = sql("SELECT last_login IS NOT NULL FROM auth_user WHERE username = 'alice'")
ok(ll == ['1'], 'login: last_login set', ll)

# Form bodies and a charset parameter.
r = post('/api/login', urllib.parse.urlencode({'username': 'alice', 'password': 'password123'}),
         {'Content-Type': 'application/x-www-form-urlencoded'})
ok(r.status == 200 and 'access_token' in (r.json() or {}), 'login: form body 200', r)
r = post('/api/login', json.dumps({'username': 'alice', 'password': 'password123'}),
         {'Content-Type': 'application/json; charset=utf-8'})
ok(r.status == 200, 'login: JSON with charset parameter 200', r)
r = post('/api/login', json.dumps({'username': 'alice', 'password': 'password123', 'extra': [1]}),
         {'Content-Type': 'application/json'})
ok(r.status == 200, 'login: unknown fields ignored', r)

# 401 alike for unknown user, wrong password, inactive user.
r = login('nobody-here', 'password123')
ok(is_json_error(r, 401, 'Invalid credentials'), 'login: unknown user 401', r)
r = login('alice', 'wrong-password')
ok(is_json_error(r, 401, 'Invalid credentials'), 'login: wrong password 401', r)
create_user('inactive1', 'password123', active=False)
r = login('inactive1', 'password123')
ok(is_json_error(r, 401, 'Invalid credentials'), 'login: inactive user 401', r)
sql("UPDATE auth_user SET password = '!unusable' WHERE username = 'inactive1'")
sql("UPDATE auth_user SET is_active = 1 WHERE username = 'inactive1'")
r = login('inactive1', '!unusable')
ok(is_json_error(r, 401, 'Invalid credentials'), "login: '!' hash matches nothing", r)
r = login('', '')
ok(is_json_error(r, 401, 'Invalid credentials'), 'login: empty strings 401', r)

# 405 with Allow.
for m in ('GET', 'PUT', 'DELETE'):
    r = request(m, '/api/login')
    ok(is_json_error(r, 405) and r.header('Allow') == 'POST', f'login: {m} gets 405 Allow: POST', r)

# 400: not JSON, empty, invalid UTF-8, trailing bytes.
for name, body in (('garbage', b'{"username": '), ('empty body', b''),
                   ('invalid UTF-8', b'{"username": "al\xffce", "password": "x"}'),
                   ('trailing bytes', b'{"username": "a", "password": "b"} x'),
                   ('bare word', b'hello')):
    r = post('/api/login', body, {'Content-Type': 'application/json'})
    ok(is_json_error(r, 400), f'login: {name} gets 400', r)

# 413 over 16 KiB.
big = json.dumps({'username': 'alice', 'password': 'x' * 17000})
r = post('/api/login', big, {'Content-Type': 'application/json'})
ok(is_json_error(r, 413), 'login: body over 16 KiB gets 413', r)
r = post('/api/login', json.dumps({'username': 'alice', 'password': 'p' * 16000}),
         {'Content-Type': 'application/json'})
ok(is_json_error(r, 401), 'login: body just under 16 KiB is read', r)

# 422: Ninja's shape, one item per problem.
r = post('/api/login', {'password': 'x'})
ok(r.status == 422 and r.json() == {'detail': [
    {'type': 'missing', 'loc': ['body', 'username'], 'msg': 'Field required'}]},
   'login: missing username 422 in Ninja shape', r)
r = post('/api/login', {})
d = (r.json() or {}).get('detail', [])
ok(r.status == 422 and [x['loc'] for x in d] == [['body', 'username'], ['body', 'password']],
   'login: both missing: two items', r)
r = post('/api/login', {'username': 5, 'password': None})
d = (r.json() or {}).get('detail', [])
ok(r.status == 422 and [x['type'] for x in d] == ['string_type', 'string_type'],
   'login: wrong types: string_type items', r)
for name, body in (('array', '[1, 2]'), ('string', '"alice"'), ('number', '42'), ('null', 'null')):
    r = post('/api/login', body, {'Content-Type': 'application/json'})
    ok(r.status == 422 and isinstance((r.json() or {}).get('detail'), list),
       f'login: JSON {name} (not an object) gets 422', r)

# The re-hash on login (issue 13, 6).  An old 1,000-iteration hash is
# re-hashed to the policy, and the token's fingerprint is of the hash
# now stored: the token works at once.
TAG = f'{os.getpid() % 100000}{int(time.time()) % 100000}'
UP = f'upgrade-{TAG}'
create_user(UP, 'upgrade-pass-1')


def old_hash(password, iterations=1000):
    dk = hashlib.pbkdf2_hmac('sha256', password.encode(), b'oldsalt', iterations)
    return f'pbkdf2_sha256${iterations}$oldsalt${base64.b64encode(dk).decode()}'


def stored(name):
    return sql(f"SELECT password FROM auth_user WHERE username = '{name}'")[0]


sql(f"UPDATE auth_user SET password = '{old_hash('upgrade-pass-1')}' "
    f"WHERE username = '{UP}'")
r = login(UP, 'upgrade-pass-1')
ok(r.status == 200 and stored(UP).startswith('pbkdf2_sha256$')
   and not stored(UP).startswith('pbkdf2_sha256$1000$'),
   'upgrade: an old hash is re-hashed on login', r)
tok = (r.json() or {}).get('access_token', '')
r = request('GET', '/api/profile', headers=bearer(tok))
ok(r.status == 200, "upgrade: the token's fingerprint is of the new hash (profile 200)", r)

# A password change racing that login: the change holds the row (a
# transaction of another client) while the login reads the old hash,
# verifies it and tries its re-hash.  The re-hash must not overwrite
# the change, and the login, whose password is no longer the user's,
# must not succeed.
sql(f"UPDATE auth_user SET password = '{old_hash('upgrade-pass-1')}' "
    f"WHERE username = '{UP}'")
sql(f"DELETE FROM jwtauth_login_failure WHERE user_id = "
    f"(SELECT id FROM auth_user WHERE username = '{UP}')")
changed = old_hash('changed-pass-2', 1001)
change = subprocess.Popen(
    ['mariadb', '--no-defaults', '-S', os.path.join(VAR, 'run', 'mysqld.sock'),
     '-uroot', '-N', '-B', 'jwtauth'], stdin=subprocess.PIPE, text=True,
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
change.stdin.write(f"BEGIN; UPDATE auth_user SET password = '{changed}' "
                   f"WHERE username = '{UP}'; SELECT SLEEP(2); COMMIT;\n")
change.stdin.flush()
time.sleep(0.5)     # the change holds the row lock now
t = time.monotonic()
r = login(UP, 'upgrade-pass-1')
waited = time.monotonic() - t
change.stdin.close()
change.wait(timeout=30)
ok(waited > 0.8, f'upgrade race: the re-hash waited for the change ({waited:.2f} s)')
ok(stored(UP) == changed, 'upgrade race: the changed password is kept, not overwritten',
   stored(UP))
ok(r.status == 401, 'upgrade race: the login with the old password is refused', r)
r = login(UP, 'changed-pass-2')
ok(r.status == 200, 'upgrade race: the changed password logs in', r)
sql(f"DELETE FROM jwtauth_login_failure WHERE user_id = "
    f"(SELECT id FROM auth_user WHERE username = '{UP}')")
sql(f"DELETE FROM auth_user WHERE username = '{UP}'")

done()
