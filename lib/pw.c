/*
 * pw.c: Django's PBKDF2 password hashes,
 * "pbkdf2_sha256$<iterations>$<salt>$<base64 of the derived key>"
 * (django/contrib/auth/hashers.py, PBKDF2PasswordHasher).
 *
 * The derived key is PBKDF2 (RFC 8018, 5.2) with HMAC of the named
 * digest and a key as long as one digest; Django writes it in standard
 * base64 with padding (RFC 4648, 4).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "log.h"
#include "pw.h"

#define PW_ITER_MIN	1
#define PW_ITER_MAX	100000000U	/* ours; Django sets none */
#define PW_DK_MAX	32		/* the longest digest we use */
#define PW_B64_MAX	(4 * ((PW_DK_MAX + 2) / 3))
#define PW_SALT_LEN	22		/* 22 * log2(62) >= 128 bits */

static const char pw_salt_chars[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/* One row per writable algorithm; PW_UNUSABLE has none. */
static const struct pw_def {
	const char	*name;
	const EVP_MD	*(*md)(void);
	size_t		 dklen;	/* Django: the digest size */
} pw_defs[PW_ALG__MAX] = {
	[PW_PBKDF2_SHA256] = { "pbkdf2_sha256", EVP_sha256, 32 },
	[PW_PBKDF2_SHA1] = { "pbkdf2_sha1", EVP_sha1, 20 },
	[PW_UNUSABLE] = { NULL, NULL, 0 },
};

/* Length of standard base64 with padding for n bytes. */
static size_t
pw_b64len(size_t n)
{
	return 4 * ((n + 2) / 3);
}

/* Name of len bytes -> algorithm; SVC_BADINPUT when none matches. */
static enum svc_err
pw_alg_lookup(const char *name, size_t len, enum pw_alg *alg)
{
	size_t	 i;

	for (i = 0; i < PW_ALG__MAX; i++) {
		if (pw_defs[i].name == NULL)
			continue;
		if (strlen(pw_defs[i].name) == len &&
		    memcmp(pw_defs[i].name, name, len) == 0) {
			*alg = (enum pw_alg)i;
			return SVC_OK;
		}
	}
	return SVC_BADINPUT;
}

enum svc_err
pw_alg_parse(const char *name, enum pw_alg *alg)
{
	if (name == NULL)
		return SVC_BADINPUT;
	return pw_alg_lookup(name, strlen(name), alg);
}

/*
 * Decimal iterations, as Django writes them with str(int): digits only,
 * no sign, no leading zero (Django re-encodes and compares the whole
 * string, so "01000" never verifies there either), within bounds.
 */
static enum svc_err
pw_parse_iter(const char *s, size_t len, unsigned *out)
{
	unsigned long	 v = 0;
	size_t		 i;

	if (len == 0 || len > 9 || s[0] == '0')
		return SVC_BADINPUT;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return SVC_BADINPUT;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < PW_ITER_MIN || v > PW_ITER_MAX)
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
		if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
			return SVC_BADINPUT;
	return SVC_OK;
}

/*
 * The derived key in standard base64: exactly as long as the digest
 * needs, padding only at the end.  Non-canonical trailing bits are left
 * to the comparison, which they fail, as in Django.
 */
static enum svc_err
pw_check_hash(const char *s, size_t len, size_t dklen)
{
	size_t	 i, pad;

	if (len != pw_b64len(dklen))
		return SVC_BADINPUT;
	pad = (3 - dklen % 3) % 3;
	for (i = 0; i < len; i++) {
		if (i >= len - pad) {
			if (s[i] != '=')
				return SVC_BADINPUT;
		} else if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '+' || s[i] == '/'))
			return SVC_BADINPUT;
	}
	return SVC_OK;
}

enum svc_err
pw_parse(const char *encoded, struct pw_parsed *out)
{
	const char	*p, *alg_end, *it_end, *salt_end, *end;
	struct pw_parsed pp;

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
	end = encoded + strlen(encoded);
	p = encoded;
	if ((alg_end = strchr(p, '$')) == NULL ||
	    pw_alg_lookup(p, (size_t)(alg_end - p), &pp.alg) != SVC_OK)
		return SVC_BADINPUT;
	p = alg_end + 1;
	if ((it_end = strchr(p, '$')) == NULL ||
	    pw_parse_iter(p, (size_t)(it_end - p), &pp.iterations) != SVC_OK)
		return SVC_BADINPUT;
	p = it_end + 1;
	if ((salt_end = strchr(p, '$')) == NULL ||
	    pw_check_salt(p, (size_t)(salt_end - p)) != SVC_OK)
		return SVC_BADINPUT;
	pp.salt = p;
	pp.salt_len = (size_t)(salt_end - p);
	p = salt_end + 1;
	pp.hash = p;
	pp.hash_len = (size_t)(end - p);
	if (pw_check_hash(pp.hash, pp.hash_len,
	    pw_defs[pp.alg].dklen) != SVC_OK)
		return SVC_BADINPUT;
	*out = pp;
	return SVC_OK;
}

/*
 * PBKDF2 of password with alg's digest, written as base64 into b64
 * (PW_B64_MAX + 1 bytes).  Returns the base64 length, or 0 when OpenSSL
 * failed or an input is beyond its int lengths.  The raw key is wiped.
 */
static size_t
pw_derive(enum pw_alg alg, const char *password, size_t len,
    const char *salt, size_t salt_len, unsigned iterations, char *b64)
{
	unsigned char	 dk[PW_DK_MAX];
	const struct pw_def *d = &pw_defs[alg];
	size_t		 n = 0;
	int		 rc;

	if (d->md == NULL || len > INT_MAX || salt_len > INT_MAX ||
	    iterations < PW_ITER_MIN || iterations > PW_ITER_MAX)
		return 0;
	if (password == NULL)
		password = "";
	rc = PKCS5_PBKDF2_HMAC(password, (int)len,
	    (const unsigned char *)salt, (int)salt_len, (int)iterations,
	    d->md(), (int)d->dklen, dk);
	if (rc == 1)
		n = (size_t)EVP_EncodeBlock((unsigned char *)b64, dk,
		    (int)d->dklen);
	OPENSSL_cleanse(dk, sizeof(dk));
	return n;
}

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
	log_warnx("pw_verify: a stored password hash is malformed or of "
	    "an unknown algorithm; it matches no password");
}

enum svc_err
pw_verify(const char *password, size_t len, const char *encoded)
{
	struct pw_parsed pp;
	char		 b64[PW_B64_MAX + 1];
	size_t		 n;
	enum svc_err	 rc;

	if (pw_parse(encoded, &pp) != SVC_OK) {
		pw_warn_malformed();
		return SVC_DENIED;
	}
	if (pp.alg == PW_UNUSABLE)
		return SVC_DENIED;
	if (len > INT_MAX)
		return SVC_DENIED;

	n = pw_derive(pp.alg, password, len, pp.salt, pp.salt_len,
	    pp.iterations, b64);
	if (n == 0) {
		log_warnx("%s: PKCS5_PBKDF2_HMAC failed", __func__);
		rc = SVC_CRYPTO;
		goto out;
	}
	/* pw_parse fixed hash_len to n; compare in constant time anyway. */
	if (n == pp.hash_len && CRYPTO_memcmp(b64, pp.hash, n) == 0)
		rc = SVC_OK;
	else
		rc = SVC_DENIED;
out:
	OPENSSL_cleanse(b64, sizeof(b64));
	return rc;
}

void
pw_dummy(const char *password, size_t len, const struct pw_policy *policy)
{
	char		 b64[PW_B64_MAX + 1];
	enum pw_alg	 alg = PW_PBKDF2_SHA256;
	unsigned	 iterations = PW_PBKDF2_DEFAULT_ITERATIONS;

	if (policy != NULL) {
		if ((unsigned)policy->alg < PW_ALG__MAX &&
		    pw_defs[policy->alg].md != NULL)
			alg = policy->alg;
		if (policy->iterations >= PW_ITER_MIN &&
		    policy->iterations <= PW_ITER_MAX)
			iterations = policy->iterations;
	}
	if (len > INT_MAX)
		len = INT_MAX;
	/* The result is thrown away: only the time spent matters. */
	(void)pw_derive(alg, password, len, "jwtauthdummysalt0123AB",
	    PW_SALT_LEN, iterations, b64);
	OPENSSL_cleanse(b64, sizeof(b64));
}

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

enum svc_err
pw_make(const char *password, size_t len, const struct pw_policy *policy,
    char *out, size_t outsz)
{
	char		 salt[PW_SALT_LEN + 1], b64[PW_B64_MAX + 1];
	enum svc_err	 rc;
	int		 w;

	if (out == NULL || outsz < PW_ENCODED_MAX)
		return SVC_BADINPUT;
	out[0] = '\0';
	if (policy == NULL || (unsigned)policy->alg >= PW_ALG__MAX ||
	    pw_defs[policy->alg].md == NULL ||
	    policy->iterations < PW_ITER_MIN ||
	    policy->iterations > PW_ITER_MAX || len > INT_MAX)
		return SVC_BADINPUT;

	if ((rc = pw_salt(salt)) != SVC_OK) {
		log_warnx("%s: RAND_bytes failed", __func__);
		goto out;
	}
	if (pw_derive(policy->alg, password, len, salt, PW_SALT_LEN,
	    policy->iterations, b64) == 0) {
		log_warnx("%s: PKCS5_PBKDF2_HMAC failed", __func__);
		rc = SVC_CRYPTO;
		goto out;
	}
	w = snprintf(out, outsz, "%s$%u$%s$%s", pw_defs[policy->alg].name,
	    policy->iterations, salt, b64);
	if (w < 0 || (size_t)w >= outsz) {
		out[0] = '\0';
		rc = SVC_TOOBIG;
		goto out;
	}
	rc = SVC_OK;
out:
	OPENSSL_cleanse(b64, sizeof(b64));
	return rc;
}

/*
 * As Django's PBKDF2PasswordHasher.must_update: another algorithm,
 * another iteration count, or a salt of under 128 bits of [a-zA-Z0-9]
 * (hashers.py must_update_salt).  A malformed or unusable hash never
 * verifies, so there is nothing to re-hash: 0.
 */
int
pw_needs_rehash(const char *encoded, const struct pw_policy *policy)
{
	struct pw_parsed pp;

	if (policy == NULL || pw_parse(encoded, &pp) != SVC_OK ||
	    pp.alg == PW_UNUSABLE)
		return 0;
	return pp.alg != policy->alg || pp.iterations != policy->iterations ||
	    pp.salt_len < PW_SALT_LEN;
}
