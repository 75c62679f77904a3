#!/usr/bin/python3
"""Two hosts, one database: the running stack (host A, E2E_PORT) and a
second web server with pools of its own (host B, HOST_B_SERVER on
HOST_B_PORT, under $VAR/host-b) started here against the same MariaDB
and the same config.  Whatever one host learns, the other knows,
because the state lives only in the database.

Environment: E2E_PORT, VAR, BUILD, JWTAUTH_CONFIG, HOST_B_PORT
(E2E_PORT + 1), HOST_B_SERVER (apache-fcgid, or lighttpd when host A
runs Apache).
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'e2e'))
import e2e  # noqa: E402
from e2e import (ok, done, post, request, login, bearer, create_user, admin,  # noqa: E402
                 sql, is_json_error, VAR, ROOT, PORT)

A = PORT
B = int(os.environ.get('HOST_B_PORT', PORT + 1))
CONF = os.environ.get('JWTAUTH_CONFIG') or os.path.join(VAR, 'jwtauth.conf')
try:
    with open(os.path.join(VAR, 'run', 'server')) as fh:
        kind_a = fh.read().strip()
except OSError:
    kind_a = 'lighttpd'
KIND_B = os.environ.get('HOST_B_SERVER') or (
    'lighttpd' if kind_a.startswith('apache') else 'apache-fcgid')
ENV_B = dict(os.environ, VAR=os.path.join(VAR, 'host-b'), PORT=str(B),
             SERVER=KIND_B, JWTAUTH_CONFIG=CONF)


def host_b(cmd):
    return subprocess.run([os.path.join(ROOT, 'scripts', 'stack'), cmd], env=ENV_B,
                          capture_output=True, text=True)


def profile(token, port):
    return request('GET', '/api/profile', headers=bearer(token), port=port)


def refresh(token, port):
    return post('/api/refresh', {'refresh_token': token}, port=port)


r = host_b('web-start')
ok(r.returncode == 0, f'hosts: host B ({KIND_B}, port {B}) up next to host A ({kind_a}, port {A})',
   r.stdout + r.stderr)
try:
    name = 'twohosts-dana'
    create_user(name, 'dana-password-1')

    # A token pair from one host works on the other.
    p = login(name, 'dana-password-1', port=A).json()
    ok(profile(p['access_token'], B).status == 200, 'hosts: an access token from A is good on B')
    q = login(name, 'dana-password-1', port=B).json()
    ok(profile(q['access_token'], A).status == 200, 'hosts: an access token from B is good on A')

    # Rotation is shared: spent on one host is spent on both.
    r = refresh(p['refresh_token'], A)
    ok(r.status == 200, 'hosts: refresh on A 200', r)
    p2 = r.json()
    r = refresh(p['refresh_token'], B)
    ok(is_json_error(r, 401, 'Unauthorized'), 'hosts: the token spent on A is refused on B', r)
    r = refresh(p2['refresh_token'], A)
    ok(is_json_error(r, 401, 'Unauthorized'),
       "hosts: and that reuse on B revoked the family's newest token on A", r)
    r = refresh(q['refresh_token'], B)
    ok(r.status == 200, 'hosts: refresh on B 200 (another family)', r)
    q2 = r.json()
    r = refresh(q['refresh_token'], A)
    ok(is_json_error(r, 401, 'Unauthorized'), 'hosts: the token spent on B is refused on A', r)

    # Logout on one host ends the family on the other.
    m = login(name, 'dana-password-1', port=B).json()
    r = post('/api/logout', {'refresh_token': m['refresh_token']}, port=A)
    if r.status == 404:
        e2e.skip('hosts: logout on A ends the family on B', 'no logout program')
    else:
        ok(r.status == 204, 'hosts: logout on A 204', r)
        r = refresh(m['refresh_token'], B)
        ok(is_json_error(r, 401, 'Unauthorized'), 'hosts: the token logged out on A is refused on B', r)

    # Deactivated through host B's admin tool (its config, the one
    # database): refused on both at once, tokens and logins alike.
    n = login(name, 'dana-password-1', port=A).json()
    d = admin('deactivate', name)
    if d.returncode != 0:   # an admin tool without the command
        sql(f"UPDATE auth_user SET is_active = 0 WHERE username = '{name}'")
    for port, host in ((A, 'A'), (B, 'B')):
        r = profile(n['access_token'], port)
        ok(is_json_error(r, 401, 'Unauthorized'), f'hosts: deactivated: access token refused on {host}', r)
        r = login(name, 'dana-password-1', port=port)
        ok(is_json_error(r, 401, 'Invalid credentials'), f'hosts: deactivated: login refused on {host}', r)
    r = refresh(n['refresh_token'], B)
    ok(is_json_error(r, 401, 'Unauthorized'), 'hosts: deactivated: refresh refused on B', r)
    r = refresh(q2['refresh_token'], A)
    ok(is_json_error(r, 401, 'Unauthorized'), 'hosts: deactivated: refresh refused on A', r)
finally:
    r = host_b('web-stop')
    ok(r.returncode == 0, 'hosts: host B stopped', r.stdout + r.stderr)
    sql("DELETE FROM auth_user WHERE username = 'twohosts-dana'")
done()
