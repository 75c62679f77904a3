/*
 * test-signup.c: the registration checks of lib/signup.c, against
 * what Django 3.2's validators and difflib answer for the same input
 * (the expected values were computed with python3-django and difflib).
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "signup.h"
#include "tap.h"

/* difflib.SequenceMatcher(a=, b=).quick_ratio(). */
static const struct ratio {
	const char	*a, *b;
	double		 want;
} ratios[] = {
	{ "abc", "abd", 2.0 / 3 },
	{ "", "", 1.0 },
	{ "a", "", 0.0 },
	{ "alice", "ecila", 1.0 },
	{ "h\xc3\xa9llo", "hello", 0.8 },	/* héllo: code points */
	{ "aab", "abb", 2.0 / 3 },
};

/* UserAttributeSimilarityValidator with username and email set. */
static const struct similar {
	const char	*password, *username, *email;
	int		 want;	/* 1: Django raises */
} similar[] = {
	{ "alice", "alice", "alice@example.com", 1 },
	{ "alice2024!", "alice", "a@example.com", 0 },
	{ "ecila123", "alice", "x@y.org", 1 },
	{ "correct horse battery", "alice", "alice@example.com", 0 },
	{ "example1", "bob", "bob@example.com", 1 },
	{ "Bob.Smith", "bob.smith", "b@ex.com", 1 },
	{ "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "z", "q@ex.com", 0 },
	{ "\xc3\x89" "COLE-42x", "\xc3\xa9" "cole", "e@ex.com", 1 },
	{ "password123", "alice", "alice@example.com", 0 },
	{ "qwertyuiop", "qwerty", "q@w.org", 1 },
	{ "s3cret-pass", "s3cret", "s@x.io", 1 },
	{ "abcdefgh", "hgfedcba", "x@y.zz", 1 },
	{ "bob@example", "zed", "bob@example.com", 1 },
};

static const struct field {
	const char	*value;
	int		 ok;
} usernames[] = {
	{ "alice", 1 }, { "a", 1 }, { "bob.smith+tag@x-y_z", 1 },
	{ "\xc3\xa9" "cole", 1 },		/* école */
	{ "\xe4\xb8\xad\xe6\x96\x87", 1 },	/* 中文 */
	{ "\xd9\xa3", 1 },			/* Arabic-Indic three */
	{ "", 0 }, { "bo b", 0 }, { "bob!", 0 }, { "bob/x", 0 },
	{ "tab\there", 0 }, { "e\xcc\x81", 0 },	/* a combining accent */
	{ "\xf0\x9f\x98\x80", 0 },		/* an emoji */
	{ "\xff", 0 },				/* not UTF-8 */
	{ "a\xc0\xaf", 0 },			/* overlong '/' */
	{ "a\xed\xa0\x80", 0 },			/* a surrogate */
	{ "a\xe4\xb8", 0 },			/* cut short */
};

static const struct field emails[] = {
	{ "bob@example.com", 1 }, { "b.o-b+x@mail.example.co", 1 },
	{ "o'hara@example.org", 1 }, { "x@b\xc3\xbc" "cher.de", 1 },
	{ "", 0 }, { "bob", 0 }, { "bob@", 0 }, { "@example.com", 0 },
	{ "bob@@example.com", 0 }, { "a@b@example.com", 0 },
	{ "bob@localhost", 0 }, { "bob@example.c", 0 }, { "bob@.com", 0 },
	{ "bob@example..com", 0 }, { "bob@-ex.com", 0 }, { "bob@ex-.com", 0 },
	{ "bob @example.com", 0 }, { "bob@exa mple.com", 0 },
	{ ".bob@example.com", 0 }, { "bob.@example.com", 0 },
	{ "b..ob@example.com", 0 }, { "bob@example.com.", 0 },
	{ "<bob>@example.com", 0 },
};

/* signup_check on three fields of given lengths. */
static size_t
check_len(const char *u, size_t ul, const char *pw, size_t pl,
    const char *e, size_t el, struct signup_problem *p)
{
	const struct signup s = { u, ul, pw, pl, e, el };

	memset(p, 0, sizeof(*p) * SIGNUP_PROBLEMS_MAX);
	return signup_check(&s, p, SIGNUP_PROBLEMS_MAX);
}

static size_t
check(const char *u, const char *pw, const char *e, struct signup_problem *p)
{
	return check_len(u, strlen(u), pw, strlen(pw), e, strlen(e), p);
}

/* Whether the problems p (n) name field. */
static int
names(const struct signup_problem *p, size_t n, const char *field)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(signup_field_name(p[i].field), field) == 0)
			return 1;
	return 0;
}

static void
test_ratio(void)
{
	size_t i;
	double got;

	for (i = 0; i < sizeof(ratios) / sizeof(ratios[0]); i++) {
		got = signup_quick_ratio(ratios[i].a, ratios[i].b);
		ok(got > ratios[i].want - 1e-12 && got < ratios[i].want + 1e-12,
		    "quick_ratio(\"%s\", \"%s\") = %g (difflib: %g)",
		    ratios[i].a, ratios[i].b, got, ratios[i].want);
	}
	for (i = 0; i < sizeof(similar) / sizeof(similar[0]); i++)
		is_int(signup_too_similar(similar[i].password,
		    similar[i].username) || signup_too_similar(
		    similar[i].password, similar[i].email), similar[i].want,
		    similar[i].password);
}

static void
test_fields(void)
{
	struct signup_problem p[SIGNUP_PROBLEMS_MAX];
	char long_name[200], long_email[300];
	size_t i, n;

	for (i = 0; i < sizeof(usernames) / sizeof(usernames[0]); i++) {
		n = check(usernames[i].value, "Tr0ub4dor&3-x", "q@example.com",
		    p);
		is_int(n == 0, usernames[i].ok, usernames[i].value);
		if (n > 0)
			ok(p[0].field == SIGNUP_USERNAME,
			    "  its problem is the username's");
	}
	memset(long_name, 'a', 150);
	long_name[150] = '\0';
	is_int(check(long_name, "Tr0ub4dor&3-x", "q@example.com", p), 0,
	    "a username of 150 characters");
	strcpy(long_name + 75, "\xc3\xa9");	/* 76 characters, 77 bytes */
	is_int(check(long_name, "Tr0ub4dor&3-x", "q@example.com", p), 0,
	    "characters, not bytes, are counted");
	memset(long_name, 'a', 151);
	long_name[151] = '\0';
	n = check(long_name, "Tr0ub4dor&3-x", "q@example.com", p);
	ok(n == 1 && strstr(p[0].msg, "150") != NULL,
	    "a username of 151 characters: 422 naming 150");

	for (i = 0; i < sizeof(emails) / sizeof(emails[0]); i++) {
		n = check("zed", "Tr0ub4dor&3-x", emails[i].value, p);
		is_int(!names(p, n, "email"), emails[i].ok, emails[i].value);
	}
	memset(long_email, 'a', 250);
	memcpy(long_email + 242, "@example.com", 13);	/* 254 characters */
	n = check("zed", "Tr0ub4dor&3-x", long_email, p);
	is_int(n, 0, "an email of 254 characters");
	memmove(long_email + 1, long_email, 255);
	n = check("zed", "Tr0ub4dor&3-x", long_email, p);
	ok(names(p, n, "email"), "an email of 255 characters: refused");
}

static void
test_password(void)
{
	struct signup_problem p[SIGNUP_PROBLEMS_MAX];
	size_t n;

	is_int(check("zed", "Tr0ub4dor&3-x", "q@example.com", p), 0,
	    "a good password");
	n = check("zed", "abc1234", "q@example.com", p);
	ok(n == 1 && p[0].field == SIGNUP_PASSWORD &&
	    strstr(p[0].msg, "too short") != NULL, "7 characters: too short");
	is_int(check("zed", "abcd1234", "q@example.com", p), 0,
	    "8 characters are enough");
	is_int(check("zed", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9x234", "q@ex.com",
	    p), 0, "8 characters of 12 bytes are enough");
	n = check("zed", "\xc3\xa9\xc3\xa9\xc3\xa9x23", "q@ex.com", p);
	ok(n == 1 && strstr(p[0].msg, "too short") != NULL,
	    "7 characters of 10 bytes: too short");
	n = check("zed", "1234567890", "q@example.com", p);
	ok(n == 1 && strstr(p[0].msg, "numeric") != NULL,
	    "digits only: entirely numeric");
	n = check("zed", "12345", "q@example.com", p);
	ok(n == 2 && strstr(p[0].msg, "short") != NULL &&
	    strstr(p[1].msg, "numeric") != NULL,
	    "short and numeric: two items");
	n = check("zed", "", "q@example.com", p);
	ok(n == 1 && strstr(p[0].msg, "short") != NULL, "empty: too short");
	n = check("bob.smith", "Bob.Smith", "q@example.com", p);
	ok(n == 1 && strstr(p[0].msg, "username") != NULL,
	    "like the username: too similar to the username");
	n = check("zed", "example1", "bob@example.com", p);
	ok(n == 1 && strstr(p[0].msg, "email") != NULL,
	    "like a part of the email: too similar to the email address");
	n = check("bo b", "bo b", "nope", p);
	ok(n == 4 && names(p, n, "username") && names(p, n, "password") &&
	    names(p, n, "email"), "three fields wrong (the password twice): four items");
}

/* Issue 13: U+0000 in a field is that field's 422, whatever follows it. */
static void
test_nul(void)
{
	struct signup_problem p[SIGNUP_PROBLEMS_MAX];
	size_t n;

	n = check_len("alice\0x", 7, "Tr0ub4dor&3-x", 13, "q@example.com", 13,
	    p);
	ok(n == 1 && p[0].field == SIGNUP_USERNAME &&
	    strcmp(p[0].msg, "Null characters are not allowed.") == 0,
	    "nul: \"alice\\u0000x\" is refused, on the username");
	n = check_len("alice\0", 6, "Tr0ub4dor&3-x", 13, "q@example.com", 13,
	    p);
	ok(n == 1 && p[0].field == SIGNUP_USERNAME,
	    "nul: a trailing U+0000 in the username is refused");
	n = check_len("alice", 5, "Tr0ub4dor&3-x\0", 14, "q@example.com", 13,
	    p);
	ok(n == 1 && p[0].field == SIGNUP_PASSWORD &&
	    strstr(p[0].msg, "Null") != NULL,
	    "nul: in the password, one item on the password");
	n = check_len("alice", 5, "\0", 1, "q@example.com", 13, p);
	ok(n == 1 && p[0].field == SIGNUP_PASSWORD,
	    "nul: a password of one U+0000 is not 'too short' as well");
	n = check_len("alice", 5, "Tr0ub4dor&3-x", 13, "q@example.com\0", 14,
	    p);
	ok(n == 1 && p[0].field == SIGNUP_EMAIL &&
	    strstr(p[0].msg, "Null") != NULL, "nul: in the email, on the email");
	n = check_len("a\0", 2, "b\0", 2, "c\0", 2, p);
	ok(n == 3 && p[0].field == SIGNUP_USERNAME &&
	    p[1].field == SIGNUP_PASSWORD && p[2].field == SIGNUP_EMAIL,
	    "nul: in all three, one item each in field order");
	ok(strcmp(signup_field_name(SIGNUP_EMAIL), "email") == 0 &&
	    signup_field_name(SIGNUP_FIELD__MAX) == NULL,
	    "field_name: names, NULL out of range");
}

int
main(void)
{
	log_init("test-signup");
	test_ratio();
	test_fields();
	test_password();
	test_nul();
	return tap_done();
}
