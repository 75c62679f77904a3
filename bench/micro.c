/*
 * micro: the in-process half of `make bench` (bench/run).
 *
 *   micro tokens              verify_ns verify_tree_ns sign_ns
 *                             floor_ns, each the median of 5 timed
 *                             repeats
 *   micro loop KIND N         N operations of KIND (verify,
 *                             verify_tree, sign, floor) inside
 *                             micro_loop(), for
 *                             callgrind --toggle-collect=micro_loop
 *   micro hash PASSWORD HASH [N]
 *                             hash_ms: median of N (20) pw_verify calls
 *
 * The token is a 255-byte access token with lib/tokens.c's claims (fp
 * left out, as in a token PyJWT makes, to stay at 255 bytes).  verify
 * is jwt_verify_claims, what the endpoints call; verify_tree is
 * jwt_verify, which also builds the json-c payload.  The floor is what no
 * HS256 verifier can skip: OpenSSL's one-shot HMAC-SHA256 over the
 * same signing input, keyed for each call as a one-shot HMAC would be
 * (a fresh context, the key schedule, update, final), plus the
 * base64url decode of the payload.  The HMAC implementation itself is
 * fetched once per process, as any program would: OpenSSL 3's HMAC()
 * fetches it on every call, which would make the floor mostly lookup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "b64.h"
#include "jwt.h"
#include "pw.h"

#define MICRO_REPEATS	5
#define MICRO_TOKLEN	255

enum micro_kind {
	MICRO_VERIFY,
	MICRO_TREE,
	MICRO_SIGN,
	MICRO_FLOOR,
	MICRO__MAX
};

static const char *const micro_names[MICRO__MAX] = {
	[MICRO_VERIFY] = "verify",
	[MICRO_TREE] = "verify_tree",
	[MICRO_SIGN] = "sign",
	[MICRO_FLOOR] = "floor",
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

static int
micro_init(struct micro *m)
{
	size_t	 ulen;
	char	*dot;

	memset(m, 0, sizeof(*m));
	if ((m->mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return -1;
	if (jwt_key_new(&m->key, JWT_HS256, micro_secret,
	    sizeof(micro_secret) - 1) != SVC_OK)
		return -1;
	/* The longest username whose token still fits in 255 bytes. */
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
	    "sign_ns=%.0f floor_ns=%.0f\n", m.tlen, ns[MICRO_VERIFY],
	    ns[MICRO_TREE], ns[MICRO_SIGN], ns[MICRO_FLOOR]);
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
	fprintf(stderr, "usage: micro tokens | loop verify|sign|floor N | "
	    "hash PASSWORD HASH [N]\n");
	return 2;
}
