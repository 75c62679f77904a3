/*
 * test-pwalg.c: algorithm names both ways (Django's, and the labels we
 * print) and the default policy.
 */
#include <stdio.h>
#include <string.h>

#include "pwalg.h"
#include "tap.h"

static void
test_parse(void)
{
	static const struct {
		const char	*name;
		enum pw_alg	 alg;
	} django[] = {
		{ "pbkdf2_sha256", PW_PBKDF2_SHA256 },
		{ "pbkdf2_sha1", PW_PBKDF2_SHA1 },
		{ "argon2", PW_ARGON2 },
		{ "scrypt", PW_SCRYPT },
		{ "bcrypt_sha256", PW_BCRYPT_SHA256 },
		{ "bcrypt", PW_BCRYPT },
	};
	const char	*name;
	enum pw_alg	 alg;
	size_t		 i;

	for (i = 0; i < sizeof(django) / sizeof(django[0]); i++) {
		alg = PW_ALG__MAX;
		is_int(pw_alg_parse(django[i].name, &alg), SVC_OK,
		    django[i].name);
		is_int(alg, django[i].alg, "its value");
		name = pw_alg_django(alg);
		ok(name != NULL && strcmp(name, django[i].name) == 0,
		    "pw_alg_django gives the name back");
	}
	is_int(pw_alg_parse("argon2id", &alg), SVC_BADINPUT,
	    "alg argon2id (a variant, not a Django name)");
	is_int(pw_alg_parse("crypt $6$", &alg), SVC_BADINPUT,
	    "alg crypt label is not writable");
	is_int(pw_alg_parse("unusable", &alg), SVC_BADINPUT,
	    "alg unusable label");
	is_int(pw_alg_parse("pbkdf2_sha2566", &alg), SVC_BADINPUT,
	    "alg longer name");
	is_int(pw_alg_parse("pbkdf2_sha", &alg), SVC_BADINPUT,
	    "alg prefix");
	is_int(pw_alg_parse("", &alg), SVC_BADINPUT, "alg empty");
	is_int(pw_alg_parse("!", &alg), SVC_BADINPUT, "alg '!'");
	is_int(pw_alg_parse(NULL, &alg), SVC_BADINPUT, "alg NULL");
}

/* An encoded hash's prefix: only the first len bytes count. */
static void
test_lookup(void)
{
	enum pw_alg	 alg = PW_ALG__MAX;

	is_int(pw_alg_lookup("scrypt$16384$salt", 6, &alg), SVC_OK,
	    "lookup: prefix of an encoded hash");
	is_int(alg, PW_SCRYPT, "lookup: its value");
	is_int(pw_alg_lookup("bcrypt_sha256$$2b$", 6, &alg), SVC_OK,
	    "lookup: 6 bytes of bcrypt_sha256 are bcrypt");
	is_int(alg, PW_BCRYPT, "lookup: bcrypt value");
	is_int(pw_alg_lookup("scrypt", 5, &alg), SVC_BADINPUT,
	    "lookup: a cut name is no name");
	is_int(pw_alg_lookup("", 0, &alg), SVC_BADINPUT, "lookup: empty");
}

static void
test_names(void)
{
	ok(strcmp(pw_alg_name(PW_CRYPT_YESCRYPT), "crypt $y$") == 0 &&
	    strcmp(pw_alg_name(PW_ARGON2), "argon2") == 0 &&
	    strcmp(pw_alg_name(PW_UNUSABLE), "unusable") == 0 &&
	    strcmp(pw_alg_name(PW_ALG__MAX), "unknown") == 0, "pw_alg_name");
	ok(pw_alg_django(PW_CRYPT_SHA512) == NULL &&
	    pw_alg_django(PW_UNUSABLE) == NULL &&
	    pw_alg_django(PW_ALG__MAX) == NULL,
	    "pw_alg_django: NULL for what Django does not name");
}

static void
test_policy(void)
{
	struct pw_policy p;

	memset(&p, 0xff, sizeof(p));
	pw_policy_init(&p, PW_ARGON2, 777);
	ok(p.alg == PW_ARGON2 && p.iterations == 777 &&
	    p.argon2_m == 102400 && p.argon2_t == 2 && p.argon2_p == 8 &&
	    p.scrypt_n == 16384 && p.scrypt_r == 8 && p.scrypt_p == 5 &&
	    p.bcrypt_cost == 12, "pw_policy_init: Django's defaults");
}

int
main(void)
{
	test_parse();
	test_lookup();
	test_names();
	test_policy();
	return tap_done();
}
