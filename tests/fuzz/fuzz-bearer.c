/*
 * fuzz-bearer.c: the Authorization header value (req_bearer).  An
 * accepted token lies inside the header and holds token68 characters
 * only, so it can never smuggle a space, quote or control character.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	 token68[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*tok;
	char		*h;
	size_t		 len, i;

	/* A CGI variable is a C string: cut at the first NUL. */
	if ((h = malloc(size + 1)) == NULL)
		return 0;
	memcpy(h, data, size);
	h[size] = '\0';
	if (req_bearer(h, &tok, &len) == SVC_OK) {
		if (len == 0 || tok < h || tok + len > h + strlen(h))
			abort();
		for (i = 0; i < len; i++)
			if (strchr(token68, tok[i]) == NULL || tok[i] == '\0')
				abort();
	} else if (tok != NULL || len != 0)
		abort();
	free(h);
	return 0;
}
