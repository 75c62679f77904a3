/*
 * jwt.c: JWS compact tokens (RFC 7515) signed with HMAC (RFC 7518
 * section 3.2), RSA PKCS#1 v1.5 (3.3), ECDSA P-256 (3.4) or Ed25519
 * (RFC 8037), carrying JWT claims (RFC 7519), checked by the rules of
 * RFC 8725.
 *
 * An HMAC key holds a context keyed once; each sign or verify only
 * re-initialises it.  An asymmetric key holds its EVP_PKEY, loaded
 * once, and one EVP_MD_CTX reset per call.  Because of those contexts
 * (and the JSON tokener kept next to them) a key set serves one thread
 * at a time.
 */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>

#include "b64.h"
#include "json.h"
#include "jwt.h"
#include "vcache.h"

#define JWT_MACMAX	64			/* SHA-512 */
#define JWT_SIGMAX	1024			/* RSA 8192 bits */
#define JWT_SEGMAX	B64_DECLEN(JWT_MAX)	/* decoded segment bound */
#define JWT_HDRMAX	160			/* encoded fixed header */
#define JWT_RSA_MIN	2048			/* bits; RFC 7518 3.3 */
#define JWT_RSA_MAX	8192			/* bits; larger is only slow */
#define JWT_EC_LEN	32			/* P-256: bytes of r, s, x, y */
#define JWT_JWKVAL	(B64_ENCLEN(JWT_RSA_MAX / 8) + 1)

enum jwt_family {
	JWT_F_HMAC,
	JWT_F_RSA,
	JWT_F_EC,
	JWT_F_OKP,
	JWT_F__MAX
};

struct jwt_key {
	enum jwt_alg		 alg;
	size_t			 maclen;	/* MAC or signature bytes */
	EVP_MAC_CTX		*ctx;		/* HMAC: keyed in jwt_key_new */
	EVP_PKEY		*pkey;		/* the others */
	EVP_MD_CTX		*md;		/* reset by each sign or verify */
	int			 priv;		/* can sign */
	struct json_tokener	*tok;		/* reused by each verify */
	char			 hdr[JWT_HDRMAX];	/* base64url, with kid */
	size_t			 hdrlen;
	char			 hdr0[JWT_HDRMAX];	/* without kid (PyJWT's) */
	size_t			 hdr0len;
	char			 kid[JWT_KID_MAX];
	struct jwt_key		*next;		/* verify-only keys of a set */
	struct vcache		*vc;		/* the head's: made by the first
						   asymmetric verify, freed
						   with the set */
};

/* One piece of header.payload.signature, borrowed from the token. */
struct jwt_seg {
	const char	*p;
	size_t		 n;
};

static const struct jwt_algdef {
	const char	*name;		/* RFC 7518 section 3.1 "alg" */
	const char	*digest;	/* OpenSSL digest name, NULL: none */
	size_t		 maclen;	/* HMAC: its size */
	enum jwt_family	 family;
} jwt_algs[JWT_ALG__MAX] = {
	[JWT_HS256] = { "HS256", "SHA256", 32, JWT_F_HMAC },
	[JWT_HS384] = { "HS384", "SHA384", 48, JWT_F_HMAC },
	[JWT_HS512] = { "HS512", "SHA512", 64, JWT_F_HMAC },
	[JWT_RS256] = { "RS256", "SHA256", 0, JWT_F_RSA },
	[JWT_ES256] = { "ES256", "SHA256", 2 * JWT_EC_LEN, JWT_F_EC },
	[JWT_EDDSA] = { "EdDSA", NULL, 64, JWT_F_OKP },
};

/*
 * The order n of P-256 (SEC 2, 2.4.2), big-endian.  ECDSA r and s lie
 * in 1..n-1: a verifier that skips this check accepts r = s = 0 for
 * any message (CVE-2022-21449, Java's "psychic signatures").
 */
static const unsigned char jwt_p256_n[JWT_EC_LEN] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

/*
 * The HMAC and SHA-256 implementations, fetched once per process: a
 * fetch walks the provider tables and takes locks, too slow to repeat
 * per key or call (and EVP_sha256() would fetch on each init).
 */
static pthread_once_t	 jwt_mac_once = PTHREAD_ONCE_INIT;
static EVP_MAC		*jwt_mac;
static EVP_MD		*jwt_sha256;

static void
jwt_mac_fetch(void)
{
	jwt_mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	jwt_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static int
jwt_fetch(void)
{
	return pthread_once(&jwt_mac_once, jwt_mac_fetch) == 0 &&
	    jwt_mac != NULL && jwt_sha256 != NULL ? 0 : -1;
}

/* ---------------------------------------------------------------- */
/* Algorithms and keys                                               */
/* ---------------------------------------------------------------- */

enum svc_err
jwt_alg_parse(const char *name, enum jwt_alg *alg)
{
	size_t	 i;

	if (name == NULL)
		return SVC_BADINPUT;
	/* Exact names only: "none" and case variants are no algorithm. */
	for (i = 0; i < JWT_ALG__MAX; i++)
		if (strcmp(name, jwt_algs[i].name) == 0) {
			*alg = (enum jwt_alg)i;
			return SVC_OK;
		}
	return SVC_BADINPUT;
}

/* The "alg" name of alg, or NULL for a value outside the enum. */
const char *
jwt_alg_name(enum jwt_alg alg)
{
	if ((unsigned)alg >= JWT_ALG__MAX)
		return NULL;
	return jwt_algs[alg].name;
}

int
jwt_alg_hmac(enum jwt_alg alg)
{
	return (unsigned)alg < JWT_ALG__MAX &&
	    jwt_algs[alg].family == JWT_F_HMAC;
}

enum jwt_alg
jwt_key_alg(const struct jwt_key *key)
{
	return key->alg;
}

int
jwt_key_private(const struct jwt_key *key)
{
	return key->priv;
}

const char *
jwt_key_kid(const struct jwt_key *key)
{
	return key->kid;
}

/*
 * The two headers a key recognises at a glance, base64url: ours, with
 * the kid, and PyJWT's default without one.  The members are in
 * PyJWT's order (it sorts them), so that a token PyJWT makes with our
 * kid is byte for byte ours.  Returns 0, or -1.
 */
static int
jwt_key_headers(struct jwt_key *key)
{
	char	 json[JWT_HDRMAX];
	int	 n;

	n = snprintf(json, sizeof(json),
	    "{\"alg\":\"%s\",\"kid\":\"%s\",\"typ\":\"JWT\"}",
	    jwt_algs[key->alg].name, key->kid);
	if (n < 0 || B64_ENCLEN((size_t)n) >= sizeof(key->hdr))
		return -1;
	key->hdrlen = b64_encode((const unsigned char *)json, (size_t)n,
	    key->hdr);
	n = snprintf(json, sizeof(json), "{\"alg\":\"%s\",\"typ\":\"JWT\"}",
	    jwt_algs[key->alg].name);
	if (n < 0 || B64_ENCLEN((size_t)n) >= sizeof(key->hdr0))
		return -1;
	key->hdr0len = b64_encode((const unsigned char *)json, (size_t)n,
	    key->hdr0);
	return 0;
}

/*
 * HMAC of data under the key.  EVP_MAC_init with a NULL key restarts
 * from the pads computed in jwt_key_new: no key schedule per call.
 * Returns 0, or -1 when OpenSSL fails.
 */
static int
jwt_mac_run(struct jwt_key *key, const void *data, size_t len,
    unsigned char *out, size_t *outlen)
{
	if (!EVP_MAC_init(key->ctx, NULL, 0, NULL) ||
	    !EVP_MAC_update(key->ctx, data, len) ||
	    !EVP_MAC_final(key->ctx, out, outlen, JWT_MACMAX))
		return -1;
	return 0;
}

/*
 * Keys the context with secret for alg.  The context copies the key
 * into its own inner and outer pads, so the caller's buffer is not
 * kept.  The kid is HMAC(secret, "jwtauth-kid") cut to 96 bits: one
 * more MAC output, which says nothing of the secret (and 96 bits keep
 * two secrets' kids apart).  Returns 0, or -1 when OpenSSL refuses.
 */
static int
jwt_key_setup(struct jwt_key *key, const unsigned char *secret, size_t len)
{
	static const char	 label[] = "jwtauth-kid";
	OSSL_PARAM		 params[2];
	unsigned char		 mac[JWT_MACMAX];
	size_t			 n;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)jwt_algs[key->alg].digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(key->ctx, secret, len, params))
		return -1;
	if (EVP_MAC_CTX_get_mac_size(key->ctx) != key->maclen)
		return -1;
	if (jwt_mac_run(key, label, sizeof(label) - 1, mac, &n) == -1)
		return -1;
	b64_encode(mac, 12, key->kid);
	return jwt_key_headers(key);
}

/*
 * XXX: RFC 7518 section 3.2 wants a secret at least as long as the
 * hash output; the configuration, which knows where the secret came
 * from, enforces that.  Here only an empty secret is refused.
 */
enum svc_err
jwt_key_new(struct jwt_key **keyp, enum jwt_alg alg,
    const unsigned char *secret, size_t len)
{
	struct jwt_key	*key = NULL;
	enum svc_err	 rc = SVC_BADINPUT;

	*keyp = NULL;
	if (!jwt_alg_hmac(alg) || secret == NULL || len == 0)
		goto out;
	rc = SVC_CRYPTO;
	if (jwt_fetch() == -1)
		goto out;
	rc = SVC_NOMEM;
	if ((key = calloc(1, sizeof(*key))) == NULL)
		goto out;
	key->alg = alg;
	key->priv = 1;
	key->maclen = jwt_algs[alg].maclen;
	/* json-c's default depth (32) is over JSN_DEPTH, as jsn_parse needs. */
	if ((key->tok = json_tokener_new()) == NULL)
		goto out;
	if ((key->ctx = EVP_MAC_CTX_new(jwt_mac)) == NULL)
		goto out;
	rc = SVC_CRYPTO;
	if (jwt_key_setup(key, secret, len) == -1)
		goto out;
	*keyp = key;
	key = NULL;
	rc = SVC_OK;
out:
	jwt_key_free(key);
	return rc;
}

void
jwt_key_free(struct jwt_key *key)
{
	struct jwt_key	*next;

	for (; key != NULL; key = next) {
		next = key->next;
		/* EVP_MAC_CTX_free cleanses the keyed pads itself. */
		EVP_MAC_CTX_free(key->ctx);
		EVP_PKEY_free(key->pkey);
		EVP_MD_CTX_free(key->md);
		vcache_free(key->vc);
		if (key->tok != NULL)
			json_tokener_free(key->tok);
		OPENSSL_cleanse(key, sizeof(*key));
		free(key);
	}
}

enum svc_err
jwt_key_add(struct jwt_key *set, struct jwt_key *other)
{
	struct jwt_key	*k, *last = NULL;
	size_t		 n = 0;

	if (other == NULL || other->next != NULL)
		return SVC_BADINPUT;
	/* One kid, one key: else the kid could not pick. */
	for (k = set; k != NULL; k = k->next, n++) {
		if (strcmp(k->kid, other->kid) == 0)
			return SVC_BADINPUT;
		last = k;
	}
	if (n >= JWT_KEYS_MAX)
		return SVC_BADINPUT;
	last->next = other;
	/*
	 * The cache belongs to the set as it was: a changed set starts
	 * empty (and a key that joins one keeps no cache of its own).
	 */
	vcache_free(set->vc);
	set->vc = NULL;
	vcache_free(other->vc);
	other->vc = NULL;
	return SVC_OK;
}

void
jwt_cache_stats(const struct jwt_key *set, struct vcache_stats *st)
{
	vcache_stats(set->vc, st);
}

void
jwt_cache_clear(struct jwt_key *set)
{
	if (set->vc != NULL)
		vcache_clear(set->vc);
}

/* ---------------------------------------------------------------- */
/* Public keys: PEM, JWK members, thumbprint                         */
/* ---------------------------------------------------------------- */

/* The public members of a JWK, in RFC 7638's (sorted) order. */
struct jwt_jwk {
	const char	*kty;
	size_t		 n;
	const char	*name[3];
	char		 val[3][JWT_JWKVAL];
};

/* A BIGNUM parameter of pkey, big-endian in pad bytes (0: minimal). */
static int
jwt_bn_param(const EVP_PKEY *pkey, const char *param, size_t pad,
    char *out)
{
	unsigned char	 buf[JWT_RSA_MAX / 8];
	BIGNUM		*bn = NULL;
	int		 n, rc = -1;

	if (!EVP_PKEY_get_bn_param(pkey, param, &bn))
		return -1;
	n = pad ? BN_bn2binpad(bn, buf, (int)pad) :
	    (BN_num_bytes(bn) <= (int)sizeof(buf) ? BN_bn2bin(bn, buf) : -1);
	if (n > 0) {
		b64_encode(buf, (size_t)n, out);
		rc = 0;
	}
	BN_free(bn);
	return rc;
}

/* RFC 7518 section 6 and RFC 8037 section 2: the public members. */
static int
jwt_jwk_members(const struct jwt_key *key, struct jwt_jwk *j)
{
	unsigned char	 raw[32];
	size_t		 n = sizeof(raw);

	memset(j, 0, sizeof(*j));
	switch (jwt_algs[key->alg].family) {
	case JWT_F_RSA:
		j->kty = "RSA";
		j->n = 2;
		j->name[0] = "e";
		j->name[1] = "n";
		return jwt_bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_E, 0,
		    j->val[0]) == -1 || jwt_bn_param(key->pkey,
		    OSSL_PKEY_PARAM_RSA_N, 0, j->val[1]) == -1 ? -1 : 0;
	case JWT_F_EC:
		j->kty = "EC";
		j->n = 3;
		j->name[0] = "crv";
		j->name[1] = "x";
		j->name[2] = "y";
		strcpy(j->val[0], "P-256");
		return jwt_bn_param(key->pkey, OSSL_PKEY_PARAM_EC_PUB_X,
		    JWT_EC_LEN, j->val[1]) == -1 || jwt_bn_param(key->pkey,
		    OSSL_PKEY_PARAM_EC_PUB_Y, JWT_EC_LEN, j->val[2]) == -1 ?
		    -1 : 0;
	case JWT_F_OKP:
		j->kty = "OKP";
		j->n = 2;
		j->name[0] = "crv";
		j->name[1] = "x";
		strcpy(j->val[0], "Ed25519");
		if (!EVP_PKEY_get_raw_public_key(key->pkey, raw, &n) ||
		    n != sizeof(raw))
			return -1;
		b64_encode(raw, n, j->val[1]);
		return 0;
	default:
		return -1;
	}
}

/*
 * RFC 7638 section 3: SHA-256 of the required members, sorted, without
 * whitespace, base64url.  In every key type "kty" sorts second (e <
 * kty < n; crv < kty < x).  Returns 0, or -1.
 */
static int
jwt_thumbprint(struct jwt_key *key)
{
	struct jwt_jwk	 j;
	char		 json[3 * JWT_JWKVAL + 128];
	unsigned char	 md[32];
	unsigned int	 mdlen;
	size_t		 i, o = 0;
	int		 n;

	if (jwt_jwk_members(key, &j) == -1)
		return -1;
	for (i = 0; i < j.n; i++) {
		n = snprintf(json + o, sizeof(json) - o, "%s\"%s\":\"%s\"",
		    i == 0 ? "{" : ",", j.name[i], j.val[i]);
		if (n < 0 || (size_t)n >= sizeof(json) - o)
			return -1;
		o += (size_t)n;
		if (i == 0) {
			n = snprintf(json + o, sizeof(json) - o,
			    ",\"kty\":\"%s\"", j.kty);
			if (n < 0 || (size_t)n >= sizeof(json) - o)
				return -1;
			o += (size_t)n;
		}
	}
	if (o + 1 >= sizeof(json))
		return -1;
	json[o++] = '}';
	if (!EVP_Digest(json, o, md, &mdlen, jwt_sha256, NULL) ||
	    mdlen != sizeof(md))
		return -1;
	b64_encode(md, mdlen, key->kid);
	return 0;
}

/* Never prompt for a pass phrase: an encrypted PEM is refused. */
static int
jwt_no_pass(char *buf, int size, int rw, void *arg)
{
	(void)buf;
	(void)size;
	(void)rw;
	(void)arg;
	return -1;
}

/*
 * The algorithm that pkey's type fits, checked: RSA of JWT_RSA_MIN to
 * JWT_RSA_MAX bits, EC on P-256 only, Ed25519.  Returns 0, or -1 with
 * *why set.
 */
static int
jwt_pkey_alg(EVP_PKEY *pkey, enum jwt_alg *alg, const char **why)
{
	char	 group[32];
	size_t	 n;
	int	 bits = EVP_PKEY_get_bits(pkey);

	switch (EVP_PKEY_get_base_id(pkey)) {
	case EVP_PKEY_RSA:
		if (bits < JWT_RSA_MIN || bits > JWT_RSA_MAX) {
			*why = "RSA key not of 2048 to 8192 bits";
			return -1;
		}
		*alg = JWT_RS256;
		return 0;
	case EVP_PKEY_EC:
		if (!EVP_PKEY_get_group_name(pkey, group, sizeof(group), &n) ||
		    strcmp(group, "prime256v1") != 0) {
			*why = "EC key not on P-256";
			return -1;
		}
		*alg = JWT_ES256;
		return 0;
	case EVP_PKEY_ED25519:
		*alg = JWT_EDDSA;
		return 0;
	default:
		*why = "key type is not RSA, EC P-256 or Ed25519";
		return -1;
	}
}

/* Reads a private PEM, else a public one; *priv says which. */
static EVP_PKEY *
jwt_pem_read(const char *pem, size_t len, int *priv)
{
	EVP_PKEY	*pkey = NULL;
	BIO		*bio;

	if (len > INT_MAX || (bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return NULL;
	*priv = 1;
	if ((pkey = PEM_read_bio_PrivateKey(bio, NULL, jwt_no_pass,
	    NULL)) == NULL) {
		*priv = 0;
		(void)BIO_reset(bio);
		pkey = PEM_read_bio_PUBKEY(bio, NULL, jwt_no_pass, NULL);
	}
	BIO_free(bio);
	/* The failed attempt's errors are no one's business later. */
	ERR_clear_error();
	return pkey;
}

enum svc_err
jwt_key_pem(struct jwt_key **keyp, const char *pem, size_t len,
    const char **why)
{
	struct jwt_key	*key = NULL;
	const char	*dummy;
	enum svc_err	 rc = SVC_CRYPTO;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	*keyp = NULL;
	if (jwt_fetch() == -1)
		goto out;
	rc = SVC_NOMEM;
	if ((key = calloc(1, sizeof(*key))) == NULL ||
	    (key->tok = json_tokener_new()) == NULL ||
	    (key->md = EVP_MD_CTX_new()) == NULL)
		goto out;
	rc = SVC_BADINPUT;
	if ((key->pkey = jwt_pem_read(pem, len, &key->priv)) == NULL) {
		*why = "no PEM key (or an encrypted one)";
		goto out;
	}
	if (jwt_pkey_alg(key->pkey, &key->alg, why) == -1)
		goto out;
	key->maclen = key->alg == JWT_RS256 ?
	    (size_t)EVP_PKEY_get_size(key->pkey) : jwt_algs[key->alg].maclen;
	rc = SVC_CRYPTO;
	if (jwt_thumbprint(key) == -1 || jwt_key_headers(key) == -1) {
		*why = "cannot read the public key";
		goto out;
	}
	*keyp = key;
	key = NULL;
	rc = SVC_OK;
out:
	jwt_key_free(key);
	return rc;
}

/* The PEM that a memory BIO holds, copied into *pem; 0 or -1. */
static int
jwt_bio_text(BIO *bio, char **pem, size_t *len)
{
	char	*p;
	long	 n;

	if ((n = BIO_get_mem_data(bio, &p)) <= 0 ||
	    (*pem = malloc((size_t)n + 1)) == NULL)
		return -1;
	memcpy(*pem, p, (size_t)n);
	(*pem)[n] = '\0';
	*len = (size_t)n;
	return 0;
}

enum svc_err
jwt_key_public_pem(const struct jwt_key *key, char **pem, size_t *len)
{
	BIO		*bio = NULL;
	enum svc_err	 rc = SVC_BADINPUT;

	*pem = NULL;
	if (key->pkey == NULL)
		goto out;
	rc = SVC_NOMEM;
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		goto out;
	rc = SVC_CRYPTO;
	if (!PEM_write_bio_PUBKEY(bio, key->pkey) ||
	    jwt_bio_text(bio, pem, len) == -1)
		goto out;
	rc = SVC_OK;
out:
	BIO_free(bio);
	return rc;
}

enum svc_err
jwt_keygen(enum jwt_alg alg, char **pem, size_t *len)
{
	EVP_PKEY	*pkey = NULL;
	BIO		*bio = NULL;
	enum svc_err	 rc = SVC_BADINPUT;

	*pem = NULL;
	if (alg == JWT_RS256)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
		    (size_t)JWT_RSA_MIN);
	else if (alg == JWT_ES256)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	else if (alg == JWT_EDDSA)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	else
		goto out;
	rc = SVC_CRYPTO;
	if (pkey == NULL || (bio = BIO_new(BIO_s_secmem())) == NULL ||
	    !PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL) ||
	    jwt_bio_text(bio, pem, len) == -1)
		goto out;
	rc = SVC_OK;
out:
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	return rc;
}

/* One key's JWK: kty, kid, alg, use and the public members only. */
static struct json_object *
jwt_jwk_object(const struct jwt_key *key)
{
	struct json_object	*o;
	struct jwt_jwk		 j;
	size_t			 i;
	int			 bad = 0;

	if (jwt_jwk_members(key, &j) == -1 ||
	    (o = json_object_new_object()) == NULL)
		return NULL;
	bad |= json_object_object_add(o, "kty",
	    json_object_new_string(j.kty));
	bad |= json_object_object_add(o, "kid",
	    json_object_new_string(key->kid));
	bad |= json_object_object_add(o, "alg",
	    json_object_new_string(jwt_algs[key->alg].name));
	bad |= json_object_object_add(o, "use", json_object_new_string("sig"));
	for (i = 0; i < j.n; i++)
		bad |= json_object_object_add(o, j.name[i],
		    json_object_new_string(j.val[i]));
	if (bad) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

enum svc_err
jwt_jwks(const struct jwt_key *set, char **json, size_t *len)
{
	struct json_object	*top = NULL, *keys, *o;
	const char		*s;
	enum svc_err		 rc = SVC_NOMEM;
	size_t			 n;

	*json = NULL;
	if ((top = json_object_new_object()) == NULL ||
	    (keys = json_object_new_array()) == NULL ||
	    json_object_object_add(top, "keys", keys) != 0)
		goto out;
	/* An HMAC key is the shared secret: never published. */
	for (; set != NULL; set = set->next) {
		if (set->pkey == NULL)
			continue;
		if ((o = jwt_jwk_object(set)) == NULL ||
		    json_object_array_add(keys, o) != 0)
			goto out;
	}
	s = json_object_to_json_string_length(top, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	if (s == NULL || (*json = malloc(n + 1)) == NULL)
		goto out;
	memcpy(*json, s, n + 1);
	*len = n;
	rc = SVC_OK;
out:
	json_object_put(top);
	return rc;
}

enum svc_err
jwt_hmac(struct jwt_key *key, const void *data, size_t len,
    unsigned char *out, size_t outsz, size_t *outlen)
{
	unsigned char	 mac[JWT_MACMAX];
	size_t		 n;

	if (key->ctx == NULL)
		return SVC_BADINPUT;
	if (outsz < key->maclen)
		return SVC_TOOBIG;
	if (jwt_mac_run(key, data, len, mac, &n) == -1)
		return SVC_CRYPTO;
	memcpy(out, mac, n);
	*outlen = n;
	return SVC_OK;
}

/* ---------------------------------------------------------------- */
/* Signing                                                           */
/* ---------------------------------------------------------------- */

/*
 * ES256's JWS signature is r||s, each 32 bytes big-endian (RFC 7518
 * section 3.4), where OpenSSL speaks DER: converted with ECDSA_SIG.
 */
static int
jwt_es_raw(const unsigned char *der, size_t derlen, unsigned char *raw)
{
	const unsigned char	*p = der;
	const BIGNUM		*r, *s;
	ECDSA_SIG		*sig;
	int			 rc = -1;

	if ((sig = d2i_ECDSA_SIG(NULL, &p, (long)derlen)) == NULL)
		return -1;
	ECDSA_SIG_get0(sig, &r, &s);
	if (BN_bn2binpad(r, raw, JWT_EC_LEN) == JWT_EC_LEN &&
	    BN_bn2binpad(s, raw + JWT_EC_LEN, JWT_EC_LEN) == JWT_EC_LEN)
		rc = 0;
	ECDSA_SIG_free(sig);
	return rc;
}

/* The EVP_DigestSign/VerifyInit digest: SHA-256, or none for Ed25519. */
static const EVP_MD *
jwt_md(const struct jwt_key *key)
{
	return jwt_algs[key->alg].digest != NULL ? jwt_sha256 : NULL;
}

/* An asymmetric signature of data into sig (JWT_SIGMAX); 0 or -1. */
static int
jwt_pk_sign(struct jwt_key *key, const void *data, size_t len,
    unsigned char *sig, size_t *siglen)
{
	unsigned char	 der[JWT_SIGMAX];
	size_t		 n = sizeof(der);

	if (!EVP_MD_CTX_reset(key->md) ||
	    !EVP_DigestSignInit(key->md, NULL, jwt_md(key), NULL, key->pkey) ||
	    !EVP_DigestSign(key->md, der, &n, data, len))
		return -1;
	if (key->alg == JWT_ES256) {
		*siglen = 2 * JWT_EC_LEN;
		return jwt_es_raw(der, n, sig);
	}
	if (n != key->maclen)
		return -1;
	memcpy(sig, der, n);
	*siglen = n;
	return 0;
}

/* RFC 7515 section 7.1: BASE64URL(header) "." BASE64URL(payload) "." sig */
enum svc_err
jwt_sign(struct jwt_key *key, const char *payload, size_t len,
    char *out, size_t outsz, size_t *outlen)
{
	unsigned char	 mac[JWT_SIGMAX];
	size_t		 total, o, maclen;
	int		 bad;

	if (!key->priv)
		return SVC_BADINPUT;
	/* Bound len first so that the sum below cannot wrap. */
	if (len > JWT_MAX)
		return SVC_TOOBIG;
	total = key->hdrlen + 1 + B64_ENCLEN(len) + 1 +
	    B64_ENCLEN(key->maclen);
	if (total > JWT_MAX || total >= outsz)
		return SVC_TOOBIG;

	memcpy(out, key->hdr, key->hdrlen);
	o = key->hdrlen;
	out[o++] = '.';
	o += b64_encode((const unsigned char *)payload, len, out + o);
	bad = key->ctx != NULL ? jwt_mac_run(key, out, o, mac, &maclen) :
	    jwt_pk_sign(key, out, o, mac, &maclen);
	if (bad == -1)
		return SVC_CRYPTO;
	out[o++] = '.';
	o += b64_encode(mac, maclen, out + o);
	*outlen = o;
	return SVC_OK;
}

/* ---------------------------------------------------------------- */
/* Strict JSON                                                       */
/* ---------------------------------------------------------------- */

enum jwt_json_err {
	JWT_JSON_OK,
	JWT_JSON_INVALID,	/* not JSON by lib/json.h's policy */
	JWT_JSON_NOTOBJ,	/* JSON, but not an object */
	JWT_JSON_DUP,		/* an object repeats a member name */
	JWT_JSON_NOMEM,
	JWT_JSON__MAX
};

/*
 * Parses n bytes of text, which must be one JSON object with no
 * duplicate member names at any depth (RFC 7515 section 4 and RFC 7519
 * section 4 allow refusing them; keeping the last, as json-c does,
 * lets two parsers read one token differently), under the one policy
 * of lib/json.h that request bodies follow too.  On JWT_JSON_OK *objp
 * is the caller's to put; otherwise it is NULL.
 */
static enum jwt_json_err
jwt_json(struct jwt_key *key, const unsigned char *text, size_t n,
    struct json_object **objp)
{
	switch (jsn_parse(key->tok, (const char *)text, n, JSN_OBJECT, objp)) {
	case JSN_OK:
		return JWT_JSON_OK;
	case JSN_NOTOBJ:
		return JWT_JSON_NOTOBJ;
	case JSN_DUP:
		return JWT_JSON_DUP;
	case JSN_NOMEM:
		return JWT_JSON_NOMEM;
	default:
		return JWT_JSON_INVALID;
	}
}

static const char *const jwt_why_header[JWT_JSON__MAX] = {
	[JWT_JSON_NOMEM] = "out of memory",
	[JWT_JSON_INVALID] = "header is not valid JSON",
	[JWT_JSON_NOTOBJ] = "header is not a JSON object",
	[JWT_JSON_DUP] = "duplicate member in header",
};

static const char *const jwt_why_payload[JWT_JSON__MAX] = {
	[JWT_JSON_NOMEM] = "out of memory",
	[JWT_JSON_INVALID] = "payload is not valid JSON",
	[JWT_JSON_NOTOBJ] = "payload is not a JSON object",
	[JWT_JSON_DUP] = "duplicate member in payload",
};

/* ---------------------------------------------------------------- */
/* Verification                                                      */
/* ---------------------------------------------------------------- */

/* Exactly three segments, split at exactly two dots (RFC 7515 7.1). */
static int
jwt_split(const char *token, size_t len, struct jwt_seg seg[3])
{
	const char	*d1, *d2, *end = token + len;

	if ((d1 = memchr(token, '.', len)) == NULL)
		return -1;
	if ((d2 = memchr(d1 + 1, '.', (size_t)(end - d1 - 1))) == NULL)
		return -1;
	if (memchr(d2 + 1, '.', (size_t)(end - d2 - 1)) != NULL)
		return -1;
	seg[0].p = token;
	seg[0].n = (size_t)(d1 - token);
	seg[1].p = d1 + 1;
	seg[1].n = (size_t)(d2 - d1 - 1);
	seg[2].p = d2 + 1;
	seg[2].n = (size_t)(end - d2 - 1);
	return 0;
}

static int
jwt_str_eq(struct json_object *o, const char *want)
{
	size_t	 n = strlen(want);

	return o != NULL && json_object_is_type(o, json_type_string) &&
	    (size_t)json_object_get_string_len(o) == n &&
	    memcmp(json_object_get_string(o), want, n) == 0;
}

/* The key of set whose kid is the string o, or NULL. */
static struct jwt_key *
jwt_kid_find(struct jwt_key *set, struct json_object *o)
{
	for (; set != NULL; set = set->next)
		if (jwt_str_eq(o, set->kid))
			return set;
	return NULL;
}

/*
 * Picks the key of set that the header names and checks the rest of
 * the header (RFC 8725 section 3.1: the token never chooses the
 * algorithm, only which of our keys, by kid; its alg must be that
 * key's, so an HS256 token cannot be checked with a public key as its
 * HMAC secret, and "none" never verifies).  jwk, jku, x5u and x5c
 * would offer a key or a place to fetch one: refused, never read
 * (RFC 8725 section 3.10).  No critical extension is understood (RFC
 * 7515 section 4.1.11).  Returns the key, or NULL with *why set.
 */
static struct jwt_key *
jwt_header_fields(struct jwt_key *set, struct json_object *hdr,
    const char **why)
{
	static const char *const offered[] = { "jwk", "jku", "x5u", "x5c" };
	struct json_object	*alg, *kid;
	struct jwt_key		*key = set;
	size_t			 i;

	for (i = 0; i < sizeof(offered) / sizeof(offered[0]); i++)
		if (json_object_object_get_ex(hdr, offered[i], NULL)) {
			*why = "jwk, jku, x5u or x5c header";
			return NULL;
		}
	if (json_object_object_get_ex(hdr, "crit", NULL)) {
		*why = "crit header";
		return NULL;
	}
	if (json_object_object_get_ex(hdr, "kid", &kid)) {
		if ((key = jwt_kid_find(set, kid)) == NULL) {
			*why = "unknown kid";
			return NULL;
		}
	} else if (set->next != NULL) {
		*why = "kid missing with several keys";
		return NULL;
	}
	if (!json_object_object_get_ex(hdr, "alg", &alg)) {
		*why = "alg missing";
		return NULL;
	}
	if (!jwt_str_eq(alg, jwt_algs[key->alg].name)) {
		*why = "alg is not the key's algorithm";
		return NULL;
	}
	return key;
}

/*
 * Checks the header segment, decoding into buf (JWT_SEGMAX bytes), and
 * sets *use to the key of set it names.  Our own header, and PyJWT's,
 * is byte for byte one precomputed in a key, already known good: the
 * common case skips JSON entirely.  Without kid only a set of one.
 */
static enum svc_err
jwt_header(struct jwt_key *set, const struct jwt_seg *seg,
    unsigned char *buf, struct jwt_key **use, const char **why)
{
	struct json_object	*hdr = NULL;
	struct jwt_key		*k;
	enum jwt_json_err	 jrc;
	size_t			 n;

	for (k = set; k != NULL; k = k->next)
		if (seg->n == k->hdrlen && memcmp(seg->p, k->hdr, seg->n) == 0) {
			*use = k;
			return SVC_OK;
		}
	if (set->next == NULL && seg->n == set->hdr0len &&
	    memcmp(seg->p, set->hdr0, seg->n) == 0) {
		*use = set;
		return SVC_OK;
	}
	if (b64_decode(seg->p, seg->n, buf, JWT_SEGMAX, &n) != SVC_OK) {
		*why = "header is not canonical base64url";
		return SVC_DENIED;
	}
	if ((jrc = jwt_json(set, buf, n, &hdr)) != JWT_JSON_OK) {
		*why = jwt_why_header[jrc];
		return jrc == JWT_JSON_NOMEM ? SVC_NOMEM : SVC_DENIED;
	}
	*use = jwt_header_fields(set, hdr, why);
	json_object_put(hdr);
	return *use == NULL ? SVC_DENIED : SVC_OK;
}

/*
 * An ES256 r||s (64 bytes, RFC 7518 section 3.4) as the DER that
 * OpenSSL verifies, once r and s are known to lie in 1..n-1
 * (CVE-2022-21449): equal-length big-endian strings compare as
 * numbers.  Returns 0, or -1 with *why set.
 */
static int
jwt_es_der(const unsigned char *raw, unsigned char *der, size_t *derlen,
    const char **why)
{
	static const unsigned char zero[JWT_EC_LEN];
	BIGNUM		*r = NULL, *s = NULL;
	ECDSA_SIG	*sig = NULL;
	unsigned char	*p = der;
	int		 i, n = -1;

	for (i = 0; i < 2; i++)
		if (memcmp(raw + i * JWT_EC_LEN, zero, JWT_EC_LEN) == 0 ||
		    memcmp(raw + i * JWT_EC_LEN, jwt_p256_n, JWT_EC_LEN) >= 0) {
			*why = "ES256 r or s is 0 or not below the order";
			return -1;
		}
	*why = "ECDSA_SIG failed";
	if ((r = BN_bin2bn(raw, JWT_EC_LEN, NULL)) == NULL ||
	    (s = BN_bin2bn(raw + JWT_EC_LEN, JWT_EC_LEN, NULL)) == NULL ||
	    (sig = ECDSA_SIG_new()) == NULL || !ECDSA_SIG_set0(sig, r, s))
		goto out;
	r = s = NULL;		/* sig owns them */
	if ((n = i2d_ECDSA_SIG(sig, NULL)) <= 0 || n > JWT_SIGMAX ||
	    i2d_ECDSA_SIG(sig, &p) != n)
		n = -1;
	else
		*derlen = (size_t)n;
out:
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(sig);
	return n > 0 ? 0 : -1;
}

/*
 * The signature length a key wants: an ES256 signature in DER (what
 * OpenSSL and Java's APIs write, never valid in a JWS) is named in the
 * refusal, for whoever reads the log.
 */
static const char *
jwt_sig_len_why(const struct jwt_key *key, const unsigned char *sig,
    size_t siglen)
{
	if (key->alg == JWT_ES256 && siglen > 2 && sig[0] == 0x30 &&
	    (size_t)sig[1] + 2 == siglen)
		return "ES256 signature is DER, not r||s";
	return "signature has the wrong length";
}

/* An asymmetric signature over data: SVC_OK, SVC_DENIED. */
static enum svc_err
jwt_pk_verify(struct jwt_key *key, const void *data, size_t len,
    const unsigned char *sig, size_t siglen, const char **why)
{
	unsigned char	 der[JWT_SIGMAX];
	int		 ok;

	if (key->alg == JWT_ES256) {
		if (jwt_es_der(sig, der, &siglen, why) == -1)
			return SVC_DENIED;
		sig = der;
	}
	if (!EVP_MD_CTX_reset(key->md) ||
	    !EVP_DigestVerifyInit(key->md, NULL, jwt_md(key), NULL,
	    key->pkey)) {
		*why = "EVP_DigestVerifyInit failed";
		ERR_clear_error();
		return SVC_CRYPTO;
	}
	ok = EVP_DigestVerify(key->md, sig, siglen, data, len);
	/* A refused signature leaves errors on the queue: not ours. */
	ERR_clear_error();
	if (ok != 1) {
		*why = "bad signature";
		return SVC_DENIED;
	}
	return SVC_OK;
}

/*
 * The signature over header "." payload.  A MAC is compared in
 * constant time (RFC 7515 section 5.2 step 8; a timing leak would let
 * an attacker find a valid MAC byte by byte).
 */
static enum svc_err
jwt_signature(struct jwt_key *key, const char *token,
    const struct jwt_seg seg[3], const char **why)
{
	unsigned char	 sig[JWT_SIGMAX], mac[JWT_MACMAX];
	size_t		 siglen, maclen, len = seg[0].n + 1 + seg[1].n;
	enum svc_err	 rc;

	rc = b64_decode(seg[2].p, seg[2].n, sig, sizeof(sig), &siglen);
	if (rc == SVC_TOOBIG || (rc == SVC_OK && siglen != key->maclen)) {
		*why = rc == SVC_OK ? jwt_sig_len_why(key, sig, siglen) :
		    "signature has the wrong length";
		return SVC_DENIED;
	}
	if (rc != SVC_OK) {
		*why = "signature is not canonical base64url";
		return SVC_DENIED;
	}
	if (key->ctx == NULL)
		return jwt_pk_verify(key, token, len, sig, siglen, why);
	if (jwt_mac_run(key, token, len, mac, &maclen) == -1) {
		*why = "HMAC failed";
		return SVC_CRYPTO;
	}
	if (maclen != siglen || CRYPTO_memcmp(mac, sig, maclen) != 0) {
		*why = "bad signature";
		return SVC_DENIED;
	}
	return SVC_OK;
}

/* ---------------------------------------------------------------- */
/* Claims: what a reader hands the one checker                       */
/* ---------------------------------------------------------------- */

/*
 * Two readers take claims out of a verified payload: json-c's tree
 * (jwt_tree_read, for any payload) and a scanner for flat objects
 * (jwt_fast_read, which skips the tree).  Each reports the claims
 * below as jwt_vals, and jwt_check alone applies the rules to them: so
 * the user-id, time and audience rules exist once, and the readers
 * can differ only in what they read, which the tests compare claim by
 * claim.
 */
enum jwt_cid {
	JWT_C_TOKEN_TYPE,
	JWT_C_ISS,
	JWT_C_AUD,
	JWT_C_EXP,
	JWT_C_NBF,
	JWT_C_IAT,
	JWT_C_USER_ID,
	JWT_C_JTI,
	JWT_C_USERNAME,
	JWT_C_FP,
	JWT_C__MAX
};

static const char *const jwt_cnames[JWT_C__MAX] = {
	[JWT_C_TOKEN_TYPE] = "token_type",
	[JWT_C_ISS] = "iss",
	[JWT_C_AUD] = "aud",
	[JWT_C_EXP] = "exp",
	[JWT_C_NBF] = "nbf",
	[JWT_C_IAT] = "iat",
	[JWT_C_USER_ID] = "user_id",
	[JWT_C_JTI] = "jti",
	[JWT_C_USERNAME] = "username",
	[JWT_C_FP] = "fp",
};

/* strlen of each jwt_cnames entry, for the flat reader. */
static const size_t jwt_cnamelen[JWT_C__MAX] = {
	[JWT_C_TOKEN_TYPE] = sizeof("token_type") - 1,
	[JWT_C_ISS] = sizeof("iss") - 1,
	[JWT_C_AUD] = sizeof("aud") - 1,
	[JWT_C_EXP] = sizeof("exp") - 1,
	[JWT_C_NBF] = sizeof("nbf") - 1,
	[JWT_C_IAT] = sizeof("iat") - 1,
	[JWT_C_USER_ID] = sizeof("user_id") - 1,
	[JWT_C_JTI] = sizeof("jti") - 1,
	[JWT_C_USERNAME] = sizeof("username") - 1,
	[JWT_C_FP] = sizeof("fp") - 1,
};

enum jwt_vtype {
	JWT_V_ABSENT = 0,	/* no such member */
	JWT_V_OTHER,		/* null, true, false or an object */
	JWT_V_INT,
	JWT_V_DOUBLE,
	JWT_V_STRING,
	JWT_V_ARRAY,		/* only jwt_tree_read makes these */
	JWT_V__MAX
};

/* One claim's value, as a reader found it. */
struct jwt_val {
	enum jwt_vtype	 type;
	long long	 i;	/* INT, saturated to long long */
	int		 over;	/* INT: the number is over LLONG_MAX */
	double		 d;	/* DOUBLE */
	const char	*s;	/* STRING: NUL after it; lives with claims */
	size_t		 n;	/* STRING: length; ARRAY: elements */
	struct json_object *arr;	/* ARRAY */
};

struct jwt_read {
	enum jwt_via	 via;
	struct jwt_val	 v[JWT_C__MAX];
	/* Element i of an ARRAY value; NULL for a reader without them. */
	void		(*elem)(const struct jwt_val *, size_t,
			    struct jwt_val *);
};

static long long
jwt_sat_add(long long a, long long b)
{
	long long	 r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? LLONG_MAX : LLONG_MIN;
	return r;
}

/* 1 when v is the string want exactly. */
static int
jwt_val_eq(const struct jwt_val *v, const char *want)
{
	size_t	 n = strlen(want);

	return v->type == JWT_V_STRING && v->n == n &&
	    memcmp(v->s, want, n) == 0;
}

/*
 * A NumericDate (RFC 7519 section 2): a JSON number, integer or
 * finite, truncated toward zero as PyJWT's int() does and clamped to
 * the range of long long.  Returns 0, or -1 for any other JSON type.
 */
static int
jwt_numeric_date(const struct jwt_val *v, long long *out)
{
	switch (v->type) {
	case JWT_V_INT:
		*out = v->i;
		return 0;
	case JWT_V_DOUBLE:
		if (!isfinite(v->d))
			return -1;
		if (v->d >= 9223372036854775808.0)
			*out = LLONG_MAX;
		else if (v->d < -9223372036854775808.0)
			*out = LLONG_MIN;
		else
			*out = (long long)v->d;
		return 0;
	default:
		return -1;
	}
}

/*
 * An optional time claim: *out is 0 when absent.  Returns 0, or -1
 * with *why set when present and not a number.
 */
static int
jwt_time(const struct jwt_val *v, const char *notnum, long long *out,
    const char **why)
{
	*out = 0;
	if (v->type == JWT_V_ABSENT)
		return 0;
	if (jwt_numeric_date(v, out) == -1) {
		*why = notnum;
		return -1;
	}
	return 0;
}

/*
 * exp is required; nbf and iat are optional, but a number when
 * present.  PyJWT's rules: expired when exp <= now - leeway (RFC 7519
 * section 4.1.4), early when nbf or iat > now + leeway (4.1.5).
 */
static int
jwt_times(const struct jwt_read *rd, const struct jwt_rules *rules,
    struct jwt_claims *claims, const char **why)
{
	long long	 past, future, leeway;

	/* A negative leeway is a configuration slip: treat it as none. */
	leeway = rules->leeway > 0 ? rules->leeway : 0;
	past = jwt_sat_add(rules->now, -leeway);
	future = jwt_sat_add(rules->now, leeway);

	if (rd->v[JWT_C_EXP].type == JWT_V_ABSENT) {
		*why = "exp missing";
		return -1;
	}
	if (jwt_time(&rd->v[JWT_C_EXP], "exp is not a number",
	    &claims->exp, why) == -1)
		return -1;
	if (claims->exp <= past && !rules->allow_expired) {
		*why = "expired";
		return -1;
	}
	if (jwt_time(&rd->v[JWT_C_NBF], "nbf is not a number",
	    &claims->nbf, why) == -1)
		return -1;
	if (rd->v[JWT_C_NBF].type != JWT_V_ABSENT && claims->nbf > future) {
		*why = "not yet valid (nbf)";
		return -1;
	}
	if (jwt_time(&rd->v[JWT_C_IAT], "iat is not a number",
	    &claims->iat, why) == -1)
		return -1;
	if (rd->v[JWT_C_IAT].type != JWT_V_ABSENT && claims->iat > future) {
		*why = "issued in the future (iat)";
		return -1;
	}
	return 0;
}

/*
 * user_id: a JSON integer in 1..INT64_MAX, or the canonical decimal
 * string SimpleJWT writes ("42", never "042", "+42" or " 42").
 * Returns 0 and sets *id, or -1.
 */
static int
jwt_user_id(const struct jwt_val *v, long long *id)
{
	unsigned long long	 u = 0;
	size_t			 i;

	switch (v->type) {
	case JWT_V_INT:
		if (v->i < 1 || v->over)
			return -1;
		*id = v->i;
		return 0;
	case JWT_V_STRING:
		/* 19 digits cannot overflow u; INT64_MAX has 19. */
		if (v->n == 0 || v->n > 19 || v->s[0] < '1' || v->s[0] > '9')
			return -1;
		for (i = 0; i < v->n; i++) {
			if (v->s[i] < '0' || v->s[i] > '9')
				return -1;
			u = u * 10 + (unsigned long long)(v->s[i] - '0');
		}
		if (u > INT64_MAX)
			return -1;
		*id = (long long)u;
		return 0;
	default:
		return -1;
	}
}

/*
 * RFC 7519 section 4.1.3: when we have an audience, aud must name it,
 * as a string or in an array of strings; when we have none, a token
 * meant for some audience is not for us (PyJWT refuses it too).
 */
static int
jwt_audience(const struct jwt_read *rd, const char *want)
{
	const struct jwt_val	*aud = &rd->v[JWT_C_AUD];
	struct jwt_val		 e;
	size_t			 i;
	int			 found = 0;

	if (aud->type == JWT_V_ABSENT)
		return want == NULL ? 0 : -1;
	if (want == NULL)
		return -1;
	if (jwt_val_eq(aud, want))
		return 0;
	if (aud->type != JWT_V_ARRAY || rd->elem == NULL)
		return -1;
	for (i = 0; i < aud->n; i++) {
		rd->elem(aud, i, &e);
		if (e.type != JWT_V_STRING)
			return -1;
		if (jwt_val_eq(&e, want))
			found = 1;
	}
	return found ? 0 : -1;
}

/*
 * A string claim to hand back in *out, NULL for another type.  -1 for
 * a string holding U+0000 (valid JSON, see lib/json.h): the caller
 * gets a C string, which would end there, so "fp" or "jti" would be
 * read as a shorter value than the one signed.
 */
static int
jwt_val_str(const struct jwt_val *v, const char **out)
{
	*out = NULL;
	if (v->type != JWT_V_STRING)
		return 0;
	if (memchr(v->s, '\0', v->n) != NULL)
		return -1;
	*out = v->s;
	return 0;
}

/*
 * The one claims check, whichever reader ran.  Token type first (RFC
 * 8725 section 3.11: a refresh token must not pass as an access
 * token), then issuer, audience, times and user.  Returns 0 with
 * claims filled, or -1 with *why set.
 */
static int
jwt_check(const struct jwt_read *rd, const struct jwt_rules *rules,
    struct jwt_claims *claims, const char **why)
{
	claims->via = rd->via;
	if (rules->token_type != NULL &&
	    !jwt_val_eq(&rd->v[JWT_C_TOKEN_TYPE], rules->token_type)) {
		*why = "wrong token_type";
		return -1;
	}
	if (rules->issuer != NULL &&
	    !jwt_val_eq(&rd->v[JWT_C_ISS], rules->issuer)) {
		*why = "wrong iss";
		return -1;
	}
	if (jwt_audience(rd, rules->audience) == -1) {
		*why = "wrong aud";
		return -1;
	}
	if (jwt_times(rd, rules, claims, why) == -1)
		return -1;
	if (jwt_user_id(&rd->v[JWT_C_USER_ID], &claims->user_id) == -1) {
		*why = "bad user_id";
		return -1;
	}
	if (jwt_val_str(&rd->v[JWT_C_JTI], &claims->jti) == -1 ||
	    jwt_val_str(&rd->v[JWT_C_USERNAME], &claims->username) == -1 ||
	    jwt_val_str(&rd->v[JWT_C_FP], &claims->fp) == -1) {
		*why = "string claim holds U+0000";
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* Reader 1: the json-c tree                                         */
/* ---------------------------------------------------------------- */

/* o (borrowed from the tree, NULL for JSON null) as a jwt_val. */
static void
jwt_tree_val(struct json_object *o, struct jwt_val *v)
{
	memset(v, 0, sizeof(*v));
	switch (json_object_get_type(o)) {
	case json_type_int:
		/*
		 * json-c keeps integers over INT64_MAX as uint64 and
		 * saturates them in get_int64: the two views disagree.
		 */
		v->type = JWT_V_INT;
		v->i = json_object_get_int64(o);
		v->over = json_object_get_uint64(o) > (uint64_t)INT64_MAX;
		break;
	case json_type_double:
		v->type = JWT_V_DOUBLE;
		v->d = json_object_get_double(o);
		break;
	case json_type_string:
		v->type = JWT_V_STRING;
		v->s = json_object_get_string(o);
		v->n = (size_t)json_object_get_string_len(o);
		break;
	case json_type_array:
		v->type = JWT_V_ARRAY;
		v->arr = o;
		v->n = json_object_array_length(o);
		break;
	default:
		v->type = JWT_V_OTHER;
		break;
	}
}

static void
jwt_tree_elem(const struct jwt_val *arr, size_t i, struct jwt_val *v)
{
	jwt_tree_val(json_object_array_get_idx(arr->arr, i), v);
}

/* The claims of pl, a JSON object; the strings borrow from pl. */
static void
jwt_tree_read(struct json_object *pl, struct jwt_read *rd)
{
	struct json_object	*o;
	size_t			 i;

	rd->via = JWT_VIA_TREE;
	rd->elem = jwt_tree_elem;
	for (i = 0; i < JWT_C__MAX; i++) {
		if (json_object_object_get_ex(pl, jwt_cnames[i], &o))
			jwt_tree_val(o, &rd->v[i]);
		else
			memset(&rd->v[i], 0, sizeof(rd->v[i]));
	}
}

/* ---------------------------------------------------------------- */
/* Reader 2: flat objects without a tree                             */
/* ---------------------------------------------------------------- */

/*
 * Most payloads are one flat object of short strings and integers.
 * jwt_fast_read reads such a payload with lib/json.c's string and
 * number scanners (one policy for every JSON text) and either reports
 * its claims exactly as jwt_tree_read would, or declines: anything
 * nested, any number that is not a plain integer, an escape in a
 * member name or in a claim's string, a duplicate name, more members
 * or longer strings than it has room for.  A declined payload goes to
 * the tree, which also names what is wrong with it.
 */
#define JWT_FAST_MEMBERS	32
#define JWT_FAST_DIGITS		18	/* cannot overflow long long */

/* One member of the top-level object: raw spans into the text. */
struct jwt_member {
	const unsigned char	*name;	/* between the quotes, no escape */
	size_t			 namelen;
	const unsigned char	*val;	/* the whole value token */
	size_t			 vallen;
	int			 escaped;	/* a string value with '\\' */
};

struct jwt_plain {
	struct jwt_member	 m[JWT_FAST_MEMBERS];
	size_t			 n;
};

/* The text left to read. */
struct jwt_scan {
	const unsigned char	*p;
	const unsigned char	*end;
};

/* RFC 8259 section 2: insignificant whitespace. */
static void
jwt_scan_ws(struct jwt_scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

/*
 * A number value that json-c keeps as an exact int64: -?digits, at
 * most JWT_FAST_DIGITS of them, no fraction or exponent (the scanner
 * already refused leading zeros).  Returns 0, or -1.
 */
static int
jwt_fast_int(const struct jwt_member *m, long long *v)
{
	const unsigned char	*p = m->val, *end = m->val + m->vallen;
	long long		 r = 0;
	int			 neg = 0;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	if (p == end || end - p > JWT_FAST_DIGITS)
		return -1;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		r = r * 10 + (*p - '0');
	}
	*v = neg ? -r : r;
	return 0;
}

/* The length of the literal lit at s->p, or 0. */
static size_t
jwt_fast_literal(const struct jwt_scan *s, const char *lit, size_t n)
{
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
		return 0;
	return n;
}

/*
 * One scalar value at s->p into m: a string or a number checked by
 * lib/json.c's rules, or a literal.  Returns 0, or -1 for an invalid
 * token or a nested value ('{' and '[' are not plain).
 */
static int
jwt_fast_value(struct jwt_scan *s, struct jwt_member *m)
{
	size_t	 left = (size_t)(s->end - s->p), n;
	int	 nul;

	m->val = s->p;
	m->escaped = 0;
	switch (*s->p) {
	case '"':
		n = jsn_scan_string((const char *)s->p, left, &m->escaped,
		    &nul);
		break;
	case 't':
		n = jwt_fast_literal(s, "true", 4);
		break;
	case 'f':
		n = jwt_fast_literal(s, "false", 5);
		break;
	case 'n':
		n = jwt_fast_literal(s, "null", 4);
		break;
	default:
		n = jsn_scan_number((const char *)s->p, left);
		break;
	}
	if (n == 0)
		return -1;
	s->p += n;
	m->vallen = n;
	return 0;
}

/* One "name": value member at s->p into m.  Returns 0, or -1. */
static int
jwt_fast_member(struct jwt_scan *s, struct jwt_member *m)
{
	size_t		 n;
	long long	 v;
	int		 escaped, nul;

	jwt_scan_ws(s);
	if (s->p == s->end || *s->p != '"')
		return -1;
	n = jsn_scan_string((const char *)s->p, (size_t)(s->end - s->p),
	    &escaped, &nul);
	/* An escaped name may equal another spelt without: the tree's. */
	if (n == 0 || escaped)
		return -1;
	m->name = s->p + 1;
	m->namelen = n - 2;
	s->p += n;
	jwt_scan_ws(s);
	if (s->p == s->end || *s->p++ != ':')
		return -1;
	jwt_scan_ws(s);
	if (s->p == s->end || jwt_fast_value(s, m) == -1)
		return -1;
	/* Numbers only as exact integers: json-c's view of others is its own. */
	if ((m->val[0] == '-' || (m->val[0] >= '0' && m->val[0] <= '9')) &&
	    jwt_fast_int(m, &v) == -1)
		return -1;
	return 0;
}

/*
 * Reads text as one flat object into pl, checking the same RFC 8259
 * grammar as jsn_check.  Returns 0, or -1 when the text is not a
 * plain object (which may still be valid JSON).
 */
static int
jwt_fast_scan(const unsigned char *text, size_t n, struct jwt_plain *pl)
{
	struct jwt_scan		 s = { text, text + n };
	size_t			 i, j;

	pl->n = 0;
	jwt_scan_ws(&s);
	if (s.p == s.end || *s.p++ != '{')
		return -1;
	jwt_scan_ws(&s);
	if (s.p < s.end && *s.p == '}')
		s.p++;
	else
		for (;;) {
			if (pl->n == JWT_FAST_MEMBERS ||
			    jwt_fast_member(&s, &pl->m[pl->n++]) == -1)
				return -1;
			jwt_scan_ws(&s);
			if (s.p == s.end)
				return -1;
			if (*s.p == '}') {
				s.p++;
				break;
			}
			if (*s.p++ != ',')
				return -1;
		}
	jwt_scan_ws(&s);
	if (s.p != s.end)
		return -1;
	/* Names hold no escapes: equal bytes are equal names. */
	for (i = 1; i < pl->n; i++)
		for (j = 0; j < i; j++)
			if (pl->m[i].namelen == pl->m[j].namelen &&
			    memcmp(pl->m[i].name, pl->m[j].name,
			    pl->m[i].namelen) == 0)
				return -1;
	return 0;
}

/* The claim m names, or JWT_C__MAX for a member no rule reads. */
static enum jwt_cid
jwt_fast_cid(const struct jwt_member *m)
{
	size_t	 i;

	/* Lengths first: most names differ there, and it bounds memcmp. */
	for (i = 0; i < JWT_C__MAX; i++)
		if (m->namelen == jwt_cnamelen[i] &&
		    memcmp(m->name, jwt_cnames[i], m->namelen) == 0)
			return (enum jwt_cid)i;
	return JWT_C__MAX;
}

/*
 * m's value as jwt_tree_val would see it.  A string is copied, with a
 * NUL, into the free part of claims->text at *off.  Returns 0, or -1
 * (decline) for a string with an escape or without room.
 */
static int
jwt_fast_val(const struct jwt_member *m, struct jwt_claims *claims,
    size_t *off, struct jwt_val *v)
{
	size_t	 n;

	memset(v, 0, sizeof(*v));
	switch (m->val[0]) {
	case '"':
		n = m->vallen - 2;
		if (m->escaped || n >= sizeof(claims->text) - *off)
			return -1;
		memcpy(claims->text + *off, m->val + 1, n);
		claims->text[*off + n] = '\0';
		v->type = JWT_V_STRING;
		v->s = claims->text + *off;
		v->n = n;
		*off += n + 1;
		return 0;
	case 't':
	case 'f':
	case 'n':
		v->type = JWT_V_OTHER;
		return 0;
	default:
		v->type = JWT_V_INT;
		return jwt_fast_int(m, &v->i);
	}
}

/*
 * The claims of a flat payload, strings copied into claims->text.
 * Returns 0, or -1: not plain, let jwt_tree_read read it.
 */
static int
jwt_fast_read(const unsigned char *text, size_t n, struct jwt_claims *claims,
    struct jwt_read *rd)
{
	struct jwt_plain	 pl;
	enum jwt_cid		 id;
	size_t			 i, off = 0;

	if (jwt_fast_scan(text, n, &pl) == -1)
		return -1;
	memset(rd, 0, sizeof(*rd));
	rd->via = JWT_VIA_FAST;
	for (i = 0; i < pl.n; i++)
		if ((id = jwt_fast_cid(&pl.m[i])) != JWT_C__MAX &&
		    jwt_fast_val(&pl.m[i], claims, &off, &rd->v[id]) == -1)
			return -1;
	return 0;
}

/*
 * Reads the claims of a verified payload (n bytes in buf) into rd:
 * with the flat reader when plain is set and it can, else from
 * json-c's tree, left in *plp for the caller to put.  Returns SVC_OK,
 * or SVC_DENIED (SVC_NOMEM) with *why set.
 */
static enum svc_err
jwt_payload(struct jwt_key *key, const unsigned char *buf, size_t n,
    int plain, struct jwt_claims *claims, struct jwt_read *rd,
    struct json_object **plp, const char **why)
{
	enum jwt_json_err	 jrc;

	if (plain && jwt_fast_read(buf, n, claims, rd) == 0)
		return SVC_OK;
	memset(claims, 0, sizeof(*claims));
	claims->via = JWT_VIA_TREE;
	if ((jrc = jwt_json(key, buf, n, plp)) != JWT_JSON_OK) {
		*why = jwt_why_payload[jrc];
		return jrc == JWT_JSON_NOMEM ? SVC_NOMEM : SVC_DENIED;
	}
	jwt_tree_read(*plp, rd);
	return SVC_OK;
}

/*
 * Looks token up in the set's cache of verified signatures, once the
 * header picked use, and for an asymmetric key only: an HMAC costs
 * less than the SHA-256 of the token, so HS* never comes here.  The
 * cache is made on the first such lookup (once per set, not per
 * request); without memory there is simply none.  Returns 1 on a hit;
 * else 0, with *fill set when d holds the digest that jwt_verify_as
 * remembers once the token has passed.
 */
static int
jwt_cache_find(struct jwt_key *set, const struct jwt_key *use,
    const char *token, size_t len, unsigned char *d, int *fill)
{
	*fill = 0;
	if (use->ctx != NULL)
		return 0;
	if (set->vc == NULL && (set->vc = vcache_new()) == NULL)
		return 0;
	if (vcache_digest(set->vc, token, len, d) == -1) {
		ERR_clear_error();
		return 0;
	}
	if (vcache_find(set->vc, d, use))
		return 1;
	*fill = 1;
	return 0;
}

/*
 * Order matters: the header and all base64url first (cheap, and the
 * alg decides everything after), then the signature, and only a
 * payload whose signature holds is parsed as JSON (RFC 7519 section
 * 7.2 steps 8-10): the JSON parser never sees unauthenticated claims.
 * With plain set the flat reader tries first; whichever reader reads
 * the payload, jwt_check alone decides.
 */
static enum svc_err
jwt_verify_as(struct jwt_key *key, const char *token, size_t len,
    const struct jwt_rules *rules, struct jwt_claims *claims,
    const char **why, int plain)
{
	struct jwt_seg		 seg[3];
	unsigned char		 buf[JWT_SEGMAX + 1];
	struct jwt_read		 rd;
	struct json_object	*pl = NULL;
	struct jwt_key		*use = NULL;
	unsigned char		 d[VCACHE_DIGEST];
	const char		*dummy;
	enum jwt_via		 via;
	enum svc_err		 rc = SVC_DENIED;
	size_t			 n;
	int			 hit = 0, fill = 0;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	memset(claims, 0, sizeof(*claims));

	if (len > JWT_MAX) {
		*why = "token too long";
		goto out;
	}
	if (token == NULL || jwt_split(token, len, seg) == -1) {
		*why = "not three segments";
		goto out;
	}
	if ((rc = jwt_header(key, &seg[0], buf, &use, why)) != SVC_OK)
		goto out;
	rc = SVC_DENIED;
	if (b64_decode(seg[1].p, seg[1].n, buf, JWT_SEGMAX, &n) != SVC_OK) {
		*why = "payload is not canonical base64url";
		goto out;
	}
	/* A hit skips the signature step only: all else runs each time. */
	hit = jwt_cache_find(key, use, token, len, d, &fill);
	if (!hit && (rc = jwt_signature(use, token, seg, why)) != SVC_OK)
		goto out;
	if ((rc = jwt_payload(key, buf, n, plain, claims, &rd, &pl,
	    why)) != SVC_OK)
		goto out;
	rc = SVC_DENIED;
	if (jwt_check(&rd, rules, claims, why) == -1)
		goto out;
	claims->payload = pl;
	claims->key = use;
	pl = NULL;
	if (fill)
		vcache_add(key->vc, d, use, claims->exp);
	/* jwt_es_der may have left a reason that did not happen. */
	*why = NULL;
	rc = SVC_OK;
out:
	if (rc != SVC_OK) {
		/* Nothing to free, but which reader refused stays known. */
		via = claims->via;
		memset(claims, 0, sizeof(*claims));
		claims->via = via;
	}
	claims->cached = hit;
	json_object_put(pl);
	return rc;
}

enum svc_err
jwt_verify(struct jwt_key *key, const char *token, size_t len,
    const struct jwt_rules *rules, struct jwt_claims *claims,
    const char **why)
{
	return jwt_verify_as(key, token, len, rules, claims, why, 0);
}

enum svc_err
jwt_verify_claims(struct jwt_key *key, const char *token, size_t len,
    const struct jwt_rules *rules, struct jwt_claims *claims,
    const char **why)
{
	return jwt_verify_as(key, token, len, rules, claims, why, 1);
}

void
jwt_claims_free(struct jwt_claims *claims)
{
	if (claims == NULL)
		return;
	json_object_put(claims->payload);
	memset(claims, 0, sizeof(*claims));
}
