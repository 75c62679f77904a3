#!/usr/bin/python3
"""The refresh-token table stays bounded: expired rows are purged a few
at a time during refreshes, without a cron job."""
from e2e import ok, done, post, login, sql, now

t = now()
N = 2000
alice = int(sql("SELECT id FROM auth_user WHERE username = 'alice'")[0])
# Many issued tokens that have since expired (their rows as we write them).
sql("INSERT INTO jwtauth_refresh_token (jti, family, user_id, issued_at, expires_at) "
    f"SELECT MD5(CONCAT('purge-test', seq, {t})), MD5(CONCAT('f', seq, {t})), {alice}, "
    f"{t} - 700000, {t} - 100 FROM seq_1_to_{N}")
expired = lambda: int(sql(f"SELECT COUNT(*) FROM jwtauth_refresh_token WHERE expires_at <= {now()}")[0])
before = expired()
ok(before >= N, f'purge: {before} expired rows to start with')

tok = login().json()['refresh_token']
counts = []
for i in range(64):
    r = post('/api/refresh', {'refresh_token': tok})
    if r.status != 200:
        break
    tok = r.json()['refresh_token']
    counts.append(expired())
ok(len(counts) == 64, 'purge: 64 refreshes in a chain all succeed')
ok(counts and counts[-1] < before, f'purge: expired rows fell from {before} to {counts[-1] if counts else "?"}')
# A worker purges 64 rows on one rotation in 4, counting from a random
# start: a FastCGI pool of 2 purges at least 64 / 4 - 2 = 14 times in
# 64 refreshes, and plain CGI (one rotation per process) on average 16
# times, fewer than 5 with a chance under 1 in 4000.  So: >= 5 * 64.
ok(counts and before - counts[-1] >= 320, f'purge: at least 320 removed ({before - counts[-1] if counts else 0})')
# Unexpired rows (the live chain) are never purged.
r = post('/api/refresh', {'refresh_token': tok})
ok(r.status == 200, 'purge: the live token still refreshes', r)
# 200 more refreshes purge about 50 * 64 rows: all of them.
more = 0
while expired() > 0 and more < 200 and r.status == 200:
    r = post('/api/refresh', {'refresh_token': r.json()['refresh_token']})
    more += 1
ok(expired() == 0, f'purge: no expired row left after {more} more refreshes ({expired()} left)')
done()
