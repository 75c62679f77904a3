/*
 * signup.h: registration (POST /api/register): the checks that Django
 * applies to a new user, and the insert.
 *
 * Usernames: Django's UnicodeUsernameValidator (the default for its
 * User model), r"^[\w.@+-]+\Z" and at most 150 characters, with \w
 * taken from the C library's C.UTF-8 classes (iswalnum, plus '_'):
 * letters and digits of any script.  Where glibc and Python classify a
 * character differently (some combining marks), we may refuse or take
 * a name that Django would not.  XXX Django also applies NFKC to the
 * username; we do not, but the username column's utf8mb4_unicode_ci
 * collation makes width and case variants of a taken name collide in
 * the unique index all the same (409).
 *
 * Passwords: Django's default AUTH_PASSWORD_VALIDATORS except the
 * optional CommonPasswordValidator: at least 8 characters
 * (MinimumLength), not entirely digits (Numeric; ASCII digits), and
 * not too similar to the username or the email
 * (UserAttributeSimilarity): for the attribute and each of its parts
 * split on \W+, lowercased, difflib's SequenceMatcher quick_ratio() -
 * the multiset intersection 2 * M / (len(a) + len(b)) of the code
 * points, which Django (3.2 to 5.x) calls - at or over 0.7 refuses,
 * after Django's length-ratio shortcut.  This is exact, not an
 * approximation: quick_ratio does not depend on match order.
 *
 * U+0000 in any field (valid JSON as "\u0000") is refused with
 * Django's ProhibitNullCharactersValidator message, which its form
 * fields apply before any other check.
 *
 * Emails: one '@'; a local part that is a dot-atom of RFC 5322 atext;
 * a domain of at least two dot-separated labels of letters, digits and
 * '-' (or UTF-8 for IDNs), none starting or ending with '-', the last
 * of at least two characters; at most 254 characters, no spaces.
 */
#ifndef SIGNUP_H
#define SIGNUP_H

#include <stddef.h>

#include "svc.h"

struct pw_policy;
struct users;

#define SIGNUP_NAME_MAX		150	/* characters */
#define SIGNUP_EMAIL_MAX	254	/* characters */
#define SIGNUP_PW_MIN		8	/* characters */
#define SIGNUP_PROBLEMS_MAX	5	/* at most, from one signup_check */

enum signup_field {
	SIGNUP_USERNAME,
	SIGNUP_PASSWORD,
	SIGNUP_EMAIL,
	SIGNUP_FIELD__MAX
};

/* A registration as the client sent it: UTF-8, each with its length. */
struct signup {
	const char	*username;
	size_t		 username_len;
	const char	*password;
	size_t		 password_len;
	const char	*email;
	size_t		 email_len;
};

/* One thing wrong with one field. */
struct signup_problem {
	enum signup_field	 field;
	const char		*msg;	/* Django's message, static */
};

/* The field's name in the request: "username", "password", "email". */
const char	*signup_field_name(enum signup_field field);

/*
 * Checks the three fields of s and writes one problem each to p (room
 * for max).  Returns the number written; 0 means all is well.
 */
size_t		 signup_check(const struct signup *s,
		    struct signup_problem *p, size_t max);

/*
 * difflib.SequenceMatcher(a=a, b=b).quick_ratio() on the code points
 * of two UTF-8 strings, as it is (no lowercasing).  1.0 for two empty
 * strings, as difflib.
 */
double		 signup_quick_ratio(const char *a, const char *b);

/*
 * Whether password is too similar to value, as Django's
 * UserAttributeSimilarityValidator decides it with max_similarity 0.7.
 */
int		 signup_too_similar(const char *password, const char *value);

/*
 * Hashes s's password with policy and inserts the user; s passed
 * signup_check (no NUL in it).  *id gets the new id.  SVC_CONFLICT:
 * the username is taken (the unique index says so).
 */
enum svc_err	 signup_create(struct users *users,
		    const struct pw_policy *policy, const struct signup *s,
		    long long *id);

#endif /* SIGNUP_H */
