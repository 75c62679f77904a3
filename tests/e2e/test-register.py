#!/usr/bin/python3
"""POST /api/register over HTTP (the stack has [register] enabled = yes),
and as plain CGI with it off (404)."""
import json
import os
import threading
import time

from e2e import (ok, done, post, request, login, is_json_error, sql)
import cgirun

TAG = f'{os.getpid() % 100000}{int(time.time()) % 100000}'


def reg(username, password='Tr0ub4dor&3-x', email=None):
    return post('/api/register', {'username': username, 'password': password,
                                  'email': email or 'new@example.com'})


def locs(r):
    d = (r.json() or {}).get('detail')
    return [tuple(x['loc']) for x in d] if isinstance(d, list) else None


# 201 with the contract's body; the user exists, is active and logs in.
name = f'reg-{TAG}'
r = reg(name, 'Tr0ub4dor&3-x', f'{name}@example.com')
j = r.json() or {}
ok(r.status == 201, 'register: 201', r)
ok((r.header('Content-Type') or '').startswith('application/json'),
   'register: JSON content type', r)
ok(set(j) == {'id', 'username', 'email'} and j.get('username') == name and
   j.get('email') == f'{name}@example.com' and isinstance(j.get('id'), int),
   'register: body {id, username, email}', j)
row = sql(f"SELECT id, is_active, is_staff, is_superuser, password, "
          f"date_joined IS NOT NULL, last_login IS NULL FROM auth_user "
          f"WHERE username = '{name}'")
f = row[0].split('\t') if row else []
ok(f and int(f[0]) == j.get('id'), 'register: the id is the row id', row)
ok(f[1:4] == ['1', '0', '0'], 'register: active, not staff, not superuser', row)
ok(f and f[4].startswith('pbkdf2_sha256$20000$'),
   "register: the password is hashed with the config's policy", row)
ok(f and f[5:] == ['1', '1'], 'register: date_joined set, never logged in', row)
r = login(name, 'Tr0ub4dor&3-x')
ok(r.status == 200, 'register: the new user logs in', r)

# Unicode letters are letters (Django's UnicodeUsernameValidator).
uname = f'zo\u00eb-\u4e2d-{TAG}'
r = reg(uname)
ok(r.status == 201 and (r.json() or {}).get('username') == uname,
   'register: a Unicode username 201', r)

# 409 from the unique index: the same name, a case variant, a race.
r = reg(name)
ok(is_json_error(r, 409, 'Username already taken'), 'register: taken 409', r)
r = reg(name.upper())
ok(is_json_error(r, 409, 'Username already taken'),
   'register: a case variant of a taken name 409 (the collation)', r)
race = f'race-{TAG}'
results = []


def attempt():
    results.append(reg(race).status)


threads = [threading.Thread(target=attempt) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
ok(results.count(201) == 1 and results.count(409) == 7,
   'register: 8 concurrent sign-ups of one name: one 201, seven 409', results)
ok(sql(f"SELECT COUNT(*) FROM auth_user WHERE username = '{race}'") == ['1'],
   'register: the race left one row')

# 422: one item per problem, loc naming the field.
bad = [
    ('username with a space', dict(username='bo b'), [('body', 'username')]),
    ('username with !', dict(username='bob!'), [('body', 'username')]),
    ('empty username', dict(username=''), [('body', 'username')]),
    ('username of 151 characters', dict(username='a' * 151), [('body', 'username')]),
    ('password of 7', dict(password='Tr0ub4d'), [('body', 'password')]),
    ('numeric password', dict(password='8675309123'), [('body', 'password')]),
    ('password like the username', dict(username=f'qwerty{TAG}', password=f'{TAG}qwerty'),
     [('body', 'password')]),
    ('password like the email', dict(email='zanzibar@example.com', password='zanzibar1'),
     [('body', 'password')]),
    ('email without @', dict(email='bob.example.com'), [('body', 'email')]),
    ('email with two @', dict(email='bob@@example.com'), [('body', 'email')]),
    ('email without a dot in the domain', dict(email='bob@localhost'), [('body', 'email')]),
    ('email with a space', dict(email='bo b@example.com'), [('body', 'email')]),
    ('empty email', dict(email=''), [('body', 'email')]),
    ('email of 255 characters', dict(email='a' * 243 + '@example.com'), [('body', 'email')]),
    ('all three', dict(username='a b', password='123', email='x'),
     [('body', 'username'), ('body', 'password'), ('body', 'password'), ('body', 'email')]),
]
for what, fields, want in bad:
    # No digits in the name: a digit password could be like a TAG.
    body = {'username': 'never-stored', 'password': 'Tr0ub4dor&3-x',
            'email': 'new@example.com'}
    body.update(fields)
    r = post('/api/register', body)
    d = (r.json() or {}).get('detail')
    ok(r.status == 422 and locs(r) == want and
       all(x.get('type') and x.get('msg') for x in d),
       f'register: {what} 422', r)
r = reg('a' * (150 - len(TAG)) + TAG)
ok(r.status == 201, 'register: a username of 150 characters 201', r)
ok(sql("SELECT COUNT(*) FROM auth_user WHERE username = 'never-stored'") == ['0'],
   'register: no 422 left a row')
r = post('/api/register', {'username': f'x-{TAG}'})
ok(r.status == 422 and locs(r) == [('body', 'password'), ('body', 'email')] and
   all(x['type'] == 'missing' for x in r.json()['detail']),
   'register: missing fields 422 missing', r)
r = post('/api/register', {'username': 5, 'password': None, 'email': []})
ok(r.status == 422 and all(x['type'] == 'string_type' for x in r.json()['detail']),
   'register: wrong types 422 string_type', r)
r = post('/api/register', '[1]', {'Content-Type': 'application/json'})
ok(r.status == 422, 'register: JSON not an object 422', r)

# 400, 405, 413.
r = post('/api/register', b'{"username": ', {'Content-Type': 'application/json'})
ok(is_json_error(r, 400), 'register: not JSON 400', r)
for m in ('GET', 'PUT', 'DELETE'):
    r = request(m, '/api/register')
    ok(is_json_error(r, 405) and r.header('Allow') == 'POST',
       f'register: {m} 405 Allow: POST', r)
r = post('/api/register', json.dumps({'username': 'x', 'password': 'y' * 17000,
                                      'email': 'a@b.cd'}),
         {'Content-Type': 'application/json'})
ok(is_json_error(r, 413), 'register: body over 16 KiB 413', r)

# Off (the default): 404 for everything, nothing written.
cfg = cgirun.Config('register-off', {'register': {'enabled': 'no'}})
try:
    off = f'off-{TAG}'
    r = cgirun.run('register', cfg, body={'username': off, 'password': 'Tr0ub4dor&3-x',
                                          'email': 'off@example.com'})
    ok(r.status == 404 and r.json() == {'detail': 'Not Found'} and
       (r.header('Content-Type') or '').startswith('application/json'),
       'register off: POST 404 {"detail": "Not Found"}', r)
    r = cgirun.run('register', cfg, method='GET')
    ok(r.status == 404, 'register off: GET 404 too', r)
    ok(sql(f"SELECT COUNT(*) FROM auth_user WHERE username = '{off}'") == ['0'],
       'register off: no row')
    on = cgirun.Config('register-on', {'register': {'enabled': 'yes'}})
    r = cgirun.run('register', on, body={'username': off, 'password': 'Tr0ub4dor&3-x',
                                         'email': 'off@example.com'})
    on.close()
    ok(r.status == 201, 'register as plain CGI, enabled: 201', r)
finally:
    cfg.close()

sql(f"DELETE FROM auth_user WHERE username LIKE '%{TAG}'")
done()
