/*
 * account.h: the login check, as Django's authenticate() does it, with
 * equal time for every outcome, an upgrade of an outdated hash on
 * success, and the throttle of lib/throttle.h around it.
 */
#ifndef ACCOUNT_H
#define ACCOUNT_H

#include <stddef.h>

#include "svc.h"

struct cfg;
struct pw_policy;
struct throttle;
struct user;
struct users;

#define ACCOUNT_TIMINGS	8	/* policy hashes remembered */

struct account {
	const struct cfg	*cfg;		/* borrowed */
	const struct pw_policy	*policy;	/* borrowed */
	struct users		*users;		/* borrowed */
	struct throttle		*throttle;	/* borrowed */
	long long		 policy_ns[ACCOUNT_TIMINGS]; /* 0: none */
	unsigned		 next;		/* the slot timed next */
};

/* Sets a up; everything is borrowed for a's life.  Never fails. */
void		 account_init(struct account *a, const struct cfg *cfg,
		    const struct pw_policy *policy, struct users *users,
		    struct throttle *throttle);

/*
 * Non-zero when name (len bytes) may log in at all: valid UTF-8 of at
 * most 150 characters, without U+0000, control (Cc) or format (Cf)
 * characters.  The collation of auth_user.username ignores some of
 * these, so "ali\u0001ce" would otherwise find alice.
 */
int		 account_name_ok(const char *name, size_t len);

/*
 * Checks username (ulen bytes) and password (plen bytes) of a client
 * at addr (from addr_client).  *retry_after is set to 0, or, when the
 * user or the address failed too often (or a concurrent attempt of the
 * same user took this attempt's turn: then 1), to the seconds to wait:
 * then the answer is SVC_DENIED and no password was checked.  SVC_OK
 * fills u with an active user whose password matched, after recording
 * the login (last_login, a re-hash when the policy says so, as cfg
 * allows, and the reset of the user's failures).  SVC_DENIED for an
 * unknown or refused name (account_name_ok), a wrong password, an
 * unusable, malformed or over-costly hash, an inactive user, or a
 * password changed during the login, each recorded as one failure;
 * SVC_DB when the database failed.  Every answer but a throttled one
 * takes at least the policy's hash time.  u's hash is wiped unless
 * SVC_OK; the caller wipes it then.
 */
enum svc_err	 account_login(struct account *a, const char *username,
		    size_t ulen, const char *password, size_t plen,
		    const char *addr, struct user *u,
		    long long *retry_after);

#endif /* ACCOUNT_H */
