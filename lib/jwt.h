/*
 * jwt.h: JWS compact tokens (RFC 7515, RFC 7519) signed with HMAC,
 * made and checked with the rules of RFC 8725.
 */
#ifndef JWT_H
#define JWT_H

#include <stddef.h>

#include "svc.h"

struct json_object;

#define JWT_MAX		8192	/* bytes; longer tokens are refused */
#define JWT_CLAIMS_TEXT	768	/* jwt_verify_claims: room for the strings */

enum jwt_alg {
	JWT_HS256,
	JWT_HS384,
	JWT_HS512,
	JWT_ALG__MAX
};

/* A key with a pre-keyed HMAC context; opaque. */
struct jwt_key;

/* What a verified token must also satisfy. */
struct jwt_rules {
	long long	 now;		/* seconds since the epoch */
	long long	 leeway;	/* seconds of clock skew allowed */
	const char	*token_type;	/* required "token_type", or NULL */
	const char	*issuer;	/* required "iss", or NULL: not checked */
	const char	*audience;	/* required in "aud", or NULL */
	int		 allow_expired;	/* a past exp passes (logout only) */
};

/* Which reader took the claims out of the payload. */
enum jwt_via {
	JWT_VIA_NONE = 0,	/* refused before the payload was read */
	JWT_VIA_FAST,		/* the flat-object scanner, no json-c tree */
	JWT_VIA_TREE,		/* json-c (which also refuses invalid JSON) */
	JWT_VIA__MAX
};

/*
 * What jwt_verify hands back.  Pointers borrow from payload, or, when
 * jwt_verify_claims left payload NULL, from text: so a jwt_claims is
 * never copied, only pointed to.
 */
struct jwt_claims {
	struct json_object *payload;	/* owned; jwt_claims_free puts it */
	long long	 user_id;	/* > 0 */
	long long	 exp;
	long long	 iat;		/* 0 when absent */
	long long	 nbf;		/* 0 when absent */
	const char	*jti;		/* NULL when absent */
	const char	*username;	/* NULL when absent */
	const char	*fp;		/* password fingerprint, NULL if absent */
	char		 text[JWT_CLAIMS_TEXT];	/* jwt_verify_claims */
	enum jwt_via	 via;		/* set on refusals too */
};

/* "HS256" -> JWT_HS256.  SVC_BADINPUT for anything else ("none" too). */
enum svc_err	 jwt_alg_parse(const char *name, enum jwt_alg *alg);
const char	*jwt_alg_name(enum jwt_alg alg);

/*
 * A key for alg from len bytes of secret (copied).  The caller frees
 * *key with jwt_key_free.  On failure *key is NULL.
 */
enum svc_err	 jwt_key_new(struct jwt_key **key, enum jwt_alg alg,
		    const unsigned char *secret, size_t len);
/* Wipes and frees; NULL is safe. */
void		 jwt_key_free(struct jwt_key *key);

/*
 * The raw HMAC of data under key, written to out (outsz >= 64), length
 * in *outlen.  Used for the password fingerprint.
 */
enum svc_err	 jwt_hmac(struct jwt_key *key, const void *data, size_t len,
		    unsigned char *out, size_t outsz, size_t *outlen);

/*
 * Signs payload (len bytes of a JSON object, not checked) into out as
 * header.payload.signature, NUL-terminated; *outlen excludes the NUL.
 * The header is {"alg":"<alg>","typ":"JWT"}.  SVC_TOOBIG when the token
 * would not fit in outsz or exceed JWT_MAX.
 */
enum svc_err	 jwt_sign(struct jwt_key *key, const char *payload, size_t len,
		    char *out, size_t outsz, size_t *outlen);

/*
 * Verifies token (len bytes, need not be NUL-terminated) against key
 * and rules.  On SVC_OK, claims is filled and the caller calls
 * jwt_claims_free.  Otherwise SVC_DENIED (or SVC_NOMEM, or SVC_CRYPTO
 * when OpenSSL fails), claims holds
 * nothing to free (it is zeroed but for via), and *why (if why is not
 * NULL) names the reason in a static string for logs and tests.
 */
enum svc_err	 jwt_verify(struct jwt_key *key, const char *token, size_t len,
		    const struct jwt_rules *rules, struct jwt_claims *claims,
		    const char **why);

/*
 * jwt_verify for callers that need only the fields of claims, not the
 * payload object: the same checks, the same refusals and reasons.  A
 * payload of plain claims (one object of strings, integers and
 * literals, member names and claim strings without escapes) is read by
 * a strict scanner without building a json-c tree; then claims->via is
 * JWT_VIA_FAST, claims->payload is NULL and the strings live in
 * claims->text.  Any other payload takes jwt_verify's path (via
 * JWT_VIA_TREE) and claims->payload is set.  Both readers feed one
 * claims check.  Either way the caller calls jwt_claims_free.
 */
enum svc_err	 jwt_verify_claims(struct jwt_key *key, const char *token,
		    size_t len, const struct jwt_rules *rules,
		    struct jwt_claims *claims, const char **why);

/* Releases what jwt_verify filled; a zeroed claims is safe. */
void		 jwt_claims_free(struct jwt_claims *claims);

#endif /* JWT_H */
