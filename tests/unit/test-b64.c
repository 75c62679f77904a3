/*
 * test-b64.c: base64url without padding, strict decoding.
 */
#include <string.h>

#include "b64.h"
#include "tap.h"

static void
refuse(const char *in, size_t n, const char *name)
{
	unsigned char	 out[64];
	size_t		 len;

	is_int(b64_decode(in, n, out, sizeof(out), &len), SVC_BADINPUT, name);
}

/* RFC 4648 section 10 vectors, in the URL alphabet without padding. */
static void
test_vectors(void)
{
	static const struct {
		const char	*plain;
		const char	*enc;
	} v[] = {
		{ "", "" },
		{ "f", "Zg" },
		{ "fo", "Zm8" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg" },
		{ "fooba", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy" },
	};
	char		 enc[32];
	unsigned char	 out[32];
	size_t		 i, n, len;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = b64_encode((const unsigned char *)v[i].plain,
		    strlen(v[i].plain), enc);
		ok(n == strlen(v[i].enc) && strcmp(enc, v[i].enc) == 0,
		    "encode RFC 4648 vector \"%s\"", v[i].plain);
		ok(b64_decode(v[i].enc, strlen(v[i].enc), out, sizeof(out),
		    &len) == SVC_OK && len == strlen(v[i].plain) &&
		    memcmp(out, v[i].plain, len) == 0,
		    "decode RFC 4648 vector \"%s\"", v[i].enc);
	}

	/* The two characters that differ from RFC 4648 section 4. */
	out[0] = 0xfb;
	out[1] = 0xff;
	out[2] = 0xbf;
	b64_encode(out, 3, enc);
	ok(strcmp(enc, "-_-_") == 0, "encode uses '-' and '_' (got %s)", enc);
}

/* Every length 0..64, with bytes covering all values. */
static void
test_round_trips(void)
{
	unsigned char	 in[64], out[64];
	char		 enc[B64_ENCLEN(64) + 1];
	size_t		 n, i, elen, len;
	int		 good;

	for (n = 0; n <= 64; n++) {
		for (i = 0; i < n; i++)
			in[i] = (unsigned char)(i * 37 + n * 11 + 0x80);
		elen = b64_encode(in, n, enc);
		good = elen == B64_ENCLEN(n) && enc[elen] == '\0' &&
		    strspn(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789-_") == elen;
		good = good && b64_decode(enc, elen, out, sizeof(out), &len) ==
		    SVC_OK && len == n && memcmp(in, out, n) == 0;
		good = good && B64_DECLEN(elen) >= n;
		ok(good, "round trip of %zu bytes", n);
	}
}

/*
 * Canonical only: of the 64^2 two-character and 64^3 three-character
 * strings, exactly one per byte string decodes.
 */
static void
test_canonical_exhaustive(void)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	char		 s[3];
	unsigned char	 out[4];
	size_t		 a, b, c, len, n2 = 0, n3 = 0;

	for (a = 0; a < 64; a++)
		for (b = 0; b < 64; b++) {
			s[0] = abc[a];
			s[1] = abc[b];
			if (b64_decode(s, 2, out, sizeof(out), &len) == SVC_OK)
				n2++;
			for (c = 0; c < 64; c++) {
				s[2] = abc[c];
				if (b64_decode(s, 3, out, sizeof(out), &len) ==
				    SVC_OK)
					n3++;
			}
		}
	is_int(n2, 256, "exactly 256 two-character strings decode");
	is_int(n3, 65536, "exactly 65536 three-character strings decode");
}

static void
test_refusals(void)
{
	unsigned char	 out[8];
	size_t		 len;
	char		 s[5];
	int		 c, bad;

	refuse("Zg==", 4, "padding '==' refused");
	refuse("Zm8=", 4, "padding '=' refused");
	refuse("Zg=", 3, "short padding refused");
	refuse("=", 1, "lone '=' refused");
	refuse("Zm9v+A", 6, "'+' refused");
	refuse("Zm9v/A", 6, "'/' refused");
	refuse("Zm9v YmFy", 9, "space refused");
	refuse("Zm9v\nYmFy", 9, "newline refused");
	refuse("Zm9v\tYmFy", 9, "tab refused");
	refuse("Zm9vYmFy\r", 9, "trailing CR refused");
	refuse(" Zm9v", 5, "leading space refused");
	refuse("Zm9v\0mFy", 8, "NUL inside refused");
	refuse("Zm\0v", 4, "NUL in a group refused");
	refuse("Zm9.", 4, "'.' refused");
	refuse("Zm9*", 4, "'*' refused");
	refuse("Zm9\x80", 4, "byte 0x80 refused");
	refuse("Zm9\xff", 4, "byte 0xff refused");
	refuse("Z", 1, "length 1 mod 4 refused (1)");
	refuse("Zm9vY", 5, "length 1 mod 4 refused (5)");
	refuse("Zm9vYmFyZ", 9, "length 1 mod 4 refused (9)");
	refuse("Zh", 2, "non-zero trailing bits refused (2 chars)");
	refuse("Zm9", 3, "non-zero trailing bits refused (3 chars)");
	refuse("Zm9vYh", 6, "non-zero trailing bits refused after a group");
	refuse("Zm9vYmF", 7, "non-zero trailing bits, 'F' for 'E'");

	/* Every byte outside the alphabet, in each position of a group. */
	bad = 0;
	for (c = 0; c < 256; c++) {
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_')
			continue;
		memcpy(s, "AAAA", 4);
		s[c % 4] = (char)c;
		if (b64_decode(s, 4, out, sizeof(out), &len) != SVC_BADINPUT)
			bad++;
		memcpy(s, "AAA", 3);
		s[c % 3] = (char)c;
		if (b64_decode(s, 3, out, sizeof(out), &len) != SVC_BADINPUT)
			bad++;
	}
	is_int(bad, 0, "every non-alphabet byte refused");

	is_int(b64_decode("Zm9vYmFy", 8, out, 5, &len), SVC_TOOBIG,
	    "output one byte short: SVC_TOOBIG");
	is_int(b64_decode("Zm9vYmFy", 8, out, 6, &len), SVC_OK,
	    "output exactly large enough");
	is_int(b64_decode("Zm9vYg", 6, out, 3, &len), SVC_TOOBIG,
	    "partial group output too small: SVC_TOOBIG");
	is_int(b64_decode("", 0, out, 0, &len), SVC_OK, "empty input decodes");
	is_int(len, 0, "empty input has length 0");
}

int
main(void)
{
	test_vectors();
	test_round_trips();
	test_canonical_exhaustive();
	test_refusals();
	return tap_done();
}
