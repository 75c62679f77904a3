/*
 * vcache.c: the verified-signature cache (see vcache.h).
 *
 * Why a hit may skip the signature check: an entry is filled only
 * after the caller verified the token's signature with a configured
 * key, and a hit needs the SHA-256 of the token presented to equal, in
 * all 32 bytes, that of a token that verified, and the same key tag.
 * A different token that hits is a SHA-256 second preimage.  The hit
 * skips only the signature: the caller still parses the header and
 * payload and checks every claim (exp too) each time.  The cache
 * belongs to one key set and dies with it; the set cannot change
 * within a process today (see tokens.c for a future reload).
 *
 * Set-associative: the digest's first bytes pick one of VCACHE_SETS
 * sets of VCACHE_WAYS entries, and the digest is compared in full.
 * The table is allocated once, with the cache: nothing per request.
 * (OpenSSL 3.0's EVP_DigestInit_ex2 itself frees and remakes its
 * SHA-256 context, one malloc per digest; 3.2 and later reuse it.)
 * No lock: a key set serves one thread at a time (jwt.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "vcache.h"

struct vcache_entry {
	unsigned char	 digest[VCACHE_DIGEST];
	long long	 exp;
	const void	*key;		/* NULL: the entry is empty */
	unsigned	 gen;		/* else empty unless vc->gen */
};

struct vcache {
	EVP_MD		*sha256;	/* fetched once: a fetch takes locks */
	EVP_MD_CTX	*md;		/* re-initialised per digest */
	struct vcache_stats st;
	unsigned	 gen;		/* vcache_clear's count */
	struct vcache_entry e[VCACHE_SETS][VCACHE_WAYS];
};

struct vcache *
vcache_new(void)
{
	struct vcache	*vc;

	if ((vc = calloc(1, sizeof(*vc))) == NULL)
		return NULL;
	if ((vc->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL ||
	    (vc->md = EVP_MD_CTX_new()) == NULL) {
		vcache_free(vc);
		return NULL;
	}
	return vc;
}

void
vcache_free(struct vcache *vc)
{
	if (vc == NULL)
		return;
	EVP_MD_CTX_free(vc->md);
	EVP_MD_free(vc->sha256);
	free(vc);
}

/*
 * O(1), so that bench/micro can time a miss: a new generation makes
 * every entry empty; the table is wiped only when the count wraps.
 */
void
vcache_clear(struct vcache *vc)
{
	memset(&vc->st, 0, sizeof(vc->st));
	if (++vc->gen == 0)
		memset(vc->e, 0, sizeof(vc->e));
}

/* 1 when e holds an entry of this generation. */
static int
vcache_live(const struct vcache *vc, const struct vcache_entry *e)
{
	return e->key != NULL && e->gen == vc->gen;
}

int
vcache_digest(struct vcache *vc, const char *token, size_t len,
    unsigned char d[VCACHE_DIGEST])
{
	unsigned int	 n;

	if (!EVP_DigestInit_ex2(vc->md, vc->sha256, NULL) ||
	    !EVP_DigestUpdate(vc->md, token, len) ||
	    !EVP_DigestFinal_ex(vc->md, d, &n) || n != VCACHE_DIGEST)
		return -1;
	return 0;
}

/* The set of d: SHA-256 output is uniform, any bits will do. */
static struct vcache_entry *
vcache_set(struct vcache *vc, const unsigned char d[VCACHE_DIGEST])
{
	uint32_t	 h;

	h = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16;
	return vc->e[h & (VCACHE_SETS - 1)];
}

int
vcache_find(struct vcache *vc, const unsigned char d[VCACHE_DIGEST],
    const void *key)
{
	struct vcache_entry	*s = vcache_set(vc, d);
	size_t			 i;

	for (i = 0; i < VCACHE_WAYS; i++)
		if (vcache_live(vc, &s[i]) && s[i].key == key &&
		    CRYPTO_memcmp(s[i].digest, d, VCACHE_DIGEST) == 0) {
			vc->st.hits++;
			return 1;
		}
	vc->st.misses++;
	return 0;
}

void
vcache_add(struct vcache *vc, const unsigned char d[VCACHE_DIGEST],
    const void *key, long long exp)
{
	struct vcache_entry	*s = vcache_set(vc, d), *v = &s[0];
	size_t			 i;

	/* The first empty way, else the entry that expires first. */
	for (i = 0; i < VCACHE_WAYS && vcache_live(vc, v); i++)
		if (!vcache_live(vc, &s[i]) || s[i].exp < v->exp)
			v = &s[i];
	if (!vcache_live(vc, v))
		vc->st.entries++;
	else
		vc->st.evictions++;
	memcpy(v->digest, d, VCACHE_DIGEST);
	v->exp = exp;
	v->key = key;
	v->gen = vc->gen;
	vc->st.fills++;
}

void
vcache_stats(const struct vcache *vc, struct vcache_stats *st)
{
	if (vc == NULL) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = vc->st;
}
