/*
 * pw.h: password hashes in Django's encoded formats
 * ("<algorithm>$<params>$<salt>$<hash>") and in crypt(3)'s
 * ("$6$salt$hash").  Comparisons run in constant time; password
 * buffers that we make are wiped.
 */
#ifndef PW_H
#define PW_H

#include <stddef.h>

#include "pwalg.h"
#include "svc.h"

#define PW_ENCODED_MAX	256	/* Django's column is varchar(128) */
#define PW_ARGON2_HASH_LEN	32	/* argon2-cffi >= 21.2 */

enum pw_argon2_type {
	PW_ARGON2_D,
	PW_ARGON2_I,
	PW_ARGON2_ID,
	PW_ARGON2_TYPE__MAX
};

/*
 * An encoded hash taken apart; pointers borrow from the string.  Which
 * fields are set depends on alg; the others are zero.
 */
struct pw_parsed {
	enum pw_alg	 alg;
	unsigned	 iterations;	/* pbkdf2; $5$ and $6$ rounds */
	unsigned	 cost;		/* the bcrypt kinds: log2 rounds */
	enum pw_argon2_type argon2_type;
	unsigned	 argon2_version; /* 0x10 (none written) or 0x13 */
	unsigned	 argon2_m, argon2_t, argon2_p;
	unsigned	 scrypt_n, scrypt_r, scrypt_p; /* scrypt, yescrypt */
	unsigned	 yescrypt_t;
	size_t		 salt_raw_len;	/* argon2: decoded salt bytes */
	size_t		 hash_raw_len;	/* argon2: decoded hash bytes */
	const char	*salt;
	size_t		 salt_len;
	const char	*hash;		/* as written (base64 of some kind) */
	size_t		 hash_len;
};

/*
 * Takes encoded (NUL-terminated) apart.  SVC_BADINPUT for an unknown
 * algorithm, a malformed string or a cost over our bounds (pw.c);
 * PW_UNUSABLE parses as SVC_OK.
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
 * PW_ENCODED_MAX).  SVC_BADINPUT if policy names no writable algorithm
 * or a cost out of bounds, or (bcrypt) the password holds a NUL byte.
 * On failure out is "".
 */
enum svc_err	 pw_make(const char *password, size_t len,
		    const struct pw_policy *policy, char *out, size_t outsz);

/*
 * Non-zero when pp (from pw_parse) costs more than factor times the
 * policy of its family: pbkdf2 against policy's iterations, argon2,
 * scrypt and bcrypt against policy's (or Django's default) costs,
 * crypt(3)'s $5$, $6$ and $y$ against their own defaults.  Such a hash
 * is not computed (issue 13, 5): one hostile row must not tie up a
 * worker for minutes.
 */
int		 pw_over_cost(const struct pw_parsed *pp,
		    const struct pw_policy *policy, unsigned factor);

/*
 * Spends the work of iterations rounds of PBKDF2-HMAC-SHA256 on a
 * fixed input: a top-up for timing, whose result is thrown away.
 */
void		 pw_spend(unsigned iterations);

/*
 * Non-zero when encoded was not made with policy's algorithm and cost
 * (Django's must_update); 0 for a malformed or unusable hash.
 */
int		 pw_needs_rehash(const char *encoded,
		    const struct pw_policy *policy);

#endif /* PW_H */
