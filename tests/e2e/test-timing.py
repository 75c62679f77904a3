#!/usr/bin/python3
"""Equal timing of failed logins (issue 5, item 4): an unknown user, an
inactive user, a '!' (unusable) hash and a wrong password each cost one
hash of the configured kind, so their median latencies over HTTP agree.

Tolerance: each median within 25 % (or 2 ms, whichever is larger) of
the wrong-password median.  One PBKDF2 hash at the stack's cost is most
of a failed login, so a kind that skipped it would be off by far more
than that, and the test checks that it can tell: a throttled attempt
(which hashes nothing) must fall outside the same tolerance.  The
kinds are interleaved so that drift in the machine's load hits all
alike, and each round deletes the rows its failures left, so that
neither the per-user nor the per-address limit is reached."""
import os
import statistics
import time

from e2e import ok, done, login, create_user, sql

TAG = f'{os.getpid() % 100000}{int(time.time()) % 100000}'
ROUNDS = 30
names = {'wrong password': f'tim-wrong-{TAG}', 'unknown user': f'tim-nobody-{TAG}',
         'inactive user': f'tim-inactive-{TAG}', "'!' hash": f'tim-bang-{TAG}'}
create_user(names['wrong password'], 'timing-pass-1')
create_user(names['inactive user'], 'timing-pass-1', active=False)
create_user(names["'!' hash"], 'timing-pass-1')
sql(f"UPDATE auth_user SET password = '!Xb3kq9WzLr0m1aUQj2Yv4tGs8NcPe5HdO7iFy6T' "
    f"WHERE username = '{names[chr(39) + '!' + chr(39) + ' hash']}'")
in_list = ', '.join(f"'{n}'" for n in names.values())


def clear():
    sql(f"DELETE FROM jwtauth_login_failure WHERE username IN ({in_list})")


def timed(name, password='not-the-password'):
    t = time.perf_counter()
    r = login(name, password)
    return time.perf_counter() - t, r.status


for _ in range(3):      # warm up: connections, statements, both workers
    for n in names.values():
        timed(n)
    clear()
samples = {k: [] for k in names}
statuses = set()
for _ in range(ROUNDS):
    for kind, n in names.items():
        dt, st = timed(n)
        samples[kind].append(dt)
        statuses.add(st)
    clear()
ok(statuses == {401}, 'timing: every attempt was a plain 401', statuses)
med = {k: statistics.median(v) for k, v in samples.items()}
base = med['wrong password']
tol = max(0.25 * base, 0.002)
for kind, m in med.items():
    print(f'# {kind:15} median {m * 1000:7.2f} ms  (min {min(samples[kind]) * 1000:.2f}, '
          f'max {max(samples[kind]) * 1000:.2f})')
for kind in ('unknown user', 'inactive user', "'!' hash"):
    ok(abs(med[kind] - base) <= tol,
       f'timing: {kind} within {tol * 1000:.1f} ms of a wrong password '
       f'({med[kind] * 1000:.2f} vs {base * 1000:.2f} ms)')

# The control: an attempt that costs no hash is visibly faster.
lock = f'tim-locked-{TAG}'
for _ in range(5):
    login(lock, 'x')
locked = [timed(lock)[0] for _ in range(10)]
m = statistics.median(locked)
print(f'# {"throttled":15} median {m * 1000:7.2f} ms (no hash)')
ok(base - m > tol, f'timing: the tolerance would see a missing hash '
   f'({m * 1000:.2f} ms without one vs {base * 1000:.2f} ms)')

sql(f"DELETE FROM jwtauth_login_failure WHERE username IN ({in_list}, '{lock}')")
sql(f"DELETE FROM auth_user WHERE username IN ({in_list})")
done()
