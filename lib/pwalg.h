/*
 * pwalg.h: the names of the password hash algorithms and the policy
 * that new hashes are made with.  Apart from pw.h because it hashes
 * nothing: a program that only reads the config (profile, refresh,
 * logout) links this and not pw.c, and so does not load libargon2 and
 * libcrypt; every library mapped is paid again by each plain CGI
 * request.
 */
#ifndef PWALG_H
#define PWALG_H

#include <stddef.h>

#include "svc.h"

/* Django 6.0's defaults (django/contrib/auth/hashers.py). */
#define PW_PBKDF2_DEFAULT_ITERATIONS	1200000	/* PBKDF2PasswordHasher */
#define PW_ARGON2_DEFAULT_M	102400	/* Argon2PasswordHasher, KiB */
#define PW_ARGON2_DEFAULT_T	2
#define PW_ARGON2_DEFAULT_P	8
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
 * Django's name -> algorithm: "pbkdf2_sha256", "pbkdf2_sha1",
 * "argon2", "scrypt", "bcrypt_sha256", "bcrypt" (the ones we write);
 * SVC_BADINPUT otherwise.
 */
enum svc_err	 pw_alg_parse(const char *name, enum pw_alg *alg);

/* The same for the first len bytes of name (an encoded hash's prefix). */
enum svc_err	 pw_alg_lookup(const char *name, size_t len,
		    enum pw_alg *alg);

/* Django's name for alg ("pbkdf2_sha256"); NULL for crypt(3) kinds. */
const char	*pw_alg_django(enum pw_alg alg);

/* A static name for alg ("pbkdf2_sha256", "crypt $6$"); never NULL. */
const char	*pw_alg_name(enum pw_alg alg);

/*
 * Fills policy for alg with Django's default costs and, for pbkdf2,
 * pbkdf2_iterations.
 */
void		 pw_policy_init(struct pw_policy *policy, enum pw_alg alg,
		    unsigned pbkdf2_iterations);

#endif /* PWALG_H */
