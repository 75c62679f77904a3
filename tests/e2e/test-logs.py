#!/usr/bin/python3
"""The request log: one line per request, never a password or token.

Each request made here must have exactly one line with its fields: the
time (UTC, within this run), the program, the status the client got,
the user id (or "-"), the client address and the microseconds taken.
"""
import calendar
import os
import re
import time

from e2e import ok, done, login, request, bearer, user_id, VAR

# The error log of whichever web server runs (scripts/stack links it):
# lighttpd's, or Apache's, where each line carries a prefix of its own.
LOG = os.path.join(VAR, 'log', 'error.log')
if not os.path.exists(LOG):
    LOG = os.path.join(VAR, 'log', 'lighttpd-error.log')
# log.h's request line; Apache puts a prefix before it, and apache-cgi
# the script's path after it.
LINE = re.compile(r'(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) (\S+) status=(\d+) '
                  r'user=(\S+) addr=(\S+) us=(\d+)')

start = os.path.getsize(LOG)   # only this run's lines count
secret_pw = 'log-probe-password-%d' % os.getpid()
alice = str(user_id('alice'))
t0 = int(time.time())
good = login()
pair = good.json()
bad = login('alice', secret_pw)
prof = request('GET', '/api/profile', headers=bearer(pair['access_token']))
anon = request('GET', '/api/profile')
t1 = int(time.time()) + 1
# (program, status, user) for each request above.
want = sorted([('login', str(good.status), alice), ('login', str(bad.status), '-'),
               ('profile', str(prof.status), alice),
               ('profile', str(anon.status), '-')])
ok([good.status, bad.status, prof.status, anon.status] == [200, 401, 200, 401],
   'logs: the requests got 200, 401, 200, 401',
   [good.status, bad.status, prof.status, anon.status])

# A worker writes its line as the request ends; the web server may pass
# it on a little later.
deadline = time.monotonic() + 5
while True:
    with open(LOG, errors='replace') as fh:
        fh.seek(start)
        text = fh.read()
    lines = LINE.findall(text)
    if len(lines) >= len(want) or time.monotonic() > deadline:
        break
    time.sleep(0.1)

ok(secret_pw not in text, 'logs: a wrong password never reaches the log')
ok(pair['access_token'] not in text and pair['refresh_token'] not in text,
   'logs: tokens never reach the log')
ok(pair['access_token'].split('.')[2] not in text, 'logs: not even a signature')
ok(pair['refresh_token'].split('.')[-1] not in text,
   'logs: not even the refresh token\'s last part')

ok(len(lines) == len(want), 'logs: one request line per request (%d)' % len(want),
   'got %d:\n%s' % (len(lines), text[-2000:]))
got = sorted((prog, status, user) for _, prog, status, user, _, _ in lines)
ok(got == want, 'logs: program, status and user id of each request',
   'got  %s\nwant %s' % (got, want))


def utc(stamp):
    return calendar.timegm(time.strptime(stamp, '%Y-%m-%dT%H:%M:%SZ'))


ok(lines and all(t0 <= utc(t) <= t1 for t, *_ in lines),
   'logs: each time is UTC and within this run', (t0, t1, lines))
ok(lines and all(a == '127.0.0.1' for *_, a, _ in lines),
   'logs: client address logged', lines)
# Microseconds: a positive count, and less than the run took (a line in
# milliseconds or seconds would be far off one way or the other).
ok(lines and all(0 < int(us) <= (t1 - t0 + 1) * 1000000 for *_, us in lines),
   'logs: microseconds taken, within the run', lines)
# A login hashes (pbkdf2, and a database round trip or three): well
# over a millisecond, so a line in milliseconds would show here.
logins = [int(us) for _, p, s, *_, us in lines if p == 'login' and s == '200']
ok(logins and logins[0] >= 1000, 'logs: a login takes 1000 us or more',
   logins)
done()
