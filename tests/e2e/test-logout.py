#!/usr/bin/python3
"""POST /api/logout over HTTP: 204, idempotent, revokes the family."""
import uuid

from e2e import (ok, done, post, request, login, bearer, is_json_error,
                 mint, sql, now, user_id)


def logout(tok):
    return post('/api/logout', {'refresh_token': tok})


def refresh(tok):
    return post('/api/refresh', {'refresh_token': tok})


t1 = login().json()
t2 = refresh(t1['refresh_token']).json()
r = logout(t2['refresh_token'])
ok(r.status == 204 and r.body == b'', 'logout: 204 with no body', r)
ok(is_json_error(refresh(t2['refresh_token']), 401), 'logout: the token is revoked')
ok(is_json_error(refresh(t1['refresh_token']), 401), 'logout: its family is revoked')
r = logout(t2['refresh_token'])
ok(r.status == 204, 'logout: a second logout is 204 too (idempotent)', r)
r = logout(t1['refresh_token'])
ok(r.status == 204, 'logout: an older (spent) token of the family is 204', r)

# The newest token of a family dies when an older one is logged out.
t3 = login().json()
t4 = refresh(t3['refresh_token']).json()
ok(logout(t3['refresh_token']).status == 204, 'logout: with the spent first token')
ok(is_json_error(refresh(t4['refresh_token']), 401), 'logout: the newest of the family died too')

# Another login's family is untouched.
t5 = login().json()
t6 = login().json()
ok(logout(t5['refresh_token']).status == 204, 'logout: one session')
ok(refresh(t6['refresh_token']).status == 200, 'logout: another session goes on')

alice = user_id('alice')
t = now()
claims = {'token_type': 'refresh', 'user_id': alice, 'iat': t, 'exp': t + 600,
          'jti': uuid.uuid4().hex}
r = logout(mint(claims))
ok(r.status == 204, 'logout: signed but unknown token 204', r)
r = logout(mint(dict(claims, iat=t - 100, exp=t - 50)))
ok(r.status == 204, 'logout: expired (signed) token 204', r)
r = logout(mint(claims, key=b'q' * 32))
ok(is_json_error(r, 401, 'Unauthorized'), 'logout: forged token 401', r)
r = logout(t6['access_token'])
ok(is_json_error(r, 401, 'Unauthorized'), 'logout: an access token 401', r)
r = logout(mint(dict(claims, exp=None)))
ok(is_json_error(r, 401), 'logout: exp not a number 401', r)
r = post('/api/logout', {})
ok(r.status == 422 and r.json()['detail'][0]['loc'] == ['body', 'refresh_token'],
   'logout: missing field 422', r)
r = post('/api/logout', b'{', {'Content-Type': 'application/json'})
ok(is_json_error(r, 400), 'logout: not JSON 400', r)
r = request('GET', '/api/logout')
ok(is_json_error(r, 405) and r.header('Allow') == 'POST', 'logout: GET 405', r)
done()
