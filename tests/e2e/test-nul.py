#!/usr/bin/python3
"""U+0000 in request strings (issue 13, 1) and repeated member names, over
HTTP.  "\\u0000" is valid JSON: the body parses and the value is judged.
login: 401 after the usual hash, counted as a failure; register: 422 on the
field; refresh and logout: 401, and the token without it is not spent.
A repeated member name is 400 in a body, as in a token (lib/json.h)."""
import json
import os
import time
import urllib.parse

from e2e import ok, done, post, login, is_json_error, sql, create_user

TAG = f'{os.getpid() % 100000}{int(time.time()) % 100000}'
FT = 'jwtauth_login_failure'


def failures():
    """Failed attempts on record: a known user's count under its id, a
    refused name's under a key of its own (lib/account.c)."""
    return int(sql(f"SELECT COUNT(*) FROM {FT} WHERE at > 0")[0])


def forget():
    """The throttle would lock the user out after five failures."""
    sql(f"DELETE FROM {FT}")


def raw(path, text, ctype='application/json'):
    return post(path, text, {'Content-Type': ctype})


user = f'nul-{TAG}'
create_user(user, 'password123')
forget()

# login: every place a NUL can sit is a wrong credential.
cases = [
    ('password with junk after U+0000', user, 'password123\u0000junk'),
    ('password with a trailing U+0000 (a C string would match)', user,
     'password123\u0000'),
    ('username with a trailing U+0000 (the collation ignores it)',
     user + '\u0000', 'password123'),
    ('username with U+0000 inside', user[:2] + '\u0000' + user[2:],
     'password123'),
]
for name, u, p in cases:
    before = failures()
    r = login(u, p)
    ok(is_json_error(r, 401, 'Invalid credentials'), f'login: {name}: 401', r)
    ok(failures() == before + 1,
       f'login: {name}: counted in {FT}', (before, failures()))
forget()
r = post('/api/login', urllib.parse.urlencode(
    {'username': user, 'password': 'password123\u0000'}),
    {'Content-Type': 'application/x-www-form-urlencoded'})
ok(is_json_error(r, 401, 'Invalid credentials'),
   'login: form password%00: 401', r)
ok(failures() == 1, 'login: form password%00: counted', failures())
forget()

# The same work as any refusal: a hash.  Loose (a shared machine): the
# NUL refusal takes at least a third of a wrong password's time.
def best(u, p, n=3):
    t = []
    for _ in range(n):
        start = time.monotonic()
        login(u, p)
        t.append(time.monotonic() - start)
    return min(t)


wrong = best(user, 'not-the-password')
forget()        # three failures each: under the lockout of five
nul = best(user, 'password123\u0000')
ok(nul >= wrong / 3, 'login: a NUL refusal costs a hash like a wrong password',
   (nul, wrong))
forget()
r = login(user, 'password123')
ok(r.status == 200, 'login: the clean credentials still work', r)

# register: 422 on the field that holds it, and no user made.
def reg(username, password='Tr0ub4dor&3-x', email=None):
    return post('/api/register', {'username': username, 'password': password,
                                  'email': email or f'n{TAG}@example.com'})


def items(r):
    d = (r.json() or {}).get('detail')
    return [(tuple(x['loc']), x['type'], x['msg']) for x in d] \
        if isinstance(d, list) else None


NULMSG = 'Null characters are not allowed.'
for field, r in [
        ('username', reg(f'r{TAG}\u0000x')),
        ('password', reg(f'r{TAG}', 'Tr0ub4dor&3-x\u0000')),
        ('email', reg(f'r{TAG}', email=f'r{TAG}@example.com\u0000'))]:
    ok(r.status == 422 and items(r) == [(('body', field), 'value_error', NULMSG)],
       f'register: U+0000 in the {field}: 422 on it', r)
ok(sql(f"SELECT COUNT(*) FROM auth_user WHERE username LIKE 'r{TAG}%'") == ['0'],
   'register: no user made')

# refresh and logout: a token with U+0000 is refused, and not spent.
tok = (login(user, 'password123').json() or {}).get('refresh_token', '')
for suffix in ('\u0000', '\u0000junk'):
    r = post('/api/refresh', {'refresh_token': tok + suffix})
    ok(is_json_error(r, 401), f'refresh: token + {suffix!r}: 401', r)
    r = post('/api/logout', {'refresh_token': tok + suffix})
    ok(is_json_error(r, 401), f'logout: token + {suffix!r}: 401', r)
r = post('/api/refresh', {'refresh_token': tok})
ok(r.status == 200, 'refresh: the clean token was neither spent nor revoked', r)

# A repeated member name: 400, not "the last wins".
body = '{"username": "%s", "password": "wrong", "password": "password123"}' % user
r = raw('/api/login', body)
ok(is_json_error(r, 400, 'Cannot parse request body'),
   'body: a repeated member name is 400', r)
r = raw('/api/login', body.replace('"password": "password123"',
                                   '"\\u0070assword": "password123"'))
ok(is_json_error(r, 400, 'Cannot parse request body'),
   'body: a repeat spelt with an escape is 400', r)
r = raw('/api/login', f'username={user}&password=x&password=password123',
        'application/x-www-form-urlencoded')
ok(is_json_error(r, 400, 'Cannot parse request body'),
   'form: a repeated name is 400', r)
r = raw('/api/register', json.dumps({'username': 'x'})[:-1] +
        ', "email": "a@example.com", "email": "b@example.com"}')
ok(is_json_error(r, 400, 'Cannot parse request body'),
   'register: a repeated member name is 400', r)
r = raw('/api/login', '{"username\\u0000x": "a", "password": "b"}')
ok(is_json_error(r, 400, 'Cannot parse request body'),
   'body: U+0000 in a member name is 400', r)
forget()
done()
