#!/usr/bin/python3
"""POST /api/refresh over HTTP: rotation, reuse detection, races."""
import threading
import uuid

import jwt

import cgirun
from e2e import (ok, done, post, request, login, bearer, is_json_error,
                 create_user, mint, secret, sql, now, user_id)


def refresh(tok):
    return post('/api/refresh', {'refresh_token': tok})


t1 = login().json()
r = refresh(t1['refresh_token'])
t2 = r.json() or {}
ok(r.status == 200 and set(t2) == {'access_token', 'refresh_token', 'token_type', 'expires_in'},
   'refresh: 200 with a new pair', r)
ok(r.header('Cache-Control') == 'no-store', 'refresh: Cache-Control no-store', r)
ok(t2.get('refresh_token') != t1['refresh_token'], 'refresh: the refresh token rotates')
ok(request('GET', '/api/profile', headers=bearer(t2['access_token'])).status == 200,
   'refresh: the new access token works')
f1 = sql(f"SELECT family FROM jwtauth_refresh_token WHERE jti = '{jwt.decode(t1['refresh_token'], options={'verify_signature': False})['jti']}'")
f2 = sql(f"SELECT family FROM jwtauth_refresh_token WHERE jti = '{jwt.decode(t2['refresh_token'], options={'verify_signature': False})['jti']}'")
ok(f1 == f2 and len(f1) == 1, 'refresh: the new token joins the same family', (f1, f2))

# Reuse: the old token again -> 401, and the newest of its family dies.
r = refresh(t1['refresh_token'])
ok(is_json_error(r, 401, 'Unauthorized'), 'refresh: reuse of a spent token 401', r)
r = refresh(t2['refresh_token'])
ok(is_json_error(r, 401, 'Unauthorized'), 'refresh: reuse revoked the whole family', r)
t3 = login().json()
ok(refresh(t3['refresh_token']).status == 200, 'refresh: another login family is unaffected')

# Wrong inputs.
r = refresh(t3['access_token'])
ok(is_json_error(r, 401, 'Unauthorized'), 'refresh: an access token 401', r)
alice = user_id('alice')
t = now()
claims = {'token_type': 'refresh', 'user_id': alice, 'iat': t, 'exp': t + 600,
          'jti': uuid.uuid4().hex}
r = refresh(mint(claims))
ok(is_json_error(r, 401, 'Unauthorized'), 'refresh: signed but never issued 401', r)
r = refresh(mint(claims, key=b'z' * 32))
ok(is_json_error(r, 401, 'Unauthorized'), 'refresh: forged 401', r)
r = refresh(mint(dict(claims, iat=t - 10, exp=t - 5)))
ok(is_json_error(r, 401, 'Unauthorized'), 'refresh: expired 401', r)
r = post('/api/refresh', {})
ok(r.status == 422 and r.json() == {'detail': [
    {'type': 'missing', 'loc': ['body', 'refresh_token'], 'msg': 'Field required'}]},
   'refresh: missing field 422', r)
r = post('/api/refresh', {'refresh_token': 42})
ok(r.status == 422, 'refresh: non-string field 422', r)
r = post('/api/refresh', b'not json', {'Content-Type': 'application/json'})
ok(is_json_error(r, 400), 'refresh: not JSON 400', r)
r = request('GET', '/api/refresh')
ok(is_json_error(r, 405) and r.header('Allow') == 'POST', 'refresh: GET 405', r)
r = post('/api/refresh', '{"refresh_token": "' + 'a' * 17000 + '"}', {'Content-Type': 'application/json'})
ok(is_json_error(r, 413), 'refresh: oversize body 413', r)

# Inactive user and password change end refresh tokens too.
create_user('refresh-carol', 'carol-password-1')
tc = login('refresh-carol', 'carol-password-1').json()
sql("UPDATE auth_user SET is_active = 0 WHERE username = 'refresh-carol'")
ok(is_json_error(refresh(tc['refresh_token']), 401), 'refresh: inactive user 401')
sql("UPDATE auth_user SET is_active = 1 WHERE username = 'refresh-carol'")
tc = login('refresh-carol', 'carol-password-1').json()
sql("UPDATE auth_user SET password = CONCAT(password, 'x') WHERE username = 'refresh-carol'")
ok(is_json_error(refresh(tc['refresh_token']), 401), 'refresh: password change 401')

# Eight concurrent refreshes of one token: exactly one 200, 20 rounds.
rounds_ok = 0
for rnd in range(20):
    tok = login().json()['refresh_token']
    statuses = []
    lock = threading.Lock()
    go = threading.Barrier(8)

    def worker():
        go.wait()
        s = refresh(tok).status
        with lock:
            statuses.append(s)
    threads = [threading.Thread(target=worker) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if statuses.count(200) == 1 and statuses.count(401) == 7:
        rounds_ok += 1
    else:
        print(f'# round {rnd}: {sorted(statuses)}')
ok(rounds_ok == 20, f'refresh: 8 concurrent uses give exactly one 200 ({rounds_ok}/20 rounds)')

# [jwt] refresh_reuse_grace: two tabs refreshing with one token.  Within
# the grace the loser gets 401 and the winner's new pair lives on;
# without it (the stack's config, 0) the loser revokes the family.
for grace, survives in (('30', True), ('0', False)):
    cfg = cgirun.Config(f'grace{grace}', {'jwt': {'refresh_reuse_grace': grace}})
    try:
        tok = login().json()['refresh_token']
        first = cgirun.run('refresh', cfg, body={'refresh_token': tok})
        second = cgirun.run('refresh', cfg, body={'refresh_token': tok})
    finally:
        cfg.close()
    ok(first.status == 200 and second.status == 401,
       f'refresh grace {grace}: the second use of a token 401', (first, second))
    new = (first.json() or {}).get('refresh_token', '')
    r = refresh(new)
    ok(r.status == (200 if survives else 401),
       f"refresh grace {grace}: the winner's new token "
       f"{'still refreshes' if survives else 'was revoked'}", r)

done()
