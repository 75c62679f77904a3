#!/usr/bin/python3
"""`jose` from npm (createRemoteJWKSet + jwtVerify, the version pinned in
package-lock.json) verifies our tokens with the keys of our JWKS URL,
for each asymmetric algorithm, and refuses a tampered and a forged one
(issue 15, item 7).  The verifying is tests/verifiers/jose-verify.mjs."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import verifier  # noqa: E402

e2e = verifier.e2e
ROOT = e2e.ROOT
NAMES = ['our access token verifies, with its claims', 'a tampered token is refused',
         'a forged token (another key, our kid) is refused']


def why_not():
    alg = verifier.wanted_alg()
    if alg not in verifier.ASYMMETRIC:
        return f'{alg} keys are never published in the JWKS (issue 15, item 4)'
    if not os.path.exists(os.path.join(ROOT, 'node_modules', 'jose', 'package.json')):
        return 'node_modules/jose missing: run npm ci'
    return verifier.not_ready()


def main():
    alg = verifier.wanted_alg()
    why = why_not()
    if why:
        for n in NAMES:
            e2e.skip(f'jose {alg}: {n}', why)
        e2e.done()
    access = verifier.access_token()
    mallory = verifier.other_user()
    url = f'http://{e2e.HOST}:{e2e.PORT}/api/.well-known/jwks.json'
    r = verifier.run(['node', os.path.join(HERE, 'jose-verify.mjs'), url, alg,
                      access, verifier.tampered(access, mallory),
                      verifier.forged(access)], timeout=60)
    out = [json.loads(line) for line in r.stdout.splitlines() if line.startswith('{')]
    if r.returncode != 0 or len(out) != 3:
        e2e.ok(False, f'jose {alg}: jose-verify.mjs ran', r.stdout + r.stderr)
        e2e.done()
    good, bad, fake = out
    _, claims, _ = verifier.parts(access)
    e2e.ok(good.get('ok') and good['payload'] == claims and good['header']['alg'] == alg,
           f'jose {alg}: {NAMES[0]}', good)
    e2e.ok(bad.get('ok') is False and bad.get('code') == 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
           f'jose {alg}: {NAMES[1]}', bad)
    e2e.ok(fake.get('ok') is False and fake.get('code') == 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
           f'jose {alg}: {NAMES[2]}', fake)
    e2e.done()


if __name__ == '__main__':
    main()
