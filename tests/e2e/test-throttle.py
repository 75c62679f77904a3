#!/usr/bin/python3
"""Login throttling over HTTP (per user, shared by every worker
through the database), per address and through trusted proxies as
plain CGI with a config of low limits, the database round trips
of each login path (MariaDB's Com_stmt_execute), look-alike names
sharing a user's lockout, and 16 concurrent guesses (issue 13, 4)."""
import os
import threading
import time

from e2e import ok, done, login, is_json_error, create_user, sql
import cgirun

TAG = f'{os.getpid() % 100000}{int(time.time()) % 100000}'
PW = 'thr-password-1'
FT = 'jwtauth_login_failure'


def key(name):
    """The rows of name: a known user's by its id, else by the name."""
    return (f"(user_id = (SELECT id FROM auth_user WHERE username = '{name}') "
            f"OR (user_id = 0 AND username = '{name}'))")


def live(name):
    """Failures of name in the window (900 s, the stack's default)."""
    return int(sql(f"SELECT COUNT(*) FROM {FT} WHERE {key(name)} "
                   f"AND at > UNIX_TIMESTAMP() - 900")[0])


def too_many(r):
    ra = r.header('Retry-After') or ''
    return (is_json_error(r, 429, 'Too many attempts') and ra.isdigit() and
            1 <= int(ra) <= 900)


# Per username: five failures, then 429 even for the right password.
user = f'thr-{TAG}'
create_user(user, PW)
for i in range(5):
    r = login(user, 'wrong')
    ok(is_json_error(r, 401, 'Invalid credentials'), f'throttle: failure {i + 1} is 401', r)
ok(live(user) == 5, 'throttle: five rows, whichever worker served them')
r = login(user, 'wrong')
ok(too_many(r), 'throttle: the sixth attempt 429 with Retry-After', r)
r = login(user, PW)
ok(too_many(r), 'throttle: the right password during the lock 429 too', r)
ok(live(user) == 5, 'throttle: attempts during the lock are not recorded')
ok(sql(f"SELECT last_login IS NULL FROM auth_user WHERE username = '{user}'") == ['1'],
   'throttle: a locked login does not log in')
r = login(user.upper(), PW)
ok(too_many(r), 'throttle: a case variant of the name is locked too', r)

# The window passes (the rows are aged): the right password works and
# resets the count.
sql(f"UPDATE {FT} SET at = at - 880 WHERE {key(user)}")
r = login(user, 'wrong')
ra = r.header('Retry-After') or '0'
ok(r.status == 429 and 1 <= int(ra) <= 20, 'throttle: Retry-After counts down with the window', r)
sql(f"UPDATE {FT} SET at = at - 30 WHERE {key(user)}")
r = login(user, PW)
ok(r.status == 200, 'throttle: after the window, the right password 200', r)
ok(live(user) == 0, 'throttle: no failures of the user left in the window')

# A success resets the count: 4 failures, a success, 4 failures: no 429.
for i in range(4):
    login(user, 'wrong')
ok(live(user) == 4, 'throttle: four failures')
r = login(user, PW)
ok(r.status == 200, 'throttle: the fifth attempt is right: 200', r)
ok(live(user) == 0, 'throttle: the success reset the count')
codes = [login(user, 'wrong').status for _ in range(4)]
ok(codes == [401] * 4, 'throttle: four more failures are 401 again', codes)
r = login(user, PW)
ok(r.status == 200, 'throttle: and the right password 200', r)

# An unknown username is throttled like a known one.
ghost = f'ghost-{TAG}'
codes = [login(ghost, 'x').status for _ in range(6)]
ok(codes == [401] * 5 + [429], 'throttle: an unknown user: five 401, then 429', codes)

# Round trips per path: MariaDB's prepared-statement executions.
def executes():
    rows = sql("SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'")
    return int(rows[0].split('\t')[1])


def trips(fn, n=4):
    seen = []
    for _ in range(n):
        before = executes()
        fn()
        seen.append(executes() - before)
    return seen


rt_user = f'rt-{TAG}'
create_user(rt_user, PW)
login(rt_user, PW)
s = trips(lambda: login(rt_user, PW))
ok(set(s) == {4}, 'round trips: a success is 4 (lookup, claim INSERT, UPDATE, '
   'refresh INSERT)', s)
f = trips(lambda: login(f'rt-nobody-{TAG}', 'x'), 3)
ok(min(f) == 2 and max(f) <= 3,
   'round trips: a failure is 2 (lookup, claim INSERT), 3 with a purge', f)
login(rt_user, 'wrong')
login(rt_user, 'wrong')
s = trips(lambda: login(rt_user, PW), 1)
ok(s == [4] and live(rt_user) == 0,
   'round trips: a success after failures is 4 (the reset rides on the UPDATE)', s)
for _ in range(5):
    login(f'rt-nobody-{TAG}', 'x')
t = trips(lambda: login(f'rt-nobody-{TAG}', 'x'), 2)
ok(t == [1, 1], 'round trips: a throttled attempt is 1 (and no hash)', t)

# Look-alike spellings share the user's lockout (issue 13, 4): locked
# out, its right password never answers 200 under any of them.
look = f'look-{TAG}'
create_user(look, PW)
for i, spelling in enumerate([look.upper(), look + ' ', look.upper() + '  ',
                              look + ' ', look.capitalize()]):
    r = login(spelling, 'wrong')
    ok(r.status == 401, f'look-alike: failure {i + 1} under {spelling!r} is 401', r)
ok(live(look) == 5, 'look-alike: the five failures are counted as the user')
r = login(look, PW)
ok(too_many(r), 'look-alike: failures under case and space variants lock the user', r)
for what, spelling in [('upper case', look.upper()), ('a trailing space', look + ' '),
                       ('U+0001', look[:2] + '\u0001' + look[2:]),
                       ('U+00AD', look[:2] + '\u00ad' + look[2:]),
                       ('U+200B', look[:2] + '\u200b' + look[2:]),
                       ('a padded 151-character name', look.ljust(151)),
                       ('a padded 151-character name in upper case',
                        look.upper().ljust(151))]:
    r = login(spelling, PW)
    ok(r.status in (401, 429), f'look-alike: locked out, {what} never 200', r)
sql(f"UPDATE {FT} SET at = 0 WHERE {key(look)}")
for what, spelling in [('U+0001', look[:2] + '\u0001' + look[2:]),
                       ('U+00AD', look[:2] + '\u00ad' + look[2:]),
                       ('U+200B', look[:2] + '\u200b' + look[2:]),
                       ('a padded 151-character name', look.ljust(151))]:
    r = login(spelling, PW)
    ok(r.status == 401, f'look-alike: unlocked, {what} is refused (401)', r)
sql(f"UPDATE {FT} SET at = 0 WHERE {key(look)}")
r = login(look.upper() + ' ', PW)
ok(r.status == 200, 'look-alike: unlocked, a case and space variant logs in (Django)', r)

# Per address, and trusted proxies: plain CGI with low limits.
cfg = cgirun.Config('throttle', {'login': {
    'max_failures_per_user': '1000', 'max_failures_per_address': '3',
    'trusted_proxies': '127.0.0.1, 10.0.0.0/8'}})
try:
    def cgi_login(name, pw, addr, xff=None):
        env = {'REMOTE_ADDR': addr}
        if xff is not None:
            env['HTTP_X_FORWARDED_FOR'] = xff
        return cgirun.run('login', cfg, body={'username': name, 'password': pw}, env=env)

    a1 = '192.0.2.77'
    codes = [cgi_login(f'addr-{TAG}-{i}', 'x', a1).status for i in range(4)]
    ok(codes == [401, 401, 401, 429],
       'throttle: per address: three failures of three names, then 429', codes)
    r = cgi_login(user, PW, a1)
    ok(r.status == 429 and (r.header('Retry-After') or '').isdigit(),
       'throttle: the locked address 429 even for a right password', r)
    r = cgi_login(user, PW, '192.0.2.78')
    ok(r.status == 200, 'throttle: another address is not locked', r)
    # Behind a trusted proxy: the header's right-most untrusted hop.
    r = cgi_login(f'px-{TAG}', 'x', '127.0.0.1', '6.6.6.6, 198.51.100.9, 10.0.0.2')
    rows = sql(f"SELECT address FROM {FT} WHERE username = 'px-{TAG}'")
    ok(r.status == 401 and rows == ['198.51.100.9'],
       'throttle: behind trusted proxies, the first untrusted hop from the right', rows)
    codes = [cgi_login(f'px-{TAG}-{i}', 'x', '10.1.1.1', a1).status for i in range(1)]
    ok(codes == [429], 'throttle: a locked client behind a proxy is still locked', codes)
    # From an untrusted peer the header is ignored.
    r = cgi_login(f'spoof-{TAG}', 'x', '203.0.113.4', '192.0.2.200')
    rows = sql(f"SELECT address FROM {FT} WHERE username = 'spoof-{TAG}'")
    ok(rows == ['203.0.113.4'], "throttle: an untrusted peer's header is ignored", rows)
    r = cgi_login(f'v6-{TAG}', 'x', '2001:db8:5:6:7:8:9:a')
    rows = sql(f"SELECT address FROM {FT} WHERE username = 'v6-{TAG}'")
    ok(rows == ['2001:db8:5:6::/64'], 'throttle: IPv6 clients count per /64', rows)
finally:
    cfg.close()

# Registrations count against the per-address limit (each costs a full
# hash): with a limit of 2, the third from one address is 429.
cfg = cgirun.Config('register', {'login': {'max_failures_per_address': '2'},
                                 'register': {'enabled': 'yes'}})
try:
    codes = []
    for i in range(3):
        r = cgirun.run('register', cfg, body={
            'username': f'reg-{TAG}-{i}', 'password': 'a-long-password-9',
            'email': f'reg-{TAG}-{i}@example.com'}, env={'REMOTE_ADDR': '192.0.2.160'})
        codes.append(r.status)
    ok(codes == [201, 201, 429], 'register: two registrations, then 429 for the address',
       codes)
    ok(r.status == 429 and (r.header('Retry-After') or '').isdigit(),
       'register: the 429 has a Retry-After', r)
    ok(sql(f"SELECT COUNT(*) FROM auth_user WHERE username = 'reg-{TAG}-2'") == ['0'],
       'register: the refused one was not created')
    r = cgirun.run('login', cfg, body={'username': f'reg-{TAG}-0', 'password': 'x'},
                   env={'REMOTE_ADDR': '192.0.2.160'})
    ok(r.status == 429, 'register: the registrations count for logins from there too', r)
finally:
    cfg.close()
    sql(f"DELETE FROM auth_user WHERE username LIKE 'reg-{TAG}-%'")

# 16 concurrent wrong passwords for one user, as plain CGI: 16 processes
# at once, so at least 4 workers (the stack's pools have 2 each).  Each
# attempt is recorded before it is hashed, so no more than the limit
# (5) are checked; the others are refused unhashed (429).
conc = f'conc-{TAG}'
create_user(conc, PW)
cfg = cgirun.Config('concurrent', {'login': {'max_failures_per_address': '1000'}})
try:
    codes = []
    gate = threading.Barrier(16)

    def guess(i):
        gate.wait()
        r = cgirun.run('login', cfg, body={'username': conc, 'password': f'guess-{i}'},
                       env={'REMOTE_ADDR': f'192.0.2.{100 + i}'})
        codes.append(r.status)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    checked = codes.count(401)
    ok(len(codes) == 16 and set(codes) <= {401, 429} and 1 <= checked <= 5,
       f'concurrency: 16 concurrent guesses, {checked} checked (at most 5)',
       sorted(codes))
    ok(live(conc) == checked, 'concurrency: one row per checked guess', live(conc))
    codes = [cgirun.run('login', cfg, body={'username': conc, 'password': 'g'},
                        env={'REMOTE_ADDR': '192.0.2.99'}).status for _ in range(6)]
    ok(codes.count(401) == 5 - checked and live(conc) == 5,
       'concurrency: then sequential guesses up to 5 in all', codes)

    # Concurrent right passwords (several tabs, a retrying client): each
    # loser of a turn claims the next one, so every one gets in while
    # fewer are in flight than the limit (5); attempts in flight count
    # as failures until they are judged, so more would meet a 429.
    both = f'both-{TAG}'
    create_user(both, PW)
    codes = []
    gate = threading.Barrier(4)

    def right(i):
        gate.wait()
        r = cgirun.run('login', cfg, body={'username': both, 'password': PW},
                       env={'REMOTE_ADDR': f'192.0.2.{50 + i}'})
        codes.append(r.status)

    threads = [threading.Thread(target=right, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok(codes == [200] * 4, 'concurrency: 4 concurrent right passwords all 200',
       sorted(codes))
    ok(live(both) == 0, 'concurrency: and no failure left on record', live(both))
finally:
    cfg.close()

sql(f"DELETE FROM {FT} WHERE username LIKE '%{TAG}%' OR {key(user)} OR {key(rt_user)} "
    f"OR {key(look)} OR {key(conc)} OR {key(f'both-{TAG}')} OR address LIKE '192.0.2.%' OR address IN "
    f"('192.0.2.77', '192.0.2.78', '198.51.100.9', '203.0.113.4', '2001:db8:5:6::/64')")
sql(f"DELETE FROM auth_user WHERE username IN ('{user}', '{rt_user}', '{look}', '{conc}', "
    f"'both-{TAG}')")
done()
