/*
 * pw.c: password hashes as Django stores them
 * (django/contrib/auth/hashers.py), and crypt(3) strings as PHP,
 * htpasswd and shadow write them.
 *
 *	pbkdf2_sha256$<iter>$<salt>$<base64 key>	PBKDF2PasswordHasher
 *	pbkdf2_sha1$<iter>$<salt>$<base64 key>		PBKDF2SHA1PasswordHasher
 *	argon2$argon2id$v=19$m=<KiB>,t=<n>,p=<n>$<b64 salt>$<b64 hash>
 *							Argon2PasswordHasher
 *	scrypt$<n>$<salt>$<r>$<p>$<base64 key>		ScryptPasswordHasher
 *	bcrypt_sha256$$2b$<cost>$<53 chars>	BCryptSHA256PasswordHasher
 *	bcrypt$$2b$<cost>$<53 chars>			BCryptPasswordHasher
 *	$2a$ $2b$ $2y$ $5$ $6$ $y$			crypt(3), read only
 *	!...						unusable (Django)
 *
 * PBKDF2 is RFC 8018, 5.2, with HMAC of the named digest and a key as
 * long as one digest.  scrypt is RFC 7914 with a 64-byte key.  Both
 * keys are written in standard base64 with padding (RFC 4648, 4).
 * Argon2 is RFC 9106 through Debian's libargon2, its salt and hash in
 * base64 without padding as libargon2 and argon2-cffi write them; the
 * legacy form without "v=" is version 0x10.  The bcrypt kinds and the
 * crypt(3) strings go through libxcrypt's crypt_r.
 *
 * Bounds.  The hash column is written by other programs too, and one
 * hostile or mistaken row must not make each login take minutes or
 * gigabytes.  A hash over these bounds is malformed (it matches
 * nothing and is logged once).  Each is a multiple of Django's default:
 *	argon2 memory		<= 256 MiB	(Django: 100 MiB)
 *	argon2 m * t		<= 4 GiB passes	(Django: 200 MiB passes)
 *	argon2 t, p		<= 64, 64	(Django: 2, 8)
 *	scrypt, yescrypt memory	<= 256 MiB	(128 * n * r; Django: 16 MiB)
 *	scrypt n * r * p	<= 2^24		(Django: 2^19.3), n <= 2^20,
 *						r, p <= 64
 *	yescrypt		t <= 8, no ROM (libxcrypt writes t = 0)
 *	bcrypt cost		4 to 16		(Django: 12, htpasswd: 5)
 *	$5$/$6$ rounds		<= 1,000,000	(default 5,000)
 * except PBKDF2's <= 100,000,000 iterations, which [password]
 * pbkdf2_iterations may set (cfg.c) and must therefore verify.  A
 * login refuses tighter still: a hash over [password] max_cost_factor
 * times its family's policy (pw_over_cost; lib/account.c).
 *
 * Each algorithm is one entry of pw_hashers (parse, verify, policy
 * check, make, cost, needs-upgrade), near the end of this file.
 */
#include <crypt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "log.h"
#include "pw.h"

#define PW_ITER_MIN		1
#define PW_ITER_MAX		100000000U	/* ours; Django sets none */
#define PW_DK_MAX		64		/* scrypt's key: the longest */
#define PW_B64_MAX		(4 * ((PW_DK_MAX + 2) / 3))
#define PW_SALT_LEN		22		/* 22 * log2(62) >= 128 bits */

#define PW_MEM_MAX		(256ULL << 20)	/* argon2, scrypt, yescrypt */
#define PW_ARGON2_MT_MAX	(4ULL << 20)	/* KiB * passes */
#define PW_ARGON2_P_MAX		64
#define PW_ARGON2_T_MAX		64
#define PW_ARGON2_RAW_MAX	64		/* salt or hash bytes */
#define PW_SCRYPT_N_MAX		(1U << 20)
#define PW_SCRYPT_R_MAX		64
#define PW_SCRYPT_P_MAX		64
#define PW_SCRYPT_WORK_MAX	(1ULL << 24)	/* n * r * p */
#define PW_SCRYPT_DKLEN		64
#define PW_BCRYPT_COST_MIN	4
#define PW_BCRYPT_COST_MAX	16
#define PW_BCRYPT_LEN		60		/* "$2b$12$" + 22 + 31 */
#define PW_BCRYPT_KEY_MAX	72		/* bytes bcrypt reads */
#define PW_SHACRYPT_DEFAULT	5000
#define PW_SHACRYPT_MIN		1000
#define PW_SHACRYPT_MAX		1000000
#define PW_YESCRYPT_T_MAX	8

static const char pw_salt_chars[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
static const char pw_b64_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/* crypt(3)'s alphabet, in yescrypt's order (bcrypt's differs). */
static const char pw_itoa64[] =
    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static const char *const pw_argon2_names[PW_ARGON2_TYPE__MAX] = {
	[PW_ARGON2_D] = "argon2d",
	[PW_ARGON2_I] = "argon2i",
	[PW_ARGON2_ID] = "argon2id",
};

/* PBKDF2's digest: a key as long as one digest (Django). */
static const struct pw_pbkdf2_def {
	const EVP_MD	*(*md)(void);
	size_t		 dklen;
} pw_pbkdf2_defs[PW_ALG__MAX] = {
	[PW_PBKDF2_SHA256] = { EVP_sha256, 32 },
	[PW_PBKDF2_SHA1] = { EVP_sha1, 20 },
};

/* policy with its zero fields replaced by Django's defaults. */
static void
pw_policy_fill(const struct pw_policy *policy, struct pw_policy *out)
{
	pw_policy_init(out, policy->alg, policy->iterations);
	if (policy->argon2_m != 0)
		out->argon2_m = policy->argon2_m;
	if (policy->argon2_t != 0)
		out->argon2_t = policy->argon2_t;
	if (policy->argon2_p != 0)
		out->argon2_p = policy->argon2_p;
	if (policy->scrypt_n != 0)
		out->scrypt_n = policy->scrypt_n;
	if (policy->scrypt_r != 0)
		out->scrypt_r = policy->scrypt_r;
	if (policy->scrypt_p != 0)
		out->scrypt_p = policy->scrypt_p;
	if (policy->bcrypt_cost != 0)
		out->bcrypt_cost = policy->bcrypt_cost;
}

/* ---- bounds, shared by parsing and making ------------------------- */

static int
pw_argon2_ok(unsigned m, unsigned t, unsigned p)
{
	return p >= 1 && p <= PW_ARGON2_P_MAX &&
	    t >= 1 && t <= PW_ARGON2_T_MAX &&
	    m >= 8 * p && (unsigned long long)m * 1024 <= PW_MEM_MAX &&
	    (unsigned long long)m * t <= PW_ARGON2_MT_MAX;
}

/* What OpenSSL's scrypt allocates: 128 * r * (n + 2 + p) (pbe_scrypt.c). */
static unsigned long long
pw_scrypt_mem(unsigned n, unsigned r, unsigned p)
{
	return 128ULL * r * ((unsigned long long)n + 2 + p);
}

static int
pw_scrypt_ok(unsigned n, unsigned r, unsigned p)
{
	return n >= 2 && n <= PW_SCRYPT_N_MAX && (n & (n - 1)) == 0 &&
	    r >= 1 && r <= PW_SCRYPT_R_MAX && p >= 1 && p <= PW_SCRYPT_P_MAX &&
	    128ULL * r * n <= PW_MEM_MAX &&
	    (unsigned long long)n * r * p <= PW_SCRYPT_WORK_MAX;
}

static int
pw_bcrypt_ok(unsigned cost)
{
	return cost >= PW_BCRYPT_COST_MIN && cost <= PW_BCRYPT_COST_MAX;
}

/* ---- small parsers ------------------------------------------------ */

/*
 * Decimal as Python's str(int) and printf("%u") write it: digits only,
 * no sign, no leading zero, at most 9 digits, within [min, max].
 */
static enum svc_err
pw_parse_uint(const char *s, size_t len, unsigned min, unsigned max,
    unsigned *out)
{
	unsigned long	 v = 0;
	size_t		 i;

	if (len == 0 || len > 9 || (s[0] == '0' && len > 1))
		return SVC_BADINPUT;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return SVC_BADINPUT;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < min || v > max)
		return SVC_BADINPUT;
	*out = (unsigned)v;
	return SVC_OK;
}

/*
 * Django refuses a salt that is empty or holds '$'; we also refuse
 * control characters, which no Django version writes.
 */
static enum svc_err
pw_check_salt(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0)
		return SVC_BADINPUT;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < ' ' || s[i] == 0x7f || s[i] == '$')
			return SVC_BADINPUT;
	return SVC_OK;
}

/* Non-zero when each of len bytes is in the NUL-terminated set. */
static int
pw_all_in(const char *s, size_t len, const char *set)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (s[i] == '\0' || strchr(set, s[i]) == NULL)
			return 0;
	return 1;
}

/*
 * A key in standard base64 with padding: exactly as long as dklen
 * bytes need, padding only at the end.  Non-canonical trailing bits are
 * left to the comparison, which they fail, as in Django.
 */
static enum svc_err
pw_check_b64pad(const char *s, size_t len, size_t dklen)
{
	size_t	 pad;

	if (len != 4 * ((dklen + 2) / 3))
		return SVC_BADINPUT;
	pad = (3 - dklen % 3) % 3;
	if (!pw_all_in(s, len - pad, pw_b64_chars) ||
	    strncmp(s + len - pad, "==", pad) != 0)
		return SVC_BADINPUT;
	return SVC_OK;
}

/*
 * Standard base64 without padding, as libargon2 decodes it: the length
 * must not be 1 mod 4 and the unused low bits must be zero.  Writes at
 * most outsz bytes; returns how many, or 0 if s is malformed or long.
 */
static size_t
pw_b64_decode(const char *s, size_t len, unsigned char *out, size_t outsz)
{
	unsigned long	 acc = 0;
	unsigned	 bits = 0;
	size_t		 i, n = 0;
	const char	*c;

	if (len % 4 == 1)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '\0' || (c = strchr(pw_b64_chars, s[i])) == NULL)
			return 0;
		acc = (acc << 6) | (unsigned long)(c - pw_b64_chars);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == outsz)
				return 0;
			out[n++] = (unsigned char)(acc >> bits);
		}
		acc &= (1UL << bits) - 1;
	}
	if (acc != 0)
		return 0;
	return n;
}

/* Standard base64 without padding into out (4n/3 + 2 bytes); its length. */
static size_t
pw_b64_encode_nopad(const unsigned char *in, size_t n, char *out)
{
	size_t	 len;

	len = (size_t)EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	while (len > 0 && out[len - 1] == '=')
		out[--len] = '\0';
	return len;
}

/* Splits s at the next '$' into [s, *field_end); NULL when none. */
static const char *
pw_field(const char *s, const char **next)
{
	const char	*d;

	if ((d = strchr(s, '$')) == NULL)
		return NULL;
	*next = d + 1;
	return d;
}

/* ---- parsing, one function per format ----------------------------- */

/* "<iter>$<salt>$<b64 key>" after "pbkdf2_sha256$". */
static enum svc_err
pw_parse_pbkdf2(const char *p, struct pw_parsed *pp)
{
	const char	*e, *next;

	if ((e = pw_field(p, &next)) == NULL || pw_parse_uint(p,
	    (size_t)(e - p), PW_ITER_MIN, PW_ITER_MAX, &pp->iterations) !=
	    SVC_OK)
		return SVC_BADINPUT;
	p = next;
	if ((e = pw_field(p, &next)) == NULL ||
	    pw_check_salt(p, (size_t)(e - p)) != SVC_OK)
		return SVC_BADINPUT;
	pp->salt = p;
	pp->salt_len = (size_t)(e - p);
	pp->hash = next;
	pp->hash_len = strlen(next);
	return pw_check_b64pad(pp->hash, pp->hash_len,
	    pw_pbkdf2_defs[pp->alg].dklen);
}

/*
 * After "argon2$": "argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash>", or
 * the legacy form without "v=19$" (version 0x10).  libargon2's
 * decode_string insists on this order of m, t and p too.
 */
static enum svc_err
pw_parse_argon2(const char *p, struct pw_parsed *pp)
{
	unsigned char	 raw[PW_ARGON2_RAW_MAX];
	const char	*e, *next, *c;
	size_t		 i;

	if ((e = pw_field(p, &next)) == NULL)
		return SVC_BADINPUT;
	for (i = 0; i < PW_ARGON2_TYPE__MAX; i++)
		if (strlen(pw_argon2_names[i]) == (size_t)(e - p) &&
		    memcmp(pw_argon2_names[i], p, (size_t)(e - p)) == 0)
			break;
	if (i == PW_ARGON2_TYPE__MAX)
		return SVC_BADINPUT;
	pp->argon2_type = (enum pw_argon2_type)i;
	p = next;
	pp->argon2_version = ARGON2_VERSION_10;
	if (strncmp(p, "v=", 2) == 0) {
		if ((e = pw_field(p, &next)) == NULL ||
		    pw_parse_uint(p + 2, (size_t)(e - p - 2), 16, 19,
		    &pp->argon2_version) != SVC_OK ||
		    (pp->argon2_version != ARGON2_VERSION_10 &&
		    pp->argon2_version != ARGON2_VERSION_13))
			return SVC_BADINPUT;
		p = next;
	}
	if ((e = pw_field(p, &next)) == NULL || strncmp(p, "m=", 2) != 0)
		return SVC_BADINPUT;
	p += 2;
	if ((c = memchr(p, ',', (size_t)(e - p))) == NULL ||
	    pw_parse_uint(p, (size_t)(c - p), 1, UINT_MAX / 1024,
	    &pp->argon2_m) != SVC_OK || strncmp(c, ",t=", 3) != 0)
		return SVC_BADINPUT;
	p = c + 3;
	if ((c = memchr(p, ',', (size_t)(e - p))) == NULL ||
	    pw_parse_uint(p, (size_t)(c - p), 1, UINT_MAX, &pp->argon2_t) !=
	    SVC_OK || strncmp(c, ",p=", 3) != 0)
		return SVC_BADINPUT;
	p = c + 3;
	if (pw_parse_uint(p, (size_t)(e - p), 1, UINT_MAX, &pp->argon2_p) !=
	    SVC_OK || !pw_argon2_ok(pp->argon2_m, pp->argon2_t, pp->argon2_p))
		return SVC_BADINPUT;
	p = next;
	if ((e = pw_field(p, &next)) == NULL)
		return SVC_BADINPUT;
	pp->salt = p;
	pp->salt_len = (size_t)(e - p);
	pp->hash = next;
	pp->hash_len = strlen(next);
	pp->salt_raw_len = pw_b64_decode(pp->salt, pp->salt_len, raw,
	    sizeof(raw));
	pp->hash_raw_len = pw_b64_decode(pp->hash, pp->hash_len, raw,
	    sizeof(raw));
	OPENSSL_cleanse(raw, sizeof(raw));
	if (pp->salt_raw_len < ARGON2_MIN_SALT_LENGTH ||
	    pp->hash_raw_len < ARGON2_MIN_OUTLEN)
		return SVC_BADINPUT;
	return SVC_OK;
}

/* After "scrypt$": "<n>$<salt>$<r>$<p>$<b64 key>" (Django 4.0+). */
static enum svc_err
pw_parse_scrypt(const char *p, struct pw_parsed *pp)
{
	const char	*e, *next;

	if ((e = pw_field(p, &next)) == NULL || pw_parse_uint(p,
	    (size_t)(e - p), 2, PW_SCRYPT_N_MAX, &pp->scrypt_n) != SVC_OK)
		return SVC_BADINPUT;
	p = next;
	if ((e = pw_field(p, &next)) == NULL ||
	    pw_check_salt(p, (size_t)(e - p)) != SVC_OK)
		return SVC_BADINPUT;
	pp->salt = p;
	pp->salt_len = (size_t)(e - p);
	p = next;
	if ((e = pw_field(p, &next)) == NULL || pw_parse_uint(p,
	    (size_t)(e - p), 1, PW_SCRYPT_R_MAX, &pp->scrypt_r) != SVC_OK)
		return SVC_BADINPUT;
	p = next;
	if ((e = pw_field(p, &next)) == NULL || pw_parse_uint(p,
	    (size_t)(e - p), 1, PW_SCRYPT_P_MAX, &pp->scrypt_p) != SVC_OK ||
	    !pw_scrypt_ok(pp->scrypt_n, pp->scrypt_r, pp->scrypt_p))
		return SVC_BADINPUT;
	pp->hash = next;
	pp->hash_len = strlen(next);
	return pw_check_b64pad(pp->hash, pp->hash_len, PW_SCRYPT_DKLEN);
}

/*
 * A bcrypt string, "$2b$12$" then 22 characters of salt and 31 of
 * hash in bcrypt's alphabet; exactly PW_BCRYPT_LEN long.
 */
static enum svc_err
pw_parse_bcrypt(const char *p, struct pw_parsed *pp)
{
	/* Costs are written with two digits: "04", "12". */
	if (strlen(p) != PW_BCRYPT_LEN || p[0] != '$' || p[1] != '2' ||
	    (p[2] != 'a' && p[2] != 'b' && p[2] != 'y') || p[3] != '$' ||
	    p[4] < '0' || p[4] > '9' || p[5] < '0' || p[5] > '9' ||
	    p[6] != '$')
		return SVC_BADINPUT;
	pp->cost = (unsigned)(p[4] - '0') * 10 + (unsigned)(p[5] - '0');
	if (!pw_bcrypt_ok(pp->cost) || !pw_all_in(p + 7, 53, pw_itoa64))
		return SVC_BADINPUT;
	pp->salt = p + 7;
	pp->salt_len = 22;
	pp->hash = p + 29;
	pp->hash_len = 31;
	return SVC_OK;
}

/*
 * "$5$" or "$6$", then "rounds=<n>$" if not 5000, a salt of 1 to 16
 * characters and the hash (43 or 86 characters), all in crypt(3)'s
 * alphabet.
 */
static enum svc_err
pw_parse_shacrypt(const char *p, struct pw_parsed *pp, size_t hashlen)
{
	const char	*e, *next;

	pp->iterations = PW_SHACRYPT_DEFAULT;
	if (strncmp(p, "rounds=", 7) == 0) {
		if ((e = pw_field(p, &next)) == NULL ||
		    pw_parse_uint(p + 7, (size_t)(e - p - 7), PW_SHACRYPT_MIN,
		    PW_SHACRYPT_MAX, &pp->iterations) != SVC_OK)
			return SVC_BADINPUT;
		p = next;
	}
	if ((e = pw_field(p, &next)) == NULL || e == p || e - p > 16 ||
	    !pw_all_in(p, (size_t)(e - p), pw_itoa64))
		return SVC_BADINPUT;
	pp->salt = p;
	pp->salt_len = (size_t)(e - p);
	pp->hash = next;
	pp->hash_len = strlen(next);
	if (pp->hash_len != hashlen ||
	    !pw_all_in(pp->hash, pp->hash_len, pw_itoa64))
		return SVC_BADINPUT;
	return SVC_OK;
}

/*
 * One of yescrypt's variable-length numbers (libxcrypt
 * yescrypt-common.c, decode64_uint32): the first character says how
 * many follow.  Returns the characters read, 0 if malformed.
 */
static size_t
pw_yescrypt_uint(const char *s, const char *end, unsigned min,
    unsigned *out)
{
	unsigned long long v = min;
	unsigned	 start = 0, stop = 47, chars = 1, bits = 0, c;
	const char	*q;
	size_t		 n = 0;

	if (s >= end || (q = strchr(pw_itoa64, s[0])) == NULL || s[0] == '\0')
		return 0;
	c = (unsigned)(q - pw_itoa64);
	while (c > stop) {
		v += (unsigned long long)(stop + 1 - start) << bits;
		start = stop + 1;
		stop = start + (62 - stop) / 2;
		chars++;
		bits += 6;
	}
	v += (unsigned long long)(c - start) << bits;
	n = 1;
	while (--chars) {
		if (s + n >= end || s[n] == '\0' ||
		    (q = strchr(pw_itoa64, s[n])) == NULL)
			return 0;
		bits -= 6;
		v += (unsigned long long)(q - pw_itoa64) << bits;
		n++;
	}
	if (v > UINT_MAX)
		return 0;
	*out = (unsigned)v;
	return n;
}

/*
 * "$y$<params>$<salt>$<43-char hash>": params are flavor, log2 N, r,
 * then optionally a mask and p, t (libxcrypt yescrypt_decode_params_r).
 * A ROM or g (hash upgrades) is refused: libxcrypt writes neither.
 */
static enum svc_err
pw_parse_yescrypt(const char *p, struct pw_parsed *pp)
{
	const char	*e, *next;
	unsigned	 flavor, nlog2, have = 0;
	size_t		 k;

	if ((e = pw_field(p, &next)) == NULL)
		return SVC_BADINPUT;
	pp->scrypt_p = 1;
	if ((k = pw_yescrypt_uint(p, e, 0, &flavor)) == 0)
		return SVC_BADINPUT;
	p += k;
	if ((k = pw_yescrypt_uint(p, e, 1, &nlog2)) == 0 || nlog2 > 20)
		return SVC_BADINPUT;
	p += k;
	if ((k = pw_yescrypt_uint(p, e, 1, &pp->scrypt_r)) == 0)
		return SVC_BADINPUT;
	p += k;
	if (p < e) {
		if ((k = pw_yescrypt_uint(p, e, 1, &have)) == 0 ||
		    (have & ~3U) != 0)
			return SVC_BADINPUT;
		p += k;
		if ((have & 1) != 0) {
			if ((k = pw_yescrypt_uint(p, e, 2, &pp->scrypt_p)) == 0)
				return SVC_BADINPUT;
			p += k;
		}
		if ((have & 2) != 0) {
			if ((k = pw_yescrypt_uint(p, e, 1,
			    &pp->yescrypt_t)) == 0)
				return SVC_BADINPUT;
			p += k;
		}
	}
	(void)flavor;
	pp->scrypt_n = 1U << nlog2;
	if (p != e || pp->scrypt_r > PW_SCRYPT_R_MAX ||
	    pp->scrypt_p > PW_SCRYPT_P_MAX ||
	    pp->yescrypt_t > PW_YESCRYPT_T_MAX ||
	    128ULL * pp->scrypt_r * pp->scrypt_n > PW_MEM_MAX ||
	    (unsigned long long)pp->scrypt_n * pp->scrypt_r * pp->scrypt_p *
	    (pp->yescrypt_t + 1) > PW_SCRYPT_WORK_MAX)
		return SVC_BADINPUT;
	p = next;
	if ((e = pw_field(p, &next)) == NULL || e == p || e - p > 64 ||
	    !pw_all_in(p, (size_t)(e - p), pw_itoa64))
		return SVC_BADINPUT;
	pp->salt = p;
	pp->salt_len = (size_t)(e - p);
	pp->hash = next;
	pp->hash_len = strlen(next);
	if (pp->hash_len != 43 || !pw_all_in(pp->hash, 43, pw_itoa64))
		return SVC_BADINPUT;
	return SVC_OK;
}

/* ---- the hash functions ------------------------------------------- */

/*
 * PBKDF2 of password with alg's digest, written as base64 into b64
 * (PW_B64_MAX + 1 bytes).  Returns the base64 length, or 0 when OpenSSL
 * failed or an input is beyond its int lengths.  The raw key is wiped.
 */
static size_t
pw_pbkdf2(enum pw_alg alg, const char *password, size_t len,
    const char *salt, size_t salt_len, unsigned iterations, char *b64)
{
	unsigned char	 dk[PW_DK_MAX];
	const struct pw_pbkdf2_def *d = &pw_pbkdf2_defs[alg];
	size_t		 n = 0;

	if (d->md == NULL || len > INT_MAX || salt_len > INT_MAX ||
	    iterations < PW_ITER_MIN || iterations > PW_ITER_MAX)
		return 0;
	if (PKCS5_PBKDF2_HMAC(password, (int)len, (const unsigned char *)salt,
	    (int)salt_len, (int)iterations, d->md(), (int)d->dklen, dk) == 1)
		n = (size_t)EVP_EncodeBlock((unsigned char *)b64, dk,
		    (int)d->dklen);
	else
		log_warnx("%s: PKCS5_PBKDF2_HMAC failed", __func__);
	OPENSSL_cleanse(dk, sizeof(dk));
	return n;
}

/*
 * scrypt (RFC 7914) as Django: a 64-byte key in padded base64 into b64
 * (PW_B64_MAX + 1 bytes).  Returns the base64 length, 0 on failure.
 */
static size_t
pw_scrypt(const char *password, size_t len, const char *salt,
    size_t salt_len, unsigned n, unsigned r, unsigned p, char *b64)
{
	unsigned char	 dk[PW_SCRYPT_DKLEN];
	size_t		 out = 0;

	if (!pw_scrypt_ok(n, r, p))
		return 0;
	if (EVP_PBE_scrypt(password, len, (const unsigned char *)salt,
	    salt_len, n, r, p, pw_scrypt_mem(n, r, p), dk, sizeof(dk)) == 1)
		out = (size_t)EVP_EncodeBlock((unsigned char *)b64, dk,
		    sizeof(dk));
	else
		log_warnx("%s: EVP_PBE_scrypt failed", __func__);
	OPENSSL_cleanse(dk, sizeof(dk));
	return out;
}

static const argon2_type pw_argon2_lib[PW_ARGON2_TYPE__MAX] = {
	[PW_ARGON2_D] = Argon2_d,
	[PW_ARGON2_I] = Argon2_i,
	[PW_ARGON2_ID] = Argon2_id,
};

/* Raw argon2 into out (outlen bytes); SVC_NOMEM or SVC_CRYPTO if not. */
static enum svc_err
pw_argon2(const char *password, size_t len, const unsigned char *salt,
    size_t salt_len, enum pw_argon2_type type, unsigned version,
    unsigned m, unsigned t, unsigned p, unsigned char *out, size_t outlen)
{
	int	 rc;

	if (!pw_argon2_ok(m, t, p) || len > ARGON2_MAX_PWD_LENGTH)
		return SVC_CRYPTO;
	rc = argon2_hash(t, m, p, password, len, salt, salt_len, out, outlen,
	    NULL, 0, pw_argon2_lib[type], version);
	if (rc == ARGON2_OK)
		return SVC_OK;
	log_warnx("%s: %s", __func__, argon2_error_message(rc));
	return rc == ARGON2_MEMORY_ALLOCATION_ERROR ? SVC_NOMEM : SVC_CRYPTO;
}

/*
 * crypt_r(phrase, setting) copied into out (outsz bytes).  A phrase
 * holding a NUL cannot be passed: SVC_BADINPUT.  libxcrypt marks a
 * failure with an output starting with '*' (crypt(5)): SVC_CRYPTO.
 */
static enum svc_err
pw_crypt(const char *phrase, size_t len, const char *setting, char *out,
    size_t outsz)
{
	struct crypt_data *cd = NULL;
	char		*key = NULL, *r;
	enum svc_err	 rc;

	out[0] = '\0';
	if (len >= CRYPT_MAX_PASSPHRASE_SIZE || memchr(phrase, '\0', len))
		return SVC_BADINPUT;
	if ((cd = calloc(1, sizeof(*cd))) == NULL ||
	    (key = malloc(len + 1)) == NULL) {
		log_warnx("%s: out of memory", __func__);
		rc = SVC_NOMEM;
		goto out;
	}
	memcpy(key, phrase, len);
	key[len] = '\0';
	r = crypt_r(key, setting, cd);
	if (r == NULL || r[0] != '$' || strlen(r) >= outsz) {
		rc = SVC_CRYPTO;
		goto out;
	}
	memcpy(out, r, strlen(r) + 1);
	rc = SVC_OK;
out:
	if (key != NULL) {
		OPENSSL_cleanse(key, len + 1);
		free(key);
	}
	if (cd != NULL) {
		OPENSSL_cleanse(cd, sizeof(*cd));
		free(cd);
	}
	return rc;
}

/*
 * The phrase that goes to bcrypt for alg: bcrypt_sha256 first takes
 * the lowercase hex SHA-256 of the password (Django, #20138); plain
 * bcrypt reads at most 72 bytes, so longer ones are cut there as
 * python-bcrypt does.  key holds 73 bytes.  Returns its length.
 */
static size_t
pw_bcrypt_key(enum pw_alg alg, const char *password, size_t len, char *key)
{
	unsigned char	 md[32];
	static const char hex[] = "0123456789abcdef";
	size_t		 i;

	if (alg == PW_BCRYPT_SHA256) {
		SHA256((const unsigned char *)password, len, md);
		for (i = 0; i < sizeof(md); i++) {
			key[2 * i] = hex[md[i] >> 4];
			key[2 * i + 1] = hex[md[i] & 0xf];
		}
		OPENSSL_cleanse(md, sizeof(md));
		return 2 * sizeof(md);
	}
	if (len > PW_BCRYPT_KEY_MAX)
		len = PW_BCRYPT_KEY_MAX;
	memcpy(key, password, len);
	return len;
}

/* ---- verify ------------------------------------------------------- */

/*
 * Logs a malformed hash once per process: the hash itself is a secret
 * and a broken row would otherwise fill the log on every login.
 */
static void
pw_warn_malformed(void)
{
	static int	 warned;

	if (warned)
		return;
	warned = 1;
	log_warnx("pw_verify: a stored password hash is malformed, of "
	    "an unknown algorithm or over our cost bounds; it matches no "
	    "password");
}

/* Constant-time equality of a computed and a stored string. */
static enum svc_err
pw_same(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen == blen && CRYPTO_memcmp(a, b, alen) == 0)
		return SVC_OK;
	return SVC_DENIED;
}

static enum svc_err
pw_verify_pbkdf2(const char *password, size_t len, const struct pw_parsed *pp)
{
	char		 b64[PW_B64_MAX + 1];
	size_t		 n;
	enum svc_err	 rc;

	n = pw_pbkdf2(pp->alg, password, len, pp->salt, pp->salt_len,
	    pp->iterations, b64);
	rc = n == 0 ? SVC_CRYPTO : pw_same(b64, n, pp->hash, pp->hash_len);
	OPENSSL_cleanse(b64, sizeof(b64));
	return rc;
}

static enum svc_err
pw_verify_scrypt(const char *password, size_t len, const struct pw_parsed *pp)
{
	char		 b64[PW_B64_MAX + 1];
	size_t		 n;
	enum svc_err	 rc;

	n = pw_scrypt(password, len, pp->salt, pp->salt_len, pp->scrypt_n,
	    pp->scrypt_r, pp->scrypt_p, b64);
	rc = n == 0 ? SVC_CRYPTO : pw_same(b64, n, pp->hash, pp->hash_len);
	OPENSSL_cleanse(b64, sizeof(b64));
	return rc;
}

static enum svc_err
pw_verify_argon2(const char *password, size_t len, const struct pw_parsed *pp)
{
	unsigned char	 salt[PW_ARGON2_RAW_MAX], want[PW_ARGON2_RAW_MAX];
	unsigned char	 got[PW_ARGON2_RAW_MAX];
	enum svc_err	 rc;

	/* pw_parse checked both; the sizes cannot change. */
	if (pw_b64_decode(pp->salt, pp->salt_len, salt, sizeof(salt)) !=
	    pp->salt_raw_len || pw_b64_decode(pp->hash, pp->hash_len, want,
	    sizeof(want)) != pp->hash_raw_len)
		return SVC_DENIED;
	rc = pw_argon2(password, len, salt, pp->salt_raw_len, pp->argon2_type,
	    pp->argon2_version, pp->argon2_m, pp->argon2_t, pp->argon2_p, got,
	    pp->hash_raw_len);
	if (rc == SVC_OK && CRYPTO_memcmp(got, want, pp->hash_raw_len) != 0)
		rc = SVC_DENIED;
	OPENSSL_cleanse(got, sizeof(got));
	OPENSSL_cleanse(want, sizeof(want));
	return rc;
}

/*
 * Django's bcrypt kinds (the part after "bcrypt$" is the setting) and
 * crypt(3)'s $2?$, cut to 72 bytes in the same way.
 */
static enum svc_err
pw_verify_bcrypt(const char *password, size_t len, const char *setting,
    enum pw_alg alg)
{
	char		 key[PW_BCRYPT_KEY_MAX + 1], out[CRYPT_OUTPUT_SIZE];
	size_t		 klen;
	enum svc_err	 rc;

	klen = pw_bcrypt_key(alg, password, len, key);
	rc = pw_crypt(key, klen, setting, out, sizeof(out));
	if (rc == SVC_OK)
		rc = pw_same(out, strlen(out), setting, strlen(setting));
	else if (rc == SVC_BADINPUT)	/* a NUL: bcrypt cannot take it */
		rc = SVC_DENIED;
	else if (rc == SVC_CRYPTO) {	/* crypt_r refused the setting */
		pw_warn_malformed();
		rc = SVC_DENIED;
	}
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(out, sizeof(out));
	return rc;
}

static enum svc_err
pw_verify_crypt(const char *password, size_t len, const char *encoded)
{
	char		 out[CRYPT_OUTPUT_SIZE];
	enum svc_err	 rc;

	rc = pw_crypt(password, len, encoded, out, sizeof(out));
	if (rc == SVC_OK)
		rc = pw_same(out, strlen(out), encoded, strlen(encoded));
	else if (rc == SVC_BADINPUT)	/* NUL, or over 511 bytes */
		rc = SVC_DENIED;
	else if (rc == SVC_CRYPTO) {	/* crypt_r refused the setting */
		pw_warn_malformed();
		rc = SVC_DENIED;
	}
	OPENSSL_cleanse(out, sizeof(out));
	return rc;
}

/* ---- make --------------------------------------------------------- */

/*
 * PW_SALT_LEN characters of [a-zA-Z0-9] (Django's get_random_string).
 * Bytes >= 248 (= 4 * 62) are drawn again, so that every character is
 * equally likely (rejection sampling, no modulo bias).
 */
static enum svc_err
pw_salt(char *salt)
{
	unsigned char	 buf[32];
	const size_t	 nchars = sizeof(pw_salt_chars) - 1;
	const unsigned	 limit = 256 - 256 % nchars;
	size_t		 i, n = 0;

	while (n < PW_SALT_LEN) {
		if (RAND_bytes(buf, sizeof(buf)) != 1)
			return SVC_CRYPTO;
		for (i = 0; i < sizeof(buf) && n < PW_SALT_LEN; i++)
			if (buf[i] < limit)
				salt[n++] = pw_salt_chars[buf[i] % nchars];
	}
	salt[n] = '\0';
	OPENSSL_cleanse(buf, sizeof(buf));
	return SVC_OK;
}

/* snprintf into out; SVC_TOOBIG (out "") when it does not fit. */
__attribute__((format(printf, 3, 4)))
static enum svc_err
pw_print(char *out, size_t outsz, const char *fmt, ...)
{
	va_list	 ap;
	int	 w;

	va_start(ap, fmt);
	w = vsnprintf(out, outsz, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= outsz) {
		out[0] = '\0';
		return SVC_TOOBIG;
	}
	return SVC_OK;
}

/* ---- make, one function per writable algorithm --------------------- */

/*
 * Each encodes password under pol (filled, checked) with salt
 * (PW_SALT_LEN characters of [a-zA-Z0-9]; bcrypt takes 16 bytes of
 * rnd instead) into out.  pw_make passes random ones, pw_dummy fixed
 * ones.
 */
static enum svc_err
pw_make_pbkdf2(const struct pw_policy *pol, const char *password, size_t len,
    const char *salt, const unsigned char *rnd, char *out, size_t outsz)
{
	char		 b64[PW_B64_MAX + 1];
	enum svc_err	 rc = SVC_CRYPTO;

	(void)rnd;
	if (pw_pbkdf2(pol->alg, password, len, salt, PW_SALT_LEN,
	    pol->iterations, b64) != 0)
		rc = pw_print(out, outsz, "%s$%u$%s$%s",
		    pw_alg_django(pol->alg), pol->iterations, salt, b64);
	OPENSSL_cleanse(b64, sizeof(b64));
	return rc;
}

static enum svc_err
pw_make_scrypt(const struct pw_policy *pol, const char *password, size_t len,
    const char *salt, const unsigned char *rnd, char *out, size_t outsz)
{
	char		 b64[PW_B64_MAX + 1];
	enum svc_err	 rc = SVC_CRYPTO;

	(void)rnd;
	if (pw_scrypt(password, len, salt, PW_SALT_LEN, pol->scrypt_n,
	    pol->scrypt_r, pol->scrypt_p, b64) != 0)
		rc = pw_print(out, outsz, "scrypt$%u$%s$%u$%u$%s",
		    pol->scrypt_n, salt, pol->scrypt_r, pol->scrypt_p, b64);
	OPENSSL_cleanse(b64, sizeof(b64));
	return rc;
}

static enum svc_err
pw_make_argon2(const struct pw_policy *pol, const char *password, size_t len,
    const char *salt, const unsigned char *rnd, char *out, size_t outsz)
{
	char		 b64[PW_B64_MAX + 1], sb64[PW_B64_MAX + 1];
	unsigned char	 raw[PW_ARGON2_HASH_LEN];
	enum svc_err	 rc;

	(void)rnd;
	/* As Django: the salt string's bytes are argon2's salt. */
	if ((rc = pw_argon2(password, len, (const unsigned char *)salt,
	    PW_SALT_LEN, PW_ARGON2_ID, ARGON2_VERSION_13, pol->argon2_m,
	    pol->argon2_t, pol->argon2_p, raw, sizeof(raw))) == SVC_OK) {
		pw_b64_encode_nopad((const unsigned char *)salt, PW_SALT_LEN,
		    sb64);
		pw_b64_encode_nopad(raw, sizeof(raw), b64);
		rc = pw_print(out, outsz,
		    "argon2$argon2id$v=19$m=%u,t=%u,p=%u$%s$%s", pol->argon2_m,
		    pol->argon2_t, pol->argon2_p, sb64, b64);
	}
	OPENSSL_cleanse(b64, sizeof(b64));
	OPENSSL_cleanse(raw, sizeof(raw));
	return rc;
}

/* Django's bcrypt kinds: "bcrypt$" or "bcrypt_sha256$" and a $2b$. */
static enum svc_err
pw_make_bcrypt(const struct pw_policy *pol, const char *password, size_t len,
    const char *salt, const unsigned char *rnd, char *out, size_t outsz)
{
	char		 setting[CRYPT_GENSALT_OUTPUT_SIZE];
	char		 key[PW_BCRYPT_KEY_MAX + 1], res[CRYPT_OUTPUT_SIZE];
	size_t		 klen;
	enum svc_err	 rc = SVC_CRYPTO;

	(void)salt;
	if (crypt_gensalt_rn("$2b$", pol->bcrypt_cost, (const char *)rnd, 16,
	    setting, sizeof(setting)) == NULL) {
		log_warnx("%s: crypt_gensalt_rn failed", __func__);
		return SVC_CRYPTO;
	}
	klen = pw_bcrypt_key(pol->alg, password, len, key);
	if ((rc = pw_crypt(key, klen, setting, res, sizeof(res))) != SVC_OK ||
	    strlen(res) != PW_BCRYPT_LEN) {
		if (rc != SVC_BADINPUT) {
			log_warnx("%s: crypt_r failed", __func__);
			rc = SVC_CRYPTO;
		}
	} else
		rc = pw_print(out, outsz, "%s$%s", pw_alg_django(pol->alg), res);
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(res, sizeof(res));
	return rc;
}

/* ---- whether a policy can be written ------------------------------- */

static int
pw_policy_ok_pbkdf2(const struct pw_policy *pol)
{
	return pol->iterations >= PW_ITER_MIN && pol->iterations <= PW_ITER_MAX;
}

static int
pw_policy_ok_argon2(const struct pw_policy *pol)
{
	return pw_argon2_ok(pol->argon2_m, pol->argon2_t, pol->argon2_p);
}

static int
pw_policy_ok_scrypt(const struct pw_policy *pol)
{
	return pw_scrypt_ok(pol->scrypt_n, pol->scrypt_r, pol->scrypt_p);
}

static int
pw_policy_ok_bcrypt(const struct pw_policy *pol)
{
	return pw_bcrypt_ok(pol->bcrypt_cost);
}

/* ---- cost: a hash's work and its family's policy's, in one unit ---- */

/* libxcrypt's default $y$ (cost 5, "j9T"): N = 2^12, r = 32, p = 1. */
#define PW_YESCRYPT_DEFAULT_WORK	(4096ULL * 32)

static unsigned long long
pw_work_rounds(const struct pw_parsed *pp)
{
	return pp->iterations;
}

static unsigned long long
pw_work_argon2(const struct pw_parsed *pp)
{
	return (unsigned long long)pp->argon2_m * pp->argon2_t;
}

static unsigned long long
pw_work_scrypt(const struct pw_parsed *pp)
{
	return (unsigned long long)pp->scrypt_n * pp->scrypt_r * pp->scrypt_p;
}

static unsigned long long
pw_work_yescrypt(const struct pw_parsed *pp)
{
	return pw_work_scrypt(pp) * (pp->yescrypt_t + 1);
}

static unsigned long long
pw_work_bcrypt(const struct pw_parsed *pp)
{
	return 1ULL << pp->cost;
}

/* pbkdf2's policy is [password] pbkdf2_iterations, whatever the algorithm. */
static unsigned long long
pw_policy_work_pbkdf2(const struct pw_policy *pol)
{
	return pol->iterations >= PW_ITER_MIN ? pol->iterations :
	    PW_PBKDF2_DEFAULT_ITERATIONS;
}

static unsigned long long
pw_policy_work_argon2(const struct pw_policy *pol)
{
	return (unsigned long long)pol->argon2_m * pol->argon2_t;
}

static unsigned long long
pw_policy_work_scrypt(const struct pw_policy *pol)
{
	return (unsigned long long)pol->scrypt_n * pol->scrypt_r *
	    pol->scrypt_p;
}

static unsigned long long
pw_policy_work_bcrypt(const struct pw_policy *pol)
{
	return 1ULL << pol->bcrypt_cost;
}

/* crypt(3)'s $5$, $6$ and $y$ have no policy of ours: their defaults. */
static unsigned long long
pw_policy_work_shacrypt(const struct pw_policy *pol)
{
	(void)pol;
	return PW_SHACRYPT_DEFAULT;
}

static unsigned long long
pw_policy_work_yescrypt(const struct pw_policy *pol)
{
	(void)pol;
	return PW_YESCRYPT_DEFAULT_WORK;
}

/* ---- outdated: pp of the policy's own algorithm, other parameters --- */

/*
 * As Django's must_update for each hasher:
 * PBKDF2: other iterations, or a salt of under 128 bits of
 * [a-zA-Z0-9] (hashers.py must_update_salt);
 * argon2: another type, version, m, t, p or hash length, or a salt of
 * under 22 bytes (ditto);
 * scrypt: other n, r or p;
 * bcrypt kinds: another cost.
 */
static int
pw_outdated_pbkdf2(const struct pw_parsed *pp, const struct pw_policy *pol)
{
	return pp->iterations != pol->iterations || pp->salt_len < PW_SALT_LEN;
}

static int
pw_outdated_argon2(const struct pw_parsed *pp, const struct pw_policy *pol)
{
	return pp->argon2_type != PW_ARGON2_ID ||
	    pp->argon2_version != ARGON2_VERSION_13 ||
	    pp->argon2_m != pol->argon2_m || pp->argon2_t != pol->argon2_t ||
	    pp->argon2_p != pol->argon2_p ||
	    pp->hash_raw_len != PW_ARGON2_HASH_LEN ||
	    pp->salt_raw_len < PW_SALT_LEN;
}

static int
pw_outdated_scrypt(const struct pw_parsed *pp, const struct pw_policy *pol)
{
	return pp->scrypt_n != pol->scrypt_n || pp->scrypt_r != pol->scrypt_r ||
	    pp->scrypt_p != pol->scrypt_p;
}

static int
pw_outdated_bcrypt(const struct pw_parsed *pp, const struct pw_policy *pol)
{
	return pp->cost != pol->bcrypt_cost;
}

/* ---- parse and verify, as the table calls them --------------------- */

/*
 * A parser gets the whole string and p, what follows its prefix (a
 * crypt(3) prefix, or Django's "<name>$").  A verifier gets the
 * password, the whole string and its parse.
 */
static enum svc_err
pw_parse_pbkdf2_at(const char *s, const char *p, struct pw_parsed *pp)
{
	(void)s;
	return pw_parse_pbkdf2(p, pp);
}

static enum svc_err
pw_parse_argon2_at(const char *s, const char *p, struct pw_parsed *pp)
{
	(void)s;
	return pw_parse_argon2(p, pp);
}

static enum svc_err
pw_parse_scrypt_at(const char *s, const char *p, struct pw_parsed *pp)
{
	(void)s;
	return pw_parse_scrypt(p, pp);
}

/* Django's: the setting follows the name; crypt(3)'s: it is the string. */
static enum svc_err
pw_parse_bcrypt_at(const char *s, const char *p, struct pw_parsed *pp)
{
	return pw_parse_bcrypt(s[0] == '$' ? s : p, pp);
}

static enum svc_err
pw_parse_sha256_at(const char *s, const char *p, struct pw_parsed *pp)
{
	(void)s;
	return pw_parse_shacrypt(p, pp, 43);
}

static enum svc_err
pw_parse_sha512_at(const char *s, const char *p, struct pw_parsed *pp)
{
	(void)s;
	return pw_parse_shacrypt(p, pp, 86);
}

static enum svc_err
pw_parse_yescrypt_at(const char *s, const char *p, struct pw_parsed *pp)
{
	(void)s;
	return pw_parse_yescrypt(p, pp);
}

static enum svc_err
pw_check_pbkdf2(const char *password, size_t len, const char *s,
    const struct pw_parsed *pp)
{
	(void)s;
	return pw_verify_pbkdf2(password, len, pp);
}

static enum svc_err
pw_check_argon2(const char *password, size_t len, const char *s,
    const struct pw_parsed *pp)
{
	(void)s;
	return pw_verify_argon2(password, len, pp);
}

static enum svc_err
pw_check_scrypt(const char *password, size_t len, const char *s,
    const struct pw_parsed *pp)
{
	(void)s;
	return pw_verify_scrypt(password, len, pp);
}

/* pw_parse found the '$' after Django's name; crypt(3)'s is all setting. */
static enum svc_err
pw_check_bcrypt(const char *password, size_t len, const char *s,
    const struct pw_parsed *pp)
{
	return pw_verify_bcrypt(password, len,
	    s[0] == '$' ? s : strchr(s, '$') + 1, pp->alg);
}

static enum svc_err
pw_check_crypt(const char *password, size_t len, const char *s,
    const struct pw_parsed *pp)
{
	(void)pp;
	return pw_verify_crypt(password, len, s);
}

/* ---- the hashers: one entry per algorithm -------------------------- */

/*
 * What pw.h's functions do for each algorithm.  A Django algorithm is
 * found by its name (pwalg.c) and has no prefix; a crypt(3) one by its
 * prefix.  make and policy_ok are NULL for what we never write;
 * outdated is NULL where a hash can never be of the policy (crypt(3)
 * strings: always outdated); PW_UNUSABLE has no entry points at all.
 */
static const struct pw_hasher {
	const char	*prefix;
	enum svc_err	(*parse)(const char *, const char *,
			    struct pw_parsed *);
	enum svc_err	(*verify)(const char *, size_t, const char *,
			    const struct pw_parsed *);
	int		(*policy_ok)(const struct pw_policy *);
	enum svc_err	(*make)(const struct pw_policy *, const char *, size_t,
			    const char *, const unsigned char *, char *, size_t);
	unsigned long long (*work)(const struct pw_parsed *);
	unsigned long long (*policy_work)(const struct pw_policy *);
	int		(*outdated)(const struct pw_parsed *,
			    const struct pw_policy *);
} pw_hashers[PW_ALG__MAX] = {
	[PW_PBKDF2_SHA256] = { NULL, pw_parse_pbkdf2_at, pw_check_pbkdf2,
	    pw_policy_ok_pbkdf2, pw_make_pbkdf2, pw_work_rounds,
	    pw_policy_work_pbkdf2, pw_outdated_pbkdf2 },
	[PW_PBKDF2_SHA1] = { NULL, pw_parse_pbkdf2_at, pw_check_pbkdf2,
	    pw_policy_ok_pbkdf2, pw_make_pbkdf2, pw_work_rounds,
	    pw_policy_work_pbkdf2, pw_outdated_pbkdf2 },
	[PW_ARGON2] = { NULL, pw_parse_argon2_at, pw_check_argon2,
	    pw_policy_ok_argon2, pw_make_argon2, pw_work_argon2,
	    pw_policy_work_argon2, pw_outdated_argon2 },
	[PW_SCRYPT] = { NULL, pw_parse_scrypt_at, pw_check_scrypt,
	    pw_policy_ok_scrypt, pw_make_scrypt, pw_work_scrypt,
	    pw_policy_work_scrypt, pw_outdated_scrypt },
	[PW_BCRYPT_SHA256] = { NULL, pw_parse_bcrypt_at, pw_check_bcrypt,
	    pw_policy_ok_bcrypt, pw_make_bcrypt, pw_work_bcrypt,
	    pw_policy_work_bcrypt, pw_outdated_bcrypt },
	[PW_BCRYPT] = { NULL, pw_parse_bcrypt_at, pw_check_bcrypt,
	    pw_policy_ok_bcrypt, pw_make_bcrypt, pw_work_bcrypt,
	    pw_policy_work_bcrypt, pw_outdated_bcrypt },
	[PW_CRYPT_BCRYPT] = { "$2", pw_parse_bcrypt_at, pw_check_bcrypt,
	    NULL, NULL, pw_work_bcrypt, pw_policy_work_bcrypt, NULL },
	[PW_CRYPT_SHA256] = { "$5$", pw_parse_sha256_at, pw_check_crypt,
	    NULL, NULL, pw_work_rounds, pw_policy_work_shacrypt, NULL },
	[PW_CRYPT_SHA512] = { "$6$", pw_parse_sha512_at, pw_check_crypt,
	    NULL, NULL, pw_work_rounds, pw_policy_work_shacrypt, NULL },
	[PW_CRYPT_YESCRYPT] = { "$y$", pw_parse_yescrypt_at, pw_check_crypt,
	    NULL, NULL, pw_work_yescrypt, pw_policy_work_yescrypt, NULL },
	[PW_UNUSABLE] = { NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
};

/* ---- pw.h ---------------------------------------------------------- */

/* The hasher of encoded and where its own part starts; NULL if none. */
static const struct pw_hasher *
pw_hasher_of(const char *encoded, enum pw_alg *alg, const char **p)
{
	const char	*alg_end;
	size_t		 i, n;

	if (encoded[0] == '$') {
		for (i = 0; i < PW_ALG__MAX; i++) {
			if (pw_hashers[i].prefix == NULL)
				continue;
			n = strlen(pw_hashers[i].prefix);
			if (strncmp(encoded, pw_hashers[i].prefix, n) == 0) {
				*alg = (enum pw_alg)i;
				*p = encoded + n;
				return &pw_hashers[i];
			}
		}
		return NULL;
	}
	if ((alg_end = strchr(encoded, '$')) == NULL ||
	    pw_alg_lookup(encoded, (size_t)(alg_end - encoded), alg) != SVC_OK)
		return NULL;
	*p = alg_end + 1;
	return &pw_hashers[*alg];
}

enum svc_err
pw_parse(const char *encoded, struct pw_parsed *out)
{
	const struct pw_hasher *h;
	struct pw_parsed pp;
	const char	*p;

	memset(out, 0, sizeof(*out));
	if (encoded == NULL)
		return SVC_BADINPUT;
	/* django.contrib.auth.hashers.UNUSABLE_PASSWORD_PREFIX */
	if (encoded[0] == '!') {
		out->alg = PW_UNUSABLE;
		return SVC_OK;
	}
	if (strnlen(encoded, PW_ENCODED_MAX + 1) > PW_ENCODED_MAX)
		return SVC_BADINPUT;
	memset(&pp, 0, sizeof(pp));
	if ((h = pw_hasher_of(encoded, &pp.alg, &p)) == NULL ||
	    h->parse == NULL || h->parse(encoded, p, &pp) != SVC_OK)
		return SVC_BADINPUT;
	*out = pp;
	return SVC_OK;
}

enum svc_err
pw_verify(const char *password, size_t len, const char *encoded)
{
	struct pw_parsed pp;

	if (pw_parse(encoded, &pp) != SVC_OK) {
		pw_warn_malformed();
		return SVC_DENIED;
	}
	if (password == NULL) {
		if (len != 0)
			return SVC_DENIED;
		password = "";
	}
	if (len > INT_MAX || pw_hashers[pp.alg].verify == NULL)
		return SVC_DENIED;	/* PW_UNUSABLE */
	return pw_hashers[pp.alg].verify(password, len, encoded, &pp);
}

/* Encodes password under pol (filled, checked): the hasher's make. */
static enum svc_err
pw_encode(const struct pw_policy *pol, const char *password, size_t len,
    const char *salt, const unsigned char *rnd, char *out, size_t outsz)
{
	if (pw_hashers[pol->alg].make == NULL)
		return SVC_BADINPUT;
	return pw_hashers[pol->alg].make(pol, password, len, salt, rnd, out,
	    outsz);
}

/* pol filled from policy; SVC_BADINPUT if it cannot be written. */
static enum svc_err
pw_policy_check(const struct pw_policy *policy, struct pw_policy *pol)
{
	if (policy == NULL || (unsigned)policy->alg >= PW_ALG__MAX)
		return SVC_BADINPUT;
	pw_policy_fill(policy, pol);
	if (pw_hashers[pol->alg].policy_ok == NULL ||
	    !pw_hashers[pol->alg].policy_ok(pol))
		return SVC_BADINPUT;
	return SVC_OK;
}

enum svc_err
pw_make(const char *password, size_t len, const struct pw_policy *policy,
    char *out, size_t outsz)
{
	struct pw_policy pol;
	char		 salt[PW_SALT_LEN + 1];
	unsigned char	 rnd[16];
	enum svc_err	 rc;

	if (out == NULL || outsz < PW_ENCODED_MAX)
		return SVC_BADINPUT;
	out[0] = '\0';
	if (pw_policy_check(policy, &pol) != SVC_OK || len > INT_MAX ||
	    (password == NULL && len != 0))
		return SVC_BADINPUT;
	if (password == NULL)
		password = "";
	if (pw_salt(salt) != SVC_OK || RAND_bytes(rnd, sizeof(rnd)) != 1) {
		log_warnx("%s: RAND_bytes failed", __func__);
		return SVC_CRYPTO;
	}
	rc = pw_encode(&pol, password, len, salt, rnd, out, outsz);
	if (rc != SVC_OK)
		out[0] = '\0';
	OPENSSL_cleanse(rnd, sizeof(rnd));
	return rc;
}

void
pw_dummy(const char *password, size_t len, const struct pw_policy *policy)
{
	static const unsigned char rnd[16] = { 0 };
	struct pw_policy pol;
	char		 out[PW_ENCODED_MAX];

	/* No usable policy: pbkdf2_sha256 at its iterations or Django's. */
	if (pw_policy_check(policy, &pol) != SVC_OK)
		pw_policy_init(&pol, PW_PBKDF2_SHA256, policy != NULL &&
		    policy->iterations >= PW_ITER_MIN &&
		    policy->iterations <= PW_ITER_MAX ? policy->iterations :
		    PW_PBKDF2_DEFAULT_ITERATIONS);
	if (password == NULL)
		len = 0;
	if (len > INT_MAX)
		len = INT_MAX;
	/*
	 * The result is thrown away: only the time spent matters.  A
	 * password that bcrypt refuses (a NUL) costs the work regardless.
	 */
	if (pw_encode(&pol, password != NULL ? password : "", len,
	    "jwtauthdummysalt0123AB", rnd, out, sizeof(out)) == SVC_BADINPUT)
		(void)pw_encode(&pol, "", 0, "jwtauthdummysalt0123AB", rnd,
		    out, sizeof(out));
	OPENSSL_cleanse(out, sizeof(out));
}

int
pw_over_cost(const struct pw_parsed *pp, const struct pw_policy *policy,
    unsigned factor)
{
	const struct pw_hasher *h;
	struct pw_policy pol;

	if (policy == NULL || (unsigned)pp->alg >= PW_ALG__MAX)
		return 0;
	h = &pw_hashers[pp->alg];
	if (h->work == NULL || h->policy_work == NULL)
		return 0;
	pw_policy_fill(policy, &pol);
	return h->work(pp) > h->policy_work(&pol) * (factor > 0 ? factor : 1);
}

void
pw_spend(unsigned iterations)
{
	char b64[PW_B64_MAX + 1];

	if (iterations < PW_ITER_MIN)
		return;
	(void)pw_pbkdf2(PW_PBKDF2_SHA256, "jwtauth", 7, "jwtauthtopup", 12,
	    iterations > PW_ITER_MAX ? PW_ITER_MAX : iterations, b64);
	OPENSSL_cleanse(b64, sizeof(b64));
}

/*
 * Another algorithm than the policy's, or the hasher's outdated (see
 * above); crypt(3) strings are never our policy: always.  A malformed
 * or unusable hash never verifies, so there is nothing to re-hash: 0.
 */
int
pw_needs_rehash(const char *encoded, const struct pw_policy *policy)
{
	struct pw_parsed pp;
	struct pw_policy pol;

	if (policy == NULL || pw_parse(encoded, &pp) != SVC_OK ||
	    pp.alg == PW_UNUSABLE)
		return 0;
	pw_policy_fill(policy, &pol);
	if (pp.alg != pol.alg || pw_hashers[pp.alg].outdated == NULL)
		return 1;
	return pw_hashers[pp.alg].outdated(&pp, &pol);
}
