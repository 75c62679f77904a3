/*
 * fuzz-pw: libFuzzer harness for pw_parse, pw_verify and
 * pw_needs_rehash on stored hashes, which come from a database that
 * other programs (Django) write too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pw.h"

#define FUZZ_ITER_MAX	1000	/* pw_verify is PBKDF2: keep it fast */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
quiet(void *arg, const char *line, size_t len)
{
	(void)arg;
	(void)line;
	(void)len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct pw_policy pol = { PW_PBKDF2_SHA256, 1000 };
	struct pw_parsed pp;
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
		if (pp.iterations <= FUZZ_ITER_MAX) {
			if (pw_verify("password123", 11, s) == SVC_OK &&
			    pp.alg == PW_UNUSABLE)
				__builtin_trap();
		}
		(void)pw_needs_rehash(s, &pol);
	} else if (pw_verify("password123", 11, s) != SVC_DENIED)
		__builtin_trap();
	free(s);
	return 0;
}
