/*
 * b64.h: base64url without padding (RFC 4648 section 5, RFC 7515
 * section 2), strict on input: only the canonical encoding of some byte
 * string is accepted.
 */
#ifndef B64_H
#define B64_H

#include <stddef.h>

#include "svc.h"

/* Characters b64_encode writes for n bytes, without the NUL. */
#define B64_ENCLEN(n)	(((n) / 3) * 4 + ((n) % 3 ? (n) % 3 + 1 : 0))
/* Upper bound of the bytes b64_decode writes for n characters. */
#define B64_DECLEN(n)	(((n) / 4) * 3 + 2)

/*
 * Encodes n bytes of in into out, which has room for B64_ENCLEN(n) + 1
 * characters, and NUL-terminates it.  Returns the length written.
 */
size_t		 b64_encode(const unsigned char *in, size_t n, char *out);

/*
 * Decodes n characters of in into out (outsz bytes).  Refuses padding,
 * characters outside [A-Za-z0-9_-] (so '+', '/', whitespace and NUL),
 * a length of 1 mod 4 and non-zero unused trailing bits: SVC_BADINPUT.
 * SVC_TOOBIG when out is too small.  *outlen is valid on SVC_OK only.
 */
enum svc_err	 b64_decode(const char *in, size_t n, unsigned char *out,
		    size_t outsz, size_t *outlen);

#endif /* B64_H */
