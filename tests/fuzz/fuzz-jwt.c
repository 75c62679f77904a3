/*
 * fuzz-jwt.c: libFuzzer harness for jwt_verify and jwt_sign.
 *
 * The input is verified as a token against a fixed key of each
 * algorithm (HS256, RS256, ES256, EdDSA) and against a set of all four
 * (kid picks), and also signed as a payload with one of them (the
 * first byte chooses) and verified back, by that key and by the set.
 * A token we signed ourselves may be refused only for what its payload
 * says, never for its encoding, header, kid or signature: anything
 * else aborts.
 *
 * jwt_verify always reads the payload with json-c's tree;
 * jwt_verify_claims reads a flat one with its own scanner.  Both feed
 * one claims check, so they must agree: the same verdict and reason,
 * and when both accept, every claim equal.  claims.via must name a
 * reader exactly when the signature held, and the flat reader exactly
 * when no json-c tree came back.
 *
 * Each verify runs twice: the second may take the signature from the
 * cache of verified tokens (lib/vcache.h), and must give the same
 * verdict, reason and claims; a token that passed with an RS256,
 * ES256 or EdDSA key must be a hit the second time, an HS256 one never.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jwt.h"

#define SECRET	"jwtauth-test-secret-0123456789abcdef"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Fixed keys, made with Python's cryptography for the harness. */
static const char pem_rs256[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC266uU0Xz62Y2n\n"
    "uf93mjgPXct1YpkaOb8lUbC4UdU6fJudN9KATfsr9NGulFC1eeE5vbuzGamGicQy\n"
    "fN4eWwVGbN62SaKCGfD4cb8z9lyYeedte4Ha0QxKF7xbAi5E9A320xNcz/RBpX8B\n"
    "EwEiM4qntXI674vFgQHm0IearcIlMoYjD1uIDc2tSeHOmfkClkEeYvZNM7cOH4Tz\n"
    "snxwdBwpugf9Z9acOlZm/hv+bgQs85MSZQWHNwe/aLR4fD+m1TfYiMpY4hl5dcHx\n"
    "QAAjPENbpfnar2kXTkLIx/kCYpc9ps220YbKpWpxfwmMOgvCBZTNpWUtp+BFejjB\n"
    "85sybD6jAgMBAAECggEASqv7P8Wi+P5Nmv5NYQRGRVObRoCpEnEnbDMkaqIRYw5S\n"
    "MkSC/JiY49FNtbBbIDIwdLNVB+B+eWsM+jVKMWcjyKOR6SU3H1g6rBk3Hh3AoAgH\n"
    "pwRntq1nEGoPHLHPtJtShgOVoGpOAmxuY8Bf0pfqztq91nxKeSZYYeKXsNek7Sy4\n"
    "pOThyl61wWaF8NPH7AVzaCYyUhQpw2lqiBc8gkdL4qFKJPL5kg7oVyD+/JGy1H+Z\n"
    "aCWpK6YjrIF0g4+0x2wvlGvP9NUOIx8nxLWQ6XrgzBwPBvpM+UXHvbjwXaFLDmoS\n"
    "qQcdrSSM/+i3/C5rza1CF3x55AfThFxyr0F67l32RQKBgQDxXhGDKt4fhh/6GKLu\n"
    "szZJ8L6z/cjvnVHAEQJvjtCzpaE3xXh5UvBPXHzW2hITan0W1OgTwO9f0Jr6C/0L\n"
    "9PWtGT6KiyT0JAtCjia7CXR6LzdzbI/unc2Ea0Ae6oMliuuVhZ75Fe2KCCtJCqy3\n"
    "jrbog44OzsxJdrlBewuMnT9R5QKBgQDCAodPM6rDWgilNXLUekcp7jMApDO1BRhe\n"
    "Sc78RQ4/YpIhGMrF4NEXuVWD9MCcRQfFGsRR9lxBLmRieL4uSEu1SNQs+cApCjYw\n"
    "yjlEWCW4coUlATFjEFHcZuReD69m6EXFVOVsBC9xVPjePgBxNRnTlhiHpmbkTwUH\n"
    "Vhmnv3Jl5wKBgQCEW1M7HGzF2KT8XjoqrzecAFpzFT30t842hp1RU316pd7sWGsi\n"
    "DKseudbzco3q+8AwnvvMqUYawqfZam2O+vsluuwiyP6wqntKOe1fL2YiAnZj4ypi\n"
    "bUJf1PhKe8sC8VUSnz131eB2ithBq4re9XGzu0BROnGn72TTVYgVyb0JSQKBgGdM\n"
    "z10FhqPzeWz184lc/i0+TlvGEl4NM3do11QNNNPdGS+UMst/s/Vs0jKrjC7otoVl\n"
    "hiiaA28VU4/2+FROXDlPaOH1rTJs5IO/+RQB1zvJhkk4xGIZ22x+QJQwx9UEUboL\n"
    "RQjphZVTiBtVagjdHD5DyhXYLSrdRDEu0AQ4dKH7AoGAFC9GiVDlMWg+7lRUmZV3\n"
    "uOGHFtevcjdV1PgldYVIJFI8TmuiMXnch6iBYbKy7K192U9ijJicDFC1PchUHnNO\n"
    "2w0DQdPr/spSlKCi6cUD3GmKGlIEjlw+0nJq5M2i+pC5sauigAQ1bk/hDHH4JsEH\n"
    "wMRWLr1x+CwN1yOAcesn44s=\n"
    "-----END PRIVATE KEY-----\n"
    ;
static const char pem_es256[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSS0FyP/POI6GsNs/\n"
    "t08dfAX992Es0Fl1rFriHmCdeoChRANCAASpZmwT+4jMJsDhW7klgRYZIReheQOY\n"
    "k6AlEadn3ZRAZ0MU6Le6FrnjGNxHTviDpXqyJ39Ic4AnbI0U/WRw7McL\n"
    "-----END PRIVATE KEY-----\n"
    ;
static const char pem_eddsa[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJBgIaYVSycwn48lEo2k6zwRA0sZFwygXoo5WDxloqGC\n"
    "-----END PRIVATE KEY-----\n"
    ;

#define NKEYS	4

static struct jwt_key	*keys[NKEYS];	/* HS256, RS256, ES256, EdDSA */
static struct jwt_key	*set;		/* HS256 signs, the rest verify */
static struct jwt_key	*key;		/* the one verify() uses */

static const struct jwt_rules rules[] = {
	{ 1700000100, 0, NULL, NULL, NULL, 0 },
	{ 1700000100, 30, "access", "https://auth.example", "api", 0 },
	{ 1700000100, 0, "refresh", NULL, NULL, 1 },
};

/* The refusals that a payload alone can cause. */
static int
payload_reason(const char *why)
{
	static const char *const ok[] = {
		"payload is not valid JSON", "payload is not a JSON object",
		"duplicate member in payload", "wrong token_type", "wrong iss",
		"wrong aud", "exp missing", "exp is not a number", "expired",
		"nbf is not a number", "not yet valid (nbf)",
		"iat is not a number", "issued in the future (iat)",
		"bad user_id", "string claim holds U+0000",
	};
	size_t	 i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (why != NULL && strcmp(why, ok[i]) == 0)
			return 1;
	return 0;
}

static int
same_str(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* jwt_verify_claims must agree with jwt_verify (ct): rc, why, claims. */
static void
fast(const char *tok, size_t len, const struct jwt_rules *r,
    enum svc_err want, const char *want_why, const struct jwt_claims *ct)
{
	struct jwt_claims	 c;
	const char		*why = NULL;
	enum svc_err		 rc;

	rc = jwt_verify_claims(key, tok, len, r, &c, &why);
	if (rc != want)
		abort();
	/* Both readers come after the signature: both or neither ran. */
	if ((c.via == JWT_VIA_NONE) != (ct->via == JWT_VIA_NONE))
		abort();
	if (rc != SVC_OK) {
		if (c.payload != NULL || c.user_id != 0 || c.jti != NULL ||
		    why == NULL || want_why == NULL ||
		    strcmp(why, want_why) != 0)
			abort();
		return;
	}
	if ((c.via == JWT_VIA_FAST) != (c.payload == NULL) ||
	    c.user_id != ct->user_id || c.exp != ct->exp ||
	    c.nbf != ct->nbf || c.iat != ct->iat ||
	    !same_str(c.jti, ct->jti) || !same_str(c.username, ct->username) ||
	    !same_str(c.fp, ct->fp))
		abort();
	jwt_claims_free(&c);
}

/*
 * The same token again: the same verdict, reason and claims, whether
 * the signature came from the cache or not.  A token that passed with
 * an asymmetric key is a hit now; one that hit stays one (a refusal
 * fills nothing); HS* never hits.
 */
static void
again(const char *tok, size_t len, const struct jwt_rules *r,
    enum svc_err want, const char *want_why, const struct jwt_claims *c1)
{
	struct jwt_claims	 c;
	const char		*why = NULL;
	enum svc_err		 rc;
	int			 hit;

	hit = c1->cached || (want == SVC_OK && !jwt_alg_hmac(jwt_key_alg(
	    c1->key)));
	rc = jwt_verify(key, tok, len, r, &c, &why);
	if (rc != want || c.cached != hit || c.via != c1->via)
		abort();
	if (rc != SVC_OK) {
		if (why == NULL || !same_str(why, want_why))
			abort();
		return;
	}
	if (why != NULL || want_why != NULL)
		abort();
	if (c.key != c1->key || c.user_id != c1->user_id ||
	    c.exp != c1->exp || c.nbf != c1->nbf || c.iat != c1->iat ||
	    !same_str(c.jti, c1->jti) || !same_str(c.username, c1->username) ||
	    !same_str(c.fp, c1->fp) || (c.payload == NULL) !=
	    (c1->payload == NULL))
		abort();
	jwt_claims_free(&c);
}

static void
verify(const char *tok, size_t len, const struct jwt_rules *r, int ours)
{
	struct jwt_claims	 c;
	const char		*why = NULL;
	enum svc_err		 rc;

	rc = jwt_verify(key, tok, len, r, &c, &why);
	again(tok, len, r, rc, why, &c);
	fast(tok, len, r, rc, why, &c);
	if (rc == SVC_OK) {
		if (c.payload == NULL || c.via != JWT_VIA_TREE || c.user_id < 1 ||
		    (!r->allow_expired && c.exp <= r->now - r->leeway))
			abort();
		jwt_claims_free(&c);
		return;
	}
	if (rc != SVC_DENIED || why == NULL || c.payload != NULL)
		abort();
	if (ours && !payload_reason(why))
		abort();
}

/* One key of a PEM, or abort. */
static struct jwt_key *
pem_key(const char *pem)
{
	struct jwt_key	*k = NULL;

	if (jwt_key_pem(&k, pem, strlen(pem), NULL) != SVC_OK)
		abort();
	return k;
}

/* The keys, each alone, and the set of all four (its own copies). */
static void
setup(void)
{
	const char	*pems[NKEYS] = { NULL, pem_rs256, pem_es256, pem_eddsa };
	size_t		 i;

	for (i = 0; i < NKEYS; i++) {
		if (i == 0) {
			if (jwt_key_new(&keys[0], JWT_HS256, (const unsigned
			    char *)SECRET, strlen(SECRET)) != SVC_OK ||
			    jwt_key_new(&set, JWT_HS256, (const unsigned
			    char *)SECRET, strlen(SECRET)) != SVC_OK)
				abort();
			continue;
		}
		keys[i] = pem_key(pems[i]);
		if (jwt_key_add(set, pem_key(pems[i])) != SVC_OK)
			abort();
	}
}

/* tok against every rule set, with k. */
static void
verify_all(struct jwt_key *k, const char *tok, size_t len, int ours)
{
	size_t	 i;

	key = k;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		verify(tok, len, &rules[i], ours);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 out[JWT_MAX + 1];
	size_t		 i, n;
	struct jwt_key	*signer;

	if (set == NULL)
		setup();
	for (i = 0; i < NKEYS; i++)
		verify_all(keys[i], (const char *)data, size, 0);
	verify_all(set, (const char *)data, size, 0);

	signer = keys[size > 0 ? data[0] % NKEYS : 0];
	if (jwt_sign(signer, (const char *)data, size, out, sizeof(out),
	    &n) != SVC_OK)
		return 0;
	if (n != strlen(out))
		abort();
	verify_all(signer, out, n, 1);
	verify_all(set, out, n, 1);
	return 0;
}
