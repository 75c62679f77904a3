#!/usr/bin/python3
"""The database stopped, then started again, under the running workers."""
import time

from e2e import (ok, done, post, request, login, bearer, is_json_error, stack)

pair = login().json()
ok(request('GET', '/api/profile', headers=bearer(pair['access_token'])).status == 200,
   'outage: profile 200 before')

stack('db-stop')
try:
    for name, call in (
            ('login', lambda: login()),
            ('profile', lambda: request('GET', '/api/profile',
                                        headers=bearer(pair['access_token']))),
            ('refresh', lambda: post('/api/refresh',
                                     {'refresh_token': pair['refresh_token']}))):
        # Every worker of the pool meets the outage in turn.
        for i in range(3):
            t0 = time.monotonic()
            r = call()
            dt = time.monotonic() - t0
            ok(is_json_error(r, 503, 'Service unavailable'),
               f'outage: {name} #{i + 1} gets 503 JSON', r)
            ok(dt < 2.5, f'outage: {name} #{i + 1} answered within the connect timeout ({dt:.2f} s)')
finally:
    stack('db-start')

t0 = time.monotonic()
statuses = []
while time.monotonic() - t0 < 5:
    r = request('GET', '/api/profile', headers=bearer(pair['access_token']))
    statuses.append(r.status)
    if r.status == 200:
        break
    time.sleep(0.05)
ok(statuses[-1] == 200, f'outage: profile 200 again after restart ({time.monotonic() - t0:.2f} s)', statuses)
for i in range(4):
    r = request('GET', '/api/profile', headers=bearer(pair['access_token']))
    ok(r.status == 200, f'outage: every worker serves again ({i + 1})', r)
r = login()
ok(r.status == 200, 'outage: login 200 again', r)
r = post('/api/refresh', {'refresh_token': r.json()['refresh_token']})
ok(r.status == 200, 'outage: refresh 200 again', r)

done()
