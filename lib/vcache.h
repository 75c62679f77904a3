/*
 * vcache.h: a fixed-size, per-key-set cache of compact tokens whose
 * asymmetric signature this process has already verified, keyed by
 * the SHA-256 of the whole token as received.
 */
#ifndef VCACHE_H
#define VCACHE_H

#include <stddef.h>

#define VCACHE_DIGEST	32	/* SHA-256 */
#define VCACHE_WAYS	4	/* entries per set */
#define VCACHE_SETS	1024	/* a power of two */
#define VCACHE_SIZE	(VCACHE_WAYS * VCACHE_SETS)

struct vcache;

/* Counters since vcache_new (or the last vcache_clear). */
struct vcache_stats {
	unsigned long long	 hits;
	unsigned long long	 misses;
	unsigned long long	 fills;
	unsigned long long	 evictions;	/* a live entry replaced */
	size_t			 entries;	/* <= VCACHE_SIZE */
};

/* An empty cache, or NULL when out of memory.  vcache_free frees it. */
struct vcache	*vcache_new(void);
/* NULL is safe. */
void		 vcache_free(struct vcache *vc);
/* Forgets every entry and resets the counters, in constant time. */
void		 vcache_clear(struct vcache *vc);

/*
 * SHA-256 of the token's len bytes into d.  Returns 0, or -1 when
 * OpenSSL fails (then treat it as a miss and do not fill).
 */
int		 vcache_digest(struct vcache *vc, const char *token,
		    size_t len, unsigned char d[VCACHE_DIGEST]);

/*
 * 1 when d was filled for the same key (an opaque tag the caller
 * chose, never dereferenced), else 0.  Counts a hit or a miss.
 */
int		 vcache_find(struct vcache *vc,
		    const unsigned char d[VCACHE_DIGEST], const void *key);

/*
 * Remembers d as verified with key until exp (seconds since the
 * epoch): an empty way of d's set, else the one that expires first
 * (an expired entry goes before any live one).  Never allocates.
 */
void		 vcache_add(struct vcache *vc,
		    const unsigned char d[VCACHE_DIGEST], const void *key,
		    long long exp);

void		 vcache_stats(const struct vcache *vc,
		    struct vcache_stats *st);

#endif /* VCACHE_H */
