/*
 * fuzz-pw: libFuzzer harness for pw_parse, pw_verify and
 * pw_needs_rehash on stored hashes, which come from a database that
 * other programs (Django, PHP, shadow tools) write too.  Every format
 * is parsed; pw_verify runs only when the parsed cost is small, so that
 * each input stays fast (the cost bounds themselves are pw.c's).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pw.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
quiet(void *arg, const char *line, size_t len)
{
	(void)arg;
	(void)line;
	(void)len;
}

/* Non-zero when verifying pp costs about a millisecond or less. */
static int
cheap(const struct pw_parsed *pp)
{
	switch (pp->alg) {
	case PW_PBKDF2_SHA256:
	case PW_PBKDF2_SHA1:
		return pp->iterations <= 1000;
	case PW_ARGON2:
		return (unsigned long long)pp->argon2_m * pp->argon2_t <= 1024;
	case PW_SCRYPT:
		return (unsigned long long)pp->scrypt_n * pp->scrypt_r *
		    pp->scrypt_p <= 4096;
	case PW_BCRYPT_SHA256:
	case PW_BCRYPT:
	case PW_CRYPT_BCRYPT:
		return pp->cost <= 4;
	case PW_CRYPT_SHA256:
	case PW_CRYPT_SHA512:
		return pp->iterations <= 5000;
	case PW_CRYPT_YESCRYPT:
		return (unsigned long long)pp->scrypt_n * pp->scrypt_r *
		    pp->scrypt_p * (pp->yescrypt_t + 1) <= 8192;
	default:
		return 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct pw_policy pols[] = {
		{ .alg = PW_PBKDF2_SHA256, .iterations = 1000 },
		{ .alg = PW_ARGON2, .iterations = 1, .argon2_m = 8,
		    .argon2_t = 1, .argon2_p = 1 },
		{ .alg = PW_SCRYPT, .iterations = 1, .scrypt_n = 16 },
		{ .alg = PW_BCRYPT_SHA256, .iterations = 1, .bcrypt_cost = 4 },
	};
	struct pw_parsed pp;
	size_t		 i;
	char		*s;

	log_set_sink(quiet, NULL);
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (pw_parse(s, &pp) == SVC_OK) {
		/* What parsed must lie inside the string. */
		if (pp.alg != PW_UNUSABLE &&
		    (pp.salt < s || pp.salt + pp.salt_len > s + size ||
		    pp.hash < s || pp.hash + pp.hash_len > s + size))
			__builtin_trap();
		if ((unsigned)pp.alg >= PW_ALG__MAX)
			__builtin_trap();
		if (cheap(&pp)) {
			if (pw_verify("password123", 11, s) == SVC_OK &&
			    pp.alg == PW_UNUSABLE)
				__builtin_trap();
		}
		for (i = 0; i < sizeof(pols) / sizeof(pols[0]); i++)
			(void)pw_needs_rehash(s, &pols[i]);
	} else {
		if (pw_verify("password123", 11, s) != SVC_DENIED)
			__builtin_trap();
		for (i = 0; i < sizeof(pols) / sizeof(pols[0]); i++)
			if (pw_needs_rehash(s, &pols[i]) != 0)
				__builtin_trap();
	}
	free(s);
	return 0;
}
