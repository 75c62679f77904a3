#!/usr/bin/python3
"""Django REST framework with SimpleJWT (Debian's 5.2.2) trusts our
tokens: a DRF view behind JWTAuthentication, on our database, set up
with `jwtauth-admin pubkey` (RS256, ES256) or the same secret (HS256),
answers 200 to our access token and 401 to a tampered, a forged or a
refresh token (issue 15, item 7).  Django's test client drives it."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import verifier  # noqa: E402

e2e = verifier.e2e
NAMES = ['our access token: 200, as its user', 'a tampered token: 401',
         'a forged token (another key, our kid): 401', 'our refresh token: 401']


def why_not():
    from rest_framework_simplejwt.backends import ALLOWED_ALGORITHMS
    alg = verifier.wanted_alg()
    if alg not in ALLOWED_ALGORITHMS:
        return f'SimpleJWT has no {alg} (not in its ALLOWED_ALGORITHMS)'
    return verifier.not_ready()


def main():
    alg = verifier.wanted_alg()
    why = why_not()
    if why:
        for n in NAMES:
            e2e.skip(f'SimpleJWT {alg}: {n}', why)
        e2e.done()
    os.environ['DJANGO_SETTINGS_MODULE'] = 'drf.settings'
    import django
    django.setup()
    from django.test import Client
    client = Client()

    def get(token):
        return client.get('/me', HTTP_AUTHORIZATION=f'Bearer {token}')

    r = e2e.login()
    access, refresh = r.json()['access_token'], r.json()['refresh_token']
    mallory = verifier.other_user()
    want = {'id': e2e.user_id('alice'), 'username': 'alice'}
    got = get(access)
    e2e.ok(got.status_code == 200 and got.json() == want,
           f'SimpleJWT {alg}: {NAMES[0]}', f'{got.status_code} {got.content[:300]!r}')
    got = get(verifier.tampered(access, mallory))
    e2e.ok(got.status_code == 401, f'SimpleJWT {alg}: {NAMES[1]}',
           f'{got.status_code} {got.content[:300]!r}')
    got = get(verifier.forged(access))
    e2e.ok(got.status_code == 401, f'SimpleJWT {alg}: {NAMES[2]}',
           f'{got.status_code} {got.content[:300]!r}')
    got = get(refresh)
    e2e.ok(got.status_code == 401, f'SimpleJWT {alg}: {NAMES[3]}',
           f'{got.status_code} {got.content[:300]!r}')
    e2e.done()


if __name__ == '__main__':
    main()
