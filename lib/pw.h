/*
 * pw.h: password hashes in Django's encoded formats
 * ("<algorithm>$<params>$<salt>$<hash>") and in crypt(3)'s
 * ("$6$salt$hash").  Comparisons run in constant time; password
 * buffers that we make are wiped.
 */
#ifndef PW_H
#define PW_H

#include <stddef.h>

#include "svc.h"

#define PW_ENCODED_MAX	256	/* Django's column is varchar(128) */

/* Django 6.0's defaults (django/contrib/auth/hashers.py). */
#define PW_PBKDF2_DEFAULT_ITERATIONS	1200000	/* PBKDF2PasswordHasher */
#define PW_ARGON2_DEFAULT_M	102400	/* Argon2PasswordHasher, KiB */
#define PW_ARGON2_DEFAULT_T	2
#define PW_ARGON2_DEFAULT_P	8
#define PW_ARGON2_HASH_LEN	32	/* argon2-cffi >= 21.2 */
#define PW_SCRYPT_DEFAULT_N	16384	/* ScryptPasswordHasher: 2**14 */
#define PW_SCRYPT_DEFAULT_R	8
#define PW_SCRYPT_DEFAULT_P	5
#define PW_BCRYPT_DEFAULT_COST	12	/* BCryptSHA256PasswordHasher */

enum pw_alg {
	/* Django's hashers, read and written. */
	PW_PBKDF2_SHA256,
	PW_PBKDF2_SHA1,
	PW_ARGON2,
	PW_SCRYPT,
	PW_BCRYPT_SHA256,
	PW_BCRYPT,
	/* crypt(3) strings, read only (through crypt_r). */
	PW_CRYPT_BCRYPT,	/* $2a$, $2b$, $2y$ (PHP, htpasswd -B) */
	PW_CRYPT_SHA256,	/* $5$ */
	PW_CRYPT_SHA512,	/* $6$ (openssl passwd -6, shadow) */
	PW_CRYPT_YESCRYPT,	/* $y$ (Debian 11+ shadow) */
	PW_UNUSABLE,		/* starts with '!': matches nothing */
	PW_ALG__MAX
};

enum pw_argon2_type {
	PW_ARGON2_D,
	PW_ARGON2_I,
	PW_ARGON2_ID,
	PW_ARGON2_TYPE__MAX
};

/*
 * What new hashes are made with, and what pw_needs_rehash compares
 * with.  A zero argon2, scrypt or bcrypt field means Django's default
 * above, so { .alg = PW_PBKDF2_SHA256, .iterations = 1000 } is a
 * whole policy (initialize by name: -Wmissing-field-initializers);
 * iterations must be set for the pbkdf2 algorithms.  pw_policy_init
 * fills all.
 */
struct pw_policy {
	enum pw_alg	 alg;
	unsigned	 iterations;	/* pbkdf2 */
	unsigned	 argon2_m;	/* argon2id, KiB */
	unsigned	 argon2_t;	/* passes */
	unsigned	 argon2_p;	/* lanes */
	unsigned	 scrypt_n;	/* a power of two */
	unsigned	 scrypt_r;
	unsigned	 scrypt_p;
	unsigned	 bcrypt_cost;	/* log2 of the rounds */
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
 * Django's name -> algorithm: "pbkdf2_sha256", "pbkdf2_sha1",
 * "argon2", "scrypt", "bcrypt_sha256", "bcrypt" (the ones we write);
 * SVC_BADINPUT otherwise.
 */
enum svc_err	 pw_alg_parse(const char *name, enum pw_alg *alg);

/* A static name for alg ("pbkdf2_sha256", "crypt $6$"); never NULL. */
const char	*pw_alg_name(enum pw_alg alg);

/*
 * Fills policy for alg with Django's default costs and, for pbkdf2,
 * pbkdf2_iterations.
 */
void		 pw_policy_init(struct pw_policy *policy, enum pw_alg alg,
		    unsigned pbkdf2_iterations);

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
 * Non-zero when encoded was not made with policy's algorithm and cost
 * (Django's must_update); 0 for a malformed or unusable hash.
 */
int		 pw_needs_rehash(const char *encoded,
		    const struct pw_policy *policy);

#endif /* PW_H */
