/*
 * jwt.h: JWS compact tokens (RFC 7515, RFC 7519) signed with HMAC,
 * RSA (RS256), ECDSA P-256 (ES256) or Ed25519 (EdDSA), made and checked
 * with the rules of RFC 8725, each key named by a kid.
 */
#ifndef JWT_H
#define JWT_H

#include <stddef.h>

#include "svc.h"
#include "vcache.h"

struct json_object;

#define JWT_MAX		8192	/* bytes; longer tokens are refused */
#define JWT_CLAIMS_TEXT	768	/* jwt_verify_claims: room for the strings */
#define JWT_KID_MAX	48	/* bytes of a kid with its NUL */
#define JWT_KEYS_MAX	24	/* keys in one set: 1 + 2 * CFG_KEYS_MAX fit */

enum jwt_alg {
	JWT_HS256,
	JWT_HS384,
	JWT_HS512,
	JWT_RS256,	/* RSASSA-PKCS1-v1_5 SHA-256, RSA >= 2048 bits */
	JWT_ES256,	/* ECDSA P-256 SHA-256, signature r||s */
	JWT_EDDSA,	/* Ed25519 (RFC 8037) */
	JWT_ALG__MAX
};

/*
 * A key (a pre-keyed HMAC context, or an OpenSSL EVP_PKEY loaded once),
 * and the head of a key set: the first key signs, the keys added with
 * jwt_key_add only verify.  Opaque.
 */
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
	struct jwt_key	*key;		/* which key of the set verified:
				   borrowed from it, not freed */
	char		 text[JWT_CLAIMS_TEXT];	/* jwt_verify_claims */
	enum jwt_via	 via;		/* set on refusals too */
	int		 cached;	/* 1: the signature was skipped, the
					   token being in the set's cache
					   of verified ones; set on
					   refusals too */
};

/* "HS256" -> JWT_HS256.  SVC_BADINPUT for anything else ("none" too). */
enum svc_err	 jwt_alg_parse(const char *name, enum jwt_alg *alg);
const char	*jwt_alg_name(enum jwt_alg alg);

/* 1 for HS256, HS384 and HS512, whose key is a shared secret. */
int		 jwt_alg_hmac(enum jwt_alg alg);

/*
 * A key for alg from len bytes of secret (copied).  The caller frees
 * *key with jwt_key_free.  On failure *key is NULL.
 */
enum svc_err	 jwt_key_new(struct jwt_key **key, enum jwt_alg alg,
		    const unsigned char *secret, size_t len);
/*
 * A key from a PEM text (len bytes): a private key (PKCS#8 or the
 * traditional forms) or a public one (SubjectPublicKeyInfo).  Its type
 * gives its algorithm: RSA of 2048 to 8192 bits RS256, EC P-256 ES256,
 * Ed25519 EdDSA; anything else (an encrypted PEM too) is SVC_BADINPUT,
 * with a static reason in *why.  The caller frees *key with
 * jwt_key_free.  On failure *key is NULL.
 */
enum svc_err	 jwt_key_pem(struct jwt_key **key, const char *pem,
		    size_t len, const char **why);

/*
 * A new private key for alg (RS256: 2048 bits; ES256; EdDSA) as a
 * PKCS#8 PEM in *pem (*len bytes, NUL-terminated); the caller wipes
 * and frees it.  SVC_BADINPUT for an HMAC alg.
 */
enum svc_err	 jwt_keygen(enum jwt_alg alg, char **pem, size_t *len);

/* key's public half as a PEM (SubjectPublicKeyInfo); caller frees. */
enum svc_err	 jwt_key_public_pem(const struct jwt_key *key, char **pem,
		    size_t *len);

enum jwt_alg	 jwt_key_alg(const struct jwt_key *key);
/* 1 when key can sign: a secret or a private key. */
int		 jwt_key_private(const struct jwt_key *key);
/*
 * The key's kid: the RFC 7638 JWK thumbprint (SHA-256, base64url) of
 * a public key; for a secret, 16 base64url characters of HMAC(secret,
 * "jwtauth-kid"), from which nothing about the secret can be learnt.
 */
const char	*jwt_key_kid(const struct jwt_key *key);

/*
 * Adds other to the set headed by set, to verify only; the set owns it
 * on SVC_OK and frees it with set.  SVC_BADINPUT when the set already
 * holds a key of that kid (or is full): other stays the caller's.
 */
enum svc_err	 jwt_key_add(struct jwt_key *set, struct jwt_key *other);

/*
 * The JSON Web Key Set (RFC 7517 section 5) of every asymmetric key of
 * set, public members only, as {"keys":[...]} in *json (caller frees).
 */
enum svc_err	 jwt_jwks(const struct jwt_key *set, char **json, size_t *len);

/*
 * The counters of the cache of verified asymmetric signatures that the
 * set headed by set keeps (see jwt_verify); all zero before its first
 * use.  jwt_key_add empties it.
 */
void		 jwt_cache_stats(const struct jwt_key *set,
		    struct vcache_stats *st);
/* Empties that cache (bench/micro times a miss with it). */
void		 jwt_cache_clear(struct jwt_key *set);

/* Wipes and frees the key and the keys added to it; NULL is safe. */
void		 jwt_key_free(struct jwt_key *key);

/*
 * The raw HMAC of data under key, written to out (outsz >= 64), length
 * in *outlen.  Used for the password fingerprint.  SVC_BADINPUT for a
 * key that is no secret.
 */
enum svc_err	 jwt_hmac(struct jwt_key *key, const void *data, size_t len,
		    unsigned char *out, size_t outsz, size_t *outlen);

/*
 * Signs payload (len bytes of a JSON object, not checked) into out as
 * header.payload.signature, NUL-terminated; *outlen excludes the NUL.
 * The header is {"alg":"<alg>","kid":"<kid>","typ":"JWT"}, members in
 * PyJWT's (sorted) order.  SVC_TOOBIG when the token would not fit in
 * outsz or exceed JWT_MAX; SVC_BADINPUT for a public key.
 */
enum svc_err	 jwt_sign(struct jwt_key *key, const char *payload, size_t len,
		    char *out, size_t outsz, size_t *outlen);

/*
 * Verifies token (len bytes, need not be NUL-terminated) against the
 * key set headed by key and rules.  The token's kid picks the key among
 * the set's only; a token without kid is read with the one key of a
 * set of one, and refused by a set of several.  Its alg must be that
 * key's; jwk, jku, x5u, x5c and crit headers are refused.  On SVC_OK,
 * claims is filled, *why (if why is not NULL) is NULL, and the caller
 * calls jwt_claims_free.  Otherwise SVC_DENIED (or SVC_NOMEM, or
 * SVC_CRYPTO when OpenSSL fails), claims holds nothing to free (it is
 * zeroed but for via and cached), and *why (if why is not NULL) names
 * the reason in a static string for logs and tests.
 *
 * A token that passed with an RS256, ES256 or EdDSA key of the set is
 * remembered (lib/vcache.h: the SHA-256 of its bytes, the key, its
 * exp), and the same bytes later skip the signature step only, with
 * claims->cached set: the header rules, the payload and every claim
 * are checked again each time.  HS* tokens never use the cache.
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
