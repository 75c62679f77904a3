/*
 * pw.h: password hashes in Django's encoded formats
 * ("<algorithm>$<params>$<salt>$<hash>").  Comparisons run in constant
 * time; password buffers that we make are wiped.
 */
#ifndef PW_H
#define PW_H

#include <stddef.h>

#include "svc.h"

#define PW_ENCODED_MAX	256	/* Django's column is varchar(128) */
#define PW_PBKDF2_DEFAULT_ITERATIONS	1200000	/* Django 6.0 */

enum pw_alg {
	PW_PBKDF2_SHA256,
	PW_PBKDF2_SHA1,
	PW_UNUSABLE,		/* starts with '!': matches nothing */
	PW_ALG__MAX
};

/* What new hashes are made with. */
struct pw_policy {
	enum pw_alg	 alg;
	unsigned	 iterations;	/* pbkdf2 */
};

/* An encoded hash taken apart; pointers borrow from the string. */
struct pw_parsed {
	enum pw_alg	 alg;
	unsigned	 iterations;
	const char	*salt;
	size_t		 salt_len;
	const char	*hash;		/* base64 as Django writes it */
	size_t		 hash_len;
};

/* "pbkdf2_sha256" -> PW_PBKDF2_SHA256; SVC_BADINPUT otherwise. */
enum svc_err	 pw_alg_parse(const char *name, enum pw_alg *alg);

/*
 * Takes encoded (NUL-terminated) apart.  SVC_BADINPUT for an unknown
 * algorithm or a malformed string; PW_UNUSABLE parses as SVC_OK.
 */
enum svc_err	 pw_parse(const char *encoded, struct pw_parsed *out);

/*
 * SVC_OK when password (len bytes) matches encoded; SVC_DENIED for a
 * mismatch, an unusable or a malformed hash (a malformed one is logged
 * once, without the hash).  SVC_NOMEM/SVC_CRYPTO on internal failure.
 */
enum svc_err	 pw_verify(const char *password, size_t len,
		    const char *encoded);

/*
 * Spends the work of one verify against a hash made with policy, and
 * matches nothing: used for unknown users so that timing tells nothing.
 */
void		 pw_dummy(const char *password, size_t len,
		    const struct pw_policy *policy);

/*
 * Makes a new encoded hash with a random salt into out (outsz >=
 * PW_ENCODED_MAX).  SVC_BADINPUT if policy names no writable algorithm.
 */
enum svc_err	 pw_make(const char *password, size_t len,
		    const struct pw_policy *policy, char *out, size_t outsz);

/* Non-zero when encoded was not made with policy's algorithm and cost. */
int		 pw_needs_rehash(const char *encoded,
		    const struct pw_policy *policy);

#endif /* PW_H */
