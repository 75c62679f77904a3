/*
 * fuzz-b64.c: libFuzzer harness for base64url.
 *
 * Decoding accepts only canonical text, so whatever decodes must
 * encode back to exactly the input; and every byte string must
 * survive encode then decode.  Anything else aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"

#define MAXIN	4096

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The largest decode is the round trip of MAXIN raw bytes. */
	static unsigned char	 dec[B64_DECLEN(B64_ENCLEN(MAXIN))];
	static char		 enc[B64_ENCLEN(MAXIN) + 1];
	size_t			 n, m;
	enum svc_err		 rc;

	if (size > MAXIN)
		return 0;

	rc = b64_decode((const char *)data, size, dec, sizeof(dec), &n);
	if (rc == SVC_OK) {
		if (n > B64_DECLEN(size))
			abort();
		m = b64_encode(dec, n, enc);
		if (m != size || memcmp(enc, data, size) != 0)
			abort();
	} else if (rc != SVC_BADINPUT)
		abort();

	/* Too small by one byte must say so, not write past the end. */
	if (rc == SVC_OK && n > 0 &&
	    b64_decode((const char *)data, size, dec, n - 1, &m) != SVC_TOOBIG)
		abort();

	m = b64_encode(data, size, enc);
	if (m != B64_ENCLEN(size) || enc[m] != '\0')
		abort();
	if (b64_decode(enc, m, dec, sizeof(dec), &n) != SVC_OK ||
	    n != size || memcmp(dec, data, size) != 0)
		abort();
	return 0;
}
