/*
 * fuzz-jwt.c: libFuzzer harness for jwt_verify and jwt_sign.
 *
 * The input is verified as a token against a fixed key, and also
 * signed as a payload and verified back.  A token we signed ourselves
 * may be refused only for what its payload says, never for its
 * encoding, header or signature: anything else aborts.
 *
 * jwt_verify always reads the payload with json-c's tree;
 * jwt_verify_claims reads a flat one with its own scanner.  Both feed
 * one claims check, so they must agree: the same verdict and reason,
 * and when both accept, every claim equal.  claims.via must name a
 * reader exactly when the signature held, and the flat reader exactly
 * when no json-c tree came back.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jwt.h"

#define SECRET	"jwtauth-test-secret-0123456789abcdef"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct jwt_key	*key;

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

static void
verify(const char *tok, size_t len, const struct jwt_rules *r, int ours)
{
	struct jwt_claims	 c;
	const char		*why = NULL;
	enum svc_err		 rc;

	rc = jwt_verify(key, tok, len, r, &c, &why);
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 out[JWT_MAX + 1];
	size_t		 i, n;

	if (key == NULL && jwt_key_new(&key, JWT_HS256,
	    (const unsigned char *)SECRET, strlen(SECRET)) != SVC_OK)
		abort();

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		verify((const char *)data, size, &rules[i], 0);

	if (jwt_sign(key, (const char *)data, size, out, sizeof(out),
	    &n) != SVC_OK)
		return 0;
	if (n != strlen(out))
		abort();
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		verify(out, n, &rules[i], 1);
	return 0;
}
