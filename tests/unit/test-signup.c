/*
 * test-signup.c: the registration checks of lib/signup.c, against
 * what Django 3.2's validators and difflib answer for the same input
 * (the expected values were computed with python3-django and difflib).
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "resp.h"
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

static size_t
check(const char *u, const char *pw, const char *e, struct resp_problem *p)
{
	memset(p, 0, sizeof(*p) * SIGNUP_PROBLEMS_MAX);
	return signup_check(u, pw, e, p, SIGNUP_PROBLEMS_MAX);
}

/* Whether the problems p (n) name field. */
static int
names(const struct resp_problem *p, size_t n, const char *field)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(p[i].field, field) == 0)
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
	struct resp_problem p[SIGNUP_PROBLEMS_MAX];
	char long_name[200], long_email[300];
	size_t i, n;

	for (i = 0; i < sizeof(usernames) / sizeof(usernames[0]); i++) {
		n = check(usernames[i].value, "Tr0ub4dor&3-x", "q@example.com",
		    p);
		is_int(n == 0, usernames[i].ok, usernames[i].value);
		if (n > 0)
			ok(strcmp(p[0].field, "username") == 0 &&
			    strcmp(p[0].type, "value_error") == 0,
			    "  its item is loc body.username, value_error");
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
	struct resp_problem p[SIGNUP_PROBLEMS_MAX];
	size_t n;

	is_int(check("zed", "Tr0ub4dor&3-x", "q@example.com", p), 0,
	    "a good password");
	n = check("zed", "abc1234", "q@example.com", p);
	ok(n == 1 && strcmp(p[0].field, "password") == 0 &&
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

int
main(void)
{
	log_init("test-signup");
	test_ratio();
	test_fields();
	test_password();
	return tap_done();
}
