/*
 * b64.c: base64url without padding (RFC 4648 section 5), as JWS uses it
 * (RFC 7515 section 2).  Decoding accepts only the canonical encoding
 * (RFC 4648 sections 3.3 and 3.5): every byte string then has exactly
 * one accepted spelling, so a signed token cannot be respelled into a
 * second, equally valid token that caches, logs or deny lists miss.
 */
#include <stddef.h>

#include "b64.h"

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/*
 * Value of each byte in the alphabet, or 0xff outside it.  A table
 * rather than range tests: one load per character on the hot path
 * (every token verification decodes its payload).
 */
#define X	0xff
static const unsigned char b64_value[256] = {
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, 62, X, X,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X, X, X, X, X, X,
	X, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X, X, X, X, 63,
	X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
};
#undef X

size_t
b64_encode(const unsigned char *in, size_t n, char *out)
{
	size_t		 i, o = 0;
	unsigned long	 v;

	for (i = 0; i + 3 <= n; i += 3) {
		v = (unsigned long)in[i] << 16 |
		    (unsigned long)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64_alphabet[v >> 18 & 0x3f];
		out[o++] = b64_alphabet[v >> 12 & 0x3f];
		out[o++] = b64_alphabet[v >> 6 & 0x3f];
		out[o++] = b64_alphabet[v & 0x3f];
	}
	/* RFC 7515 section 2: the '=' padding is left off. */
	if (n - i == 1) {
		v = (unsigned long)in[i] << 16;
		out[o++] = b64_alphabet[v >> 18 & 0x3f];
		out[o++] = b64_alphabet[v >> 12 & 0x3f];
	} else if (n - i == 2) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8;
		out[o++] = b64_alphabet[v >> 18 & 0x3f];
		out[o++] = b64_alphabet[v >> 12 & 0x3f];
		out[o++] = b64_alphabet[v >> 6 & 0x3f];
	}
	out[o] = '\0';
	return o;
}

/*
 * Decodes the 2 or 3 characters of a final partial group into 1 or 2
 * bytes.  The bits below the last whole byte must be zero (RFC 4648
 * section 3.5): otherwise several spellings would decode alike.
 * Returns 0, or -1 on a bad character or non-zero spare bits.
 */
static int
b64_tail(const unsigned char *in, size_t rem, unsigned char *out)
{
	unsigned int	 a, b, c;

	a = b64_value[in[0]];
	b = b64_value[in[1]];
	if ((a | b) == 0xff)
		return -1;
	out[0] = (unsigned char)(a << 2 | b >> 4);
	if (rem == 2)
		return (b & 0x0f) ? -1 : 0;
	c = b64_value[in[2]];
	if (c == 0xff)
		return -1;
	out[1] = (unsigned char)(b << 4 | c >> 2);
	return (c & 0x03) ? -1 : 0;
}

enum svc_err
b64_decode(const char *in, size_t n, unsigned char *out, size_t outsz,
    size_t *outlen)
{
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 i, o = 0, rem = n % 4, need;
	unsigned int		 a, b, c, d;

	/* One character holds only 6 bits: no byte ends there. */
	if (rem == 1)
		return SVC_BADINPUT;
	need = (n / 4) * 3 + (rem ? rem - 1 : 0);
	if (need > outsz)
		return SVC_TOOBIG;

	for (i = 0; i + 4 <= n; i += 4) {
		a = b64_value[p[i]];
		b = b64_value[p[i + 1]];
		c = b64_value[p[i + 2]];
		d = b64_value[p[i + 3]];
		/* Any 0xff sets all low bits: one test for four lookups. */
		if ((a | b | c | d) == 0xff)
			return SVC_BADINPUT;
		out[o++] = (unsigned char)(a << 2 | b >> 4);
		out[o++] = (unsigned char)(b << 4 | c >> 2);
		out[o++] = (unsigned char)(c << 6 | d);
	}
	if (rem != 0) {
		if (b64_tail(p + i, rem, out + o) == -1)
			return SVC_BADINPUT;
		o += rem - 1;
	}
	*outlen = o;
	return SVC_OK;
}
