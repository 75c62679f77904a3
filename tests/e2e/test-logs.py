#!/usr/bin/python3
"""The request log: one line per request, never a password or token."""
import os
import re
import time

from e2e import ok, done, login, request, bearer, VAR

# The error log of whichever web server runs (scripts/stack links it):
# lighttpd's, or Apache's, where each line carries a prefix of its own.
LOG = os.path.join(VAR, 'log', 'error.log')
if not os.path.exists(LOG):
    LOG = os.path.join(VAR, 'log', 'lighttpd-error.log')
start = os.path.getsize(LOG)   # only this run's lines count
secret_pw = 'log-probe-password-%d' % os.getpid()
pair = login().json()
login('alice', secret_pw)
request('GET', '/api/profile', headers=bearer(pair['access_token']))
time.sleep(0.3)
with open(LOG, errors='replace') as fh:
    fh.seek(start)
    text = fh.read()
ok(secret_pw not in text, 'logs: a wrong password never reaches the log')
ok(pair['access_token'] not in text and pair['refresh_token'] not in text,
   'logs: tokens never reach the log')
ok(pair['access_token'].split('.')[2] not in text, 'logs: not even a signature')
lines = re.findall(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (\w+) status=(\d+) user=(\S+) addr=(\S+) us=(\d+)', text)
ok(any(p == 'login' and s == '401' for p, s, *_ in lines), 'logs: the failed login has its line', lines[-5:])
ok(any(p == 'profile' and s == '200' and u != '-' for p, s, u, *_ in lines),
   'logs: the profile line names the user', lines[-5:])
ok(all(a == '127.0.0.1' for *_, a, _ in lines), 'logs: client address logged')
done()
