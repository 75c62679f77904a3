/*
 * fuzz-cfg: libFuzzer harness for cfg_parse, which reads a file that an
 * operator wrote; its error paths must free what the defaults made.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cfg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg	 c;
	char		 err[256];

	memset(&c, 0, sizeof(c));
	if (cfg_parse(&c, (const char *)data, size, err, sizeof(err)) ==
	    SVC_OK)
		err[0] = '\0';
	/* A message is one line, NUL-terminated within err. */
	if (memchr(err, '\0', sizeof(err)) == NULL ||
	    strchr(err, '\n') != NULL)
		__builtin_trap();
	cfg_free(&c);
	return 0;
}
