/*
 * micro: the in-process half of `make bench` (bench/run).
 *
 *   micro tokens              verify_ns verify_tree_ns sign_ns
 *                             floor_ns, each the median of 5 timed
 *                             repeats
 *                             and per asymmetric ALG (rs256, es256,
 *                             eddsa): verify_ALG_ns sign_ALG_ns
 *                             floor_ALG_ns floor_sign_ALG_ns
 *                             verify_hit_ALG_ns
 *   micro loop KIND N         N operations of KIND (verify,
 *                             verify_tree, sign, floor, verify_ALG,
 *                             sign_ALG, floor_ALG, floor_sign_ALG,
 *                             verify_hit_ALG)
 *                             inside micro_loop(), for
 *                             callgrind --toggle-collect=micro_loop
 *   micro hash PASSWORD HASH [N]
 *                             hash_ms: median of N (20) pw_verify calls
 *
 * The token is a 290-byte access token with lib/tokens.c's claims (fp
 * left out, as in a token PyJWT makes): the claims of the 255-byte
 * token of before the header carried the kid (issue 15).  verify
 * is jwt_verify_claims, what the endpoints call; verify_tree is
 * jwt_verify, which also builds the json-c payload.  The floor is what no
 * HS256 verifier can skip: OpenSSL's one-shot HMAC-SHA256 over the
 * same signing input, keyed for each call as a one-shot HMAC would be
 * (a fresh context, the key schedule, update, final), plus the
 * base64url decode of the payload.  The HMAC implementation itself is
 * fetched once per process, as any program would: OpenSSL 3's HMAC()
 * fetches it on every call, which would make the floor mostly lookup.
 *
 * For RS256, ES256 and EdDSA the token is the same payload signed by
 * jwt_sign with a fresh key (RS256: 2048 bits).  Their floors are what
 * no verifier or signer with a kept key can skip: EVP_DigestVerifyInit
 * and EVP_DigestVerify (floor_ALG) or EVP_DigestSignInit and
 * EVP_DigestSign (floor_sign_ALG) over the same signing input with the
 * same EVP_PKEY, loaded once, SHA-256 fetched once (ES256: the DER
 * signature ready-made; the verify floor also decodes the payload).
 * verify_ALG empties the key's cache of verified tokens first (lib/
 * vcache.h), so that it times a miss: the signature check plus the
 * SHA-256 of the token; verify_hit_ALG times the same token found in
 * the cache, which is what a worker pays from a token's second use on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>

#include "b64.h"
#include "jwt.h"
#include "pw.h"

#define MICRO_REPEATS	5
#define MICRO_TOKLEN	290

enum micro_kind {
	MICRO_VERIFY,
	MICRO_TREE,
	MICRO_SIGN,
	MICRO_FLOOR,
	MICRO_PK,		/* first of the asymmetric kinds */
	MICRO__MAX = MICRO_PK + 15
};

/* The asymmetric algorithms; each has five kinds from MICRO_PK on. */
enum micro_pkop {
	MICRO_PK_VERIFY,	/* a token the cache has not seen */
	MICRO_PK_SIGN,
	MICRO_PK_FLOOR,
	MICRO_PK_FLOOR_SIGN,
	MICRO_PK_VERIFY_HIT,	/* the same token again: a cache hit */
	MICRO_PK__MAX
};

#define MICRO_NPK	3

static const enum jwt_alg micro_pkalg[MICRO_NPK] = {
	JWT_RS256, JWT_ES256, JWT_EDDSA,
};

static const char *const micro_names[MICRO__MAX] = {
	[MICRO_VERIFY] = "verify",
	[MICRO_TREE] = "verify_tree",
	[MICRO_SIGN] = "sign",
	[MICRO_FLOOR] = "floor",
	"verify_rs256", "sign_rs256", "floor_rs256", "floor_sign_rs256",
	"verify_hit_rs256",
	"verify_es256", "sign_es256", "floor_es256", "floor_sign_es256",
	"verify_hit_es256",
	"verify_eddsa", "sign_eddsa", "floor_eddsa", "floor_sign_eddsa",
	"verify_hit_eddsa",
};

/* One asymmetric algorithm's key, token and floor set-up. */
struct micro_pk {
	struct jwt_key	*key;
	EVP_PKEY	*pkey;		/* the same key, for the floors */
	EVP_MD_CTX	*md;
	const EVP_MD	*digest;	/* NULL for Ed25519 */
	char		 token[2048];
	size_t		 tlen;
	size_t		 siglen;	/* header "." payload */
	unsigned char	 sig[1024];	/* as EVP_DigestVerify takes it */
	size_t		 sigbytes;
};

static const unsigned char micro_secret[] =
    "bench-secret-bench-secret-bench-secret-0123456789";

struct micro {
	struct jwt_key	*key;
	EVP_MAC		*mac;		/* for the floor */
	struct jwt_rules rules;
	char		 payload[512];
	size_t		 plen;
	char		 token[1024];
	size_t		 tlen;
	size_t		 siglen;	/* header "." payload */
	const char	*pl64;		/* the payload segment */
	size_t		 pl64len;
	struct micro_pk	 pk[MICRO_NPK];
	EVP_MD		*sha256;
	volatile size_t	 sink;
};

static double
micro_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int
micro_cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
micro_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), micro_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The payload of an access token as tokens_sign writes it. */
static size_t
micro_payload(char *out, size_t outsz, size_t ulen)
{
	char	 user[256];
	int	 n;

	if (ulen >= sizeof(user))
		ulen = sizeof(user) - 1;
	memset(user, 'u', ulen);
	user[ulen] = '\0';
	n = snprintf(out, outsz, "{\"token_type\":\"access\",\"exp\":%lld,"
	    "\"iat\":%lld,\"jti\":\"0123456789abcdef0123456789abcdef\","
	    "\"user_id\":%d,\"username\":\"%s\"}",
	    4102444800LL, 1700000000LL, 42, user);
	return n < 0 || (size_t)n >= outsz ? 0 : (size_t)n;
}

/* ES256's r||s as DER, for the floor that OpenSSL verifies. */
static int
micro_der(struct micro_pk *p, const unsigned char *raw)
{
	ECDSA_SIG	*es;
	unsigned char	*q = p->sig;
	int		 n;

	if ((es = ECDSA_SIG_new()) == NULL ||
	    !ECDSA_SIG_set0(es, BN_bin2bn(raw, 32, NULL),
	    BN_bin2bn(raw + 32, 32, NULL)))
		return -1;
	n = i2d_ECDSA_SIG(es, &q);
	ECDSA_SIG_free(es);
	if (n <= 0)
		return -1;
	p->sigbytes = (size_t)n;
	return 0;
}

/* A fresh key of alg, the token it signs, and the floor's EVP_PKEY. */
static int
micro_pk_init(struct micro *m, struct micro_pk *p, enum jwt_alg alg)
{
	unsigned char	 raw[1024];
	char		*pem = NULL, *dot;
	size_t		 len, n;
	BIO		*bio = NULL;
	int		 rc = -1;

	if (jwt_keygen(alg, &pem, &len) != SVC_OK ||
	    jwt_key_pem(&p->key, pem, len, NULL) != SVC_OK ||
	    (bio = BIO_new_mem_buf(pem, (int)len)) == NULL ||
	    (p->pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) ==
	    NULL || (p->md = EVP_MD_CTX_new()) == NULL)
		goto out;
	p->digest = alg == JWT_EDDSA ? NULL : m->sha256;
	if (jwt_sign(p->key, m->payload, m->plen, p->token, sizeof(p->token),
	    &p->tlen) != SVC_OK)
		goto out;
	dot = strrchr(p->token, '.');
	p->siglen = (size_t)(dot - p->token);
	if (b64_decode(dot + 1, strlen(dot + 1), raw, sizeof(raw), &n) !=
	    SVC_OK)
		goto out;
	if (alg == JWT_ES256) {
		if (micro_der(p, raw) == -1)
			goto out;
	} else {
		memcpy(p->sig, raw, n);
		p->sigbytes = n;
	}
	rc = 0;
out:
	BIO_free(bio);
	free(pem);
	return rc;
}

/* EVP_DigestVerify (or Sign) over the signing input, kept key. */
static int
micro_pk_floor(struct micro *m, struct micro_pk *p, int sign)
{
	unsigned char	 out[1024], buf[1024];
	size_t		 n = sizeof(out), pn;

	if (!EVP_MD_CTX_reset(p->md))
		return -1;
	if (sign) {
		if (!EVP_DigestSignInit(p->md, NULL, p->digest, NULL,
		    p->pkey) || !EVP_DigestSign(p->md, out, &n,
		    (const unsigned char *)p->token, p->siglen))
			return -1;
		m->sink += n;
		return 0;
	}
	if (!EVP_DigestVerifyInit(p->md, NULL, p->digest, NULL, p->pkey) ||
	    EVP_DigestVerify(p->md, p->sig, p->sigbytes,
	    (const unsigned char *)p->token, p->siglen) != 1 ||
	    b64_decode(m->pl64, m->pl64len, buf, sizeof(buf), &pn) != SVC_OK)
		return -1;
	m->sink += pn;
	return 0;
}

/* One operation of an asymmetric kind. */
static int
micro_pk_one(struct micro *m, int kind)
{
	struct micro_pk		*p = &m->pk[(kind - MICRO_PK) / MICRO_PK__MAX];
	struct jwt_claims	 c;
	char			 out[2048];
	size_t			 n;

	switch ((kind - MICRO_PK) % MICRO_PK__MAX) {
	case MICRO_PK_VERIFY:
	case MICRO_PK_VERIFY_HIT:
		/* A miss: the whole verify plus the token's SHA-256. */
		if ((kind - MICRO_PK) % MICRO_PK__MAX == MICRO_PK_VERIFY)
			jwt_cache_clear(p->key);
		if (jwt_verify_claims(p->key, p->token, p->tlen, &m->rules,
		    &c, NULL) != SVC_OK || c.via != JWT_VIA_FAST)
			return -1;
		m->sink += (size_t)c.user_id;
		jwt_claims_free(&c);
		return 0;
	case MICRO_PK_SIGN:
		if (jwt_sign(p->key, m->payload, m->plen, out, sizeof(out),
		    &n) != SVC_OK)
			return -1;
		m->sink += n;
		return 0;
	case MICRO_PK_FLOOR:
		return micro_pk_floor(m, p, 0);
	case MICRO_PK_FLOOR_SIGN:
		return micro_pk_floor(m, p, 1);
	default:
		return -1;
	}
}

static int
micro_init(struct micro *m)
{
	size_t	 ulen, i;
	char	*dot;

	memset(m, 0, sizeof(*m));
	if ((m->mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return -1;
	if (jwt_key_new(&m->key, JWT_HS256, micro_secret,
	    sizeof(micro_secret) - 1) != SVC_OK)
		return -1;
	/* The longest username whose token still fits in MICRO_TOKLEN. */
	for (ulen = 64; ulen > 0; ulen--) {
		m->plen = micro_payload(m->payload, sizeof(m->payload), ulen);
		if (jwt_sign(m->key, m->payload, m->plen, m->token,
		    sizeof(m->token), &m->tlen) != SVC_OK)
			return -1;
		if (m->tlen <= MICRO_TOKLEN)
			break;
	}
	m->rules.now = 1700000100LL;
	m->rules.token_type = "access";
	dot = strrchr(m->token, '.');
	m->siglen = (size_t)(dot - m->token);
	m->pl64 = strchr(m->token, '.') + 1;
	m->pl64len = (size_t)(dot - m->pl64);
	if ((m->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		return -1;
	for (i = 0; i < MICRO_NPK; i++)
		if (micro_pk_init(m, &m->pk[i], micro_pkalg[i]) == -1)
			return -1;
	return 0;
}

/* HMAC-SHA256 of the signing input, keyed for this call only. */
static int
micro_floor(struct micro *m, unsigned char *out, size_t *outlen)
{
	OSSL_PARAM	 params[2];
	EVP_MAC_CTX	*ctx;
	int		 ok;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_MAC_CTX_new(m->mac)) == NULL)
		return -1;
	ok = EVP_MAC_init(ctx, micro_secret, sizeof(micro_secret) - 1,
	    params) && EVP_MAC_update(ctx, (const unsigned char *)m->token,
	    m->siglen) && EVP_MAC_final(ctx, out, outlen, EVP_MAX_MD_SIZE);
	EVP_MAC_CTX_free(ctx);
	return ok ? 0 : -1;
}

static void
micro_free(struct micro *m)
{
	size_t	 i;

	for (i = 0; i < MICRO_NPK; i++) {
		jwt_key_free(m->pk[i].key);
		EVP_PKEY_free(m->pk[i].pkey);
		EVP_MD_CTX_free(m->pk[i].md);
	}
	EVP_MD_free(m->sha256);
	jwt_key_free(m->key);
	EVP_MAC_free(m->mac);
}

static int
micro_one(struct micro *m, enum micro_kind kind)
{
	struct jwt_claims	 c;
	unsigned char		 mac[EVP_MAX_MD_SIZE], buf[1024];
	size_t			 maclen = 0;
	size_t			 n = 0;
	char			 out[1024];

	if (kind >= MICRO_PK)
		return micro_pk_one(m, (int)kind);
	switch (kind) {
	case MICRO_VERIFY:
		/* The flat reader, or this measures the tree twice. */
		if (jwt_verify_claims(m->key, m->token, m->tlen, &m->rules,
		    &c, NULL) != SVC_OK || c.via != JWT_VIA_FAST)
			return -1;
		m->sink += (size_t)c.user_id;
		jwt_claims_free(&c);
		break;
	case MICRO_TREE:
		if (jwt_verify(m->key, m->token, m->tlen, &m->rules, &c,
		    NULL) != SVC_OK)
			return -1;
		m->sink += (size_t)c.user_id;
		jwt_claims_free(&c);
		break;
	case MICRO_SIGN:
		if (jwt_sign(m->key, m->payload, m->plen, out, sizeof(out),
		    &n) != SVC_OK)
			return -1;
		m->sink += n;
		break;
	case MICRO_FLOOR:
		if (micro_floor(m, mac, &maclen) == -1 ||
		    b64_decode(m->pl64, m->pl64len, buf, sizeof(buf),
		    &n) != SVC_OK)
			return -1;
		m->sink += n + maclen + mac[0];
		break;
	default:
		return -1;
	}
	return 0;
}

/* Kept out of line: callgrind counts only what runs inside it. */
__attribute__((noinline)) static int
micro_loop(struct micro *m, enum micro_kind kind, long n)
{
	long	 i;

	for (i = 0; i < n; i++)
		if (micro_one(m, kind) == -1)
			return -1;
	return 0;
}

/* Nanoseconds per operation: median of MICRO_REPEATS timed loops. */
static double
micro_time(struct micro *m, enum micro_kind kind)
{
	double	 t[MICRO_REPEATS], t0;
	long	 n = 1000;
	int	 i;

	/* Calibrate to about 0.15 s per repeat. */
	for (;;) {
		t0 = micro_now();
		if (micro_loop(m, kind, n) == -1)
			return -1;
		if (micro_now() - t0 > 3e7 || n > 100000000L)
			break;
		n *= 2;
	}
	n = (long)((double)n * 1.5e8 / (micro_now() - t0 + 1));
	if (n < 1000)
		n = 1000;
	for (i = 0; i < MICRO_REPEATS; i++) {
		t0 = micro_now();
		if (micro_loop(m, kind, n) == -1)
			return -1;
		t[i] = (micro_now() - t0) / (double)n;
	}
	return micro_median(t, MICRO_REPEATS);
}

static int
micro_tokens(void)
{
	struct micro	 m;
	double		 ns[MICRO__MAX];
	int		 k;

	if (micro_init(&m) == -1) {
		fprintf(stderr, "micro: set-up failed\n");
		return 1;
	}
	for (k = 0; k < MICRO__MAX; k++)
		if ((ns[k] = micro_time(&m, (enum micro_kind)k)) < 0) {
			fprintf(stderr, "micro: %s failed\n", micro_names[k]);
			return 1;
		}
	printf("token_bytes=%zu verify_ns=%.0f verify_tree_ns=%.0f "
	    "sign_ns=%.0f floor_ns=%.0f", m.tlen, ns[MICRO_VERIFY],
	    ns[MICRO_TREE], ns[MICRO_SIGN], ns[MICRO_FLOOR]);
	for (k = MICRO_PK; k < MICRO__MAX; k++)
		printf(" %s_ns=%.0f", micro_names[k], ns[k]);
	for (k = 0; k < MICRO_NPK; k++)
		printf(" token_bytes_%s=%zu", micro_names[MICRO_PK + k *
		    MICRO_PK__MAX] + sizeof("verify_") - 1, m.pk[k].tlen);
	printf("\n");
	micro_free(&m);
	return 0;
}

static int
micro_loop_cmd(const char *kind, const char *count)
{
	struct micro	 m;
	long		 n = strtol(count, NULL, 10);
	int		 k;

	for (k = 0; k < MICRO__MAX; k++)
		if (strcmp(kind, micro_names[k]) == 0)
			break;
	if (k == MICRO__MAX || n <= 0 || micro_init(&m) == -1)
		return 2;
	/* One untimed round: first-call set-up is not per operation. */
	if (micro_one(&m, (enum micro_kind)k) == -1 ||
	    micro_loop(&m, (enum micro_kind)k, n) == -1)
		return 1;
	micro_free(&m);
	return 0;
}

static int
micro_hash(const char *password, const char *encoded, const char *count)
{
	double	 t[100], t0;
	size_t	 i, n = 20;

	if (count != NULL && (n = strtoul(count, NULL, 10)) == 0)
		n = 1;
	if (n > sizeof(t) / sizeof(t[0]))
		n = sizeof(t) / sizeof(t[0]);
	for (i = 0; i < n; i++) {
		t0 = micro_now();
		if (pw_verify(password, strlen(password), encoded) != SVC_OK) {
			fprintf(stderr, "micro: the password does not match\n");
			return 1;
		}
		t[i] = (micro_now() - t0) / 1e6;
	}
	printf("hash_ms=%.3f\n", micro_median(t, n));
	return 0;
}

int
main(int argc, char *argv[])
{
	if (argc == 2 && strcmp(argv[1], "tokens") == 0)
		return micro_tokens();
	if (argc == 4 && strcmp(argv[1], "loop") == 0)
		return micro_loop_cmd(argv[2], argv[3]);
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "hash") == 0)
		return micro_hash(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	fprintf(stderr, "usage: micro tokens | loop KIND N | "
	    "hash PASSWORD HASH [N]\n  KIND: verify verify_tree sign floor, "
	    "and {verify,sign,floor,floor_sign}_{rs256,es256,eddsa}\n");
	return 2;
}
