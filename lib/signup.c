/*
 * signup.c: the checks of a registration, and the insert.  The rules
 * and where they differ from Django's are in signup.h.
 */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include <openssl/crypto.h>

#include "json.h"
#include "log.h"
#include "pw.h"
#include "signup.h"
#include "users.h"

#define SIGNUP_CP_MAX	(16 * 1024)	/* code points; bodies are 16 KiB */

/* ---- UTF-8 and character classes --------------------------------- */

/* C.UTF-8 for iswalnum_l and towlower_l; (locale_t)0: ASCII only. */
static locale_t
signup_locale(void)
{
	static locale_t loc;
	static int tried;

	if (!tried) {
		tried = 1;
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
		if (loc == (locale_t)0)
			log_warnx("%s: no C.UTF-8 locale: ASCII letters only",
			    __func__);
	}
	return loc;
}

/*
 * Decodes s (UTF-8) into cp (room for max), lowercased when lower is
 * set.  Returns the count, or -1 for invalid UTF-8 (lib/json.c's rules,
 * the same as the body's) or more than max.
 */
static long
signup_decode(const char *s, uint32_t *cp, size_t max, int lower)
{
	locale_t loc = signup_locale();
	size_t len = strlen(s), n = 0, k;
	uint32_t c;

	while (len > 0) {
		if ((k = jsn_utf8_next(s, len, &c)) == 0 || n == max)
			return -1;
		s += k;
		len -= k;
		if (lower)
			c = c < 0x80 || loc == (locale_t)0 ?
			    (c >= 'A' && c <= 'Z' ? c + 32 : c) :
			    (uint32_t)towlower_l((wint_t)c, loc);
		cp[n++] = c;
	}
	return (long)n;
}

/* Python's \w on str: letters and digits of any script, and '_'. */
static int
signup_word(uint32_t c)
{
	locale_t loc = signup_locale();

	if (c < 0x80 || loc == (locale_t)0)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_';
	return iswalnum_l((wint_t)c, loc) != 0;
}

/* ---- quick_ratio ------------------------------------------------- */

static int
signup_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * M of quick_ratio: the size of the multiset intersection of a (na)
 * and b (nb), both sorted in place.
 */
static size_t
signup_matches(uint32_t *a, size_t na, uint32_t *b, size_t nb)
{
	size_t i = 0, j = 0, m = 0;

	qsort(a, na, sizeof(*a), signup_cmp);
	qsort(b, nb, sizeof(*b), signup_cmp);
	while (i < na && j < nb) {
		if (a[i] == b[j])
			m++, i++, j++;
		else if (a[i] < b[j])
			i++;
		else
			j++;
	}
	return m;
}

double
signup_quick_ratio(const char *a, const char *b)
{
	uint32_t *ca = NULL, *cb = NULL;
	long na, nb;
	double r = 0.0;

	if ((ca = calloc(SIGNUP_CP_MAX, sizeof(*ca))) == NULL ||
	    (cb = calloc(SIGNUP_CP_MAX, sizeof(*cb))) == NULL)
		goto out;
	na = signup_decode(a, ca, SIGNUP_CP_MAX, 0);
	nb = signup_decode(b, cb, SIGNUP_CP_MAX, 0);
	if (na < 0 || nb < 0)
		goto out;
	if (na + nb == 0)
		r = 1.0;
	else
		r = 2.0 * (double)signup_matches(ca, (size_t)na, cb,
		    (size_t)nb) / (double)(na + nb);
out:
	free(ca);
	free(cb);
	return r;
}

/*
 * Django's test for one part (pw: the lowercased password, np code
 * points; part: np2 code points): exceeds_maximum_length_ratio skips
 * a part that is so much shorter than the password that it cannot
 * reach 0.7, then quick_ratio >= 0.7, in integers:
 * 2M / (np + nv) >= 7/10  <=>  20 M >= 7 (np + nv).
 * pw and scratch (np each) are sorted copies; part is sorted in place.
 */
static int
signup_part_similar(const uint32_t *pw, uint32_t *scratch, size_t np,
    uint32_t *part, size_t nv)
{
	size_t m;

	if (nv == 0)
		return 0;
	if (np >= 10 * nv && 20 * nv < 7 * np)
		return 0;
	memcpy(scratch, pw, np * sizeof(*pw));
	m = signup_matches(scratch, np, part, nv);
	return 20 * m >= 7 * (np + nv);
}

int
signup_too_similar(const char *password, const char *value)
{
	uint32_t *pw = NULL, *scratch = NULL, *val = NULL, *part = NULL;
	long np, nv;
	size_t i, start;
	int similar = 0;

	if ((pw = calloc(SIGNUP_CP_MAX, sizeof(*pw))) == NULL ||
	    (scratch = calloc(SIGNUP_CP_MAX, sizeof(*pw))) == NULL ||
	    (val = calloc(SIGNUP_CP_MAX, sizeof(*pw))) == NULL ||
	    (part = calloc(SIGNUP_CP_MAX, sizeof(*pw))) == NULL)
		goto out;
	np = signup_decode(password, pw, SIGNUP_CP_MAX, 1);
	nv = signup_decode(value, val, SIGNUP_CP_MAX, 1);
	if (np < 0 || nv <= 0)
		goto out;
	/* re.split(r"\W+", value) + [value]: each run of \w, and all. */
	for (i = 0, start = 0; i <= (size_t)nv && !similar; i++) {
		if (i < (size_t)nv && signup_word(val[i]))
			continue;
		memcpy(part, val + start, (i - start) * sizeof(*val));
		similar = signup_part_similar(pw, scratch, (size_t)np, part,
		    i - start);
		start = i + 1;
	}
	if (!similar) {
		memcpy(part, val, (size_t)nv * sizeof(*val));
		similar = signup_part_similar(pw, scratch, (size_t)np, part,
		    (size_t)nv);
	}
out:
	if (pw != NULL)
		OPENSSL_cleanse(pw, SIGNUP_CP_MAX * sizeof(*pw));
	if (scratch != NULL)
		OPENSSL_cleanse(scratch, SIGNUP_CP_MAX * sizeof(*pw));
	free(pw);
	free(scratch);
	free(val);
	free(part);
	return similar;
}

/* ---- the fields -------------------------------------------------- */

/* Code points of s, or -1 for invalid UTF-8. */
static long
signup_length(const char *s)
{
	const unsigned char *p;
	long n = 0;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p & 0xc0) != 0x80)
			n++;
	return n;
}

static const char *
signup_username(const char *username)
{
	static uint32_t cp[SIGNUP_NAME_MAX];
	long n, i;

	if (username[0] == '\0')
		return "This field may not be blank.";
	if ((n = signup_decode(username, cp, SIGNUP_NAME_MAX, 0)) < 0)
		return signup_length(username) > SIGNUP_NAME_MAX ?
		    "Ensure this field has no more than 150 characters." :
		    "Enter a valid username.";
	for (i = 0; i < n; i++)
		if (!signup_word(cp[i]) && cp[i] != '.' && cp[i] != '@' &&
		    cp[i] != '+' && cp[i] != '-')
			return "Enter a valid username. This value may contain "
			    "only letters, numbers, and @/./+/-/_ characters.";
	return NULL;
}

/* RFC 5322 3.2.3 atext, the characters of a dot-atom's atoms. */
static int
signup_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* A domain label character: letters, digits, '-', or UTF-8 (IDN). */
static int
signup_ldh(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c >= 0x80;
}

static int
signup_domain_ok(const char *d)
{
	size_t len, labels = 0, last = 0;
	const char *dot;

	for (;;) {
		dot = strchr(d, '.');
		len = dot != NULL ? (size_t)(dot - d) : strlen(d);
		if (len == 0 || len > 63 || d[0] == '-' || d[len - 1] == '-')
			return 0;
		for (size_t i = 0; i < len; i++)
			if (!signup_ldh((unsigned char)d[i]))
				return 0;
		labels++;
		last = len;
		if (dot == NULL)
			break;
		d = dot + 1;
	}
	return labels >= 2 && last >= 2;
}

static const char *
signup_email(const char *email)
{
	static const char bad[] = "Enter a valid email address.";
	const char *at, *p;

	if (email[0] == '\0')
		return "This field may not be blank.";
	if (signup_length(email) > SIGNUP_EMAIL_MAX)
		return "Ensure this field has no more than 254 characters.";
	if ((at = strchr(email, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return bad;
	/* The local part: atoms joined by single dots. */
	if (at == email || email[0] == '.' || at[-1] == '.')
		return bad;
	for (p = email; p < at; p++)
		if (!(signup_atext((unsigned char)*p) ||
		    (*p == '.' && p[1] != '.')))
			return bad;
	return signup_domain_ok(at + 1) ? NULL : bad;
}

/* Up to two problems of the password, into p (room for max). */
static size_t
signup_password(const char *password, const char *username,
    const char *email, struct signup_problem *p, size_t max)
{
	const unsigned char *c;
	size_t n = 0;
	int digits = 1;

	for (c = (const unsigned char *)password; *c != '\0'; c++)
		if (*c < '0' || *c > '9')
			digits = 0;
	if (n < max && signup_length(password) < SIGNUP_PW_MIN)
		p[n++].msg = "This password is too short. It must contain at "
		    "least 8 characters.";
	if (n < max && password[0] != '\0' && digits)
		p[n++].msg = "This password is entirely numeric.";
	if (n < max && username != NULL &&
	    signup_too_similar(password, username))
		p[n++].msg = "The password is too similar to the username.";
	else if (n < max && email != NULL &&
	    signup_too_similar(password, email))
		p[n++].msg = "The password is too similar to the email "
		    "address.";
	return n;
}

const char *
signup_field_name(enum signup_field field)
{
	static const char *const names[SIGNUP_FIELD__MAX] = {
		[SIGNUP_USERNAME] = "username",
		[SIGNUP_PASSWORD] = "password",
		[SIGNUP_EMAIL] = "email",
	};

	return (unsigned)field < SIGNUP_FIELD__MAX ? names[field] : NULL;
}

/*
 * Django's ProhibitNullCharactersValidator, run by its form fields
 * before the others: the checks below read C strings, which a NUL
 * would cut short.  1 when s (len bytes) holds one.
 */
static int
signup_has_nul(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

static const char signup_nul_msg[] = "Null characters are not allowed.";

/* One problem of field f, if msg is not NULL and p has room. */
static size_t
signup_note(struct signup_problem *p, size_t n, size_t max,
    enum signup_field f, const char *msg)
{
	if (msg == NULL || n >= max)
		return n;
	p[n].field = f;
	p[n].msg = msg;
	return n + 1;
}

size_t
signup_check(const struct signup *s, struct signup_problem *p, size_t max)
{
	int unul = signup_has_nul(s->username, s->username_len);
	int pnul = signup_has_nul(s->password, s->password_len);
	int enul = signup_has_nul(s->email, s->email_len);
	size_t n, i, k = 0;

	n = signup_note(p, 0, max, SIGNUP_USERNAME, unul ? signup_nul_msg :
	    signup_username(s->username));
	if (pnul)
		n = signup_note(p, n, max, SIGNUP_PASSWORD, signup_nul_msg);
	else if (n < max) {
		/* A field with NUL is not compared with (it was refused). */
		k = signup_password(s->password, unul ? NULL : s->username,
		    enul ? NULL : s->email, p + n, max - n);
		for (i = n; i < n + k; i++)
			p[i].field = SIGNUP_PASSWORD;
		n += k;
	}
	return signup_note(p, n, max, SIGNUP_EMAIL, enul ? signup_nul_msg :
	    signup_email(s->email));
}

enum svc_err
signup_create(struct users *users, const struct pw_policy *policy,
    const struct signup *s, long long *id)
{
	char hash[PW_ENCODED_MAX];
	enum svc_err rc;

	*id = 0;
	rc = pw_make(s->password, s->password_len, policy, hash,
	    sizeof(hash));
	if (rc == SVC_OK)
		rc = users_insert(users, s->username, s->email, hash, id);
	OPENSSL_cleanse(hash, sizeof(hash));
	return rc;
}
