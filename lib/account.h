/*
 * account.h: the login check, as Django's authenticate() does it:
 * equal work for unknown and known users, an upgrade of an outdated
 * hash on success, and the throttle of lib/throttle.h around it.
 */
#ifndef ACCOUNT_H
#define ACCOUNT_H

#include <stddef.h>

#include "svc.h"
#include "throttle.h"

struct cfg;
struct db;
struct pw_policy;
struct user;
struct users;

struct account {
	const struct cfg	*cfg;		/* borrowed */
	const struct pw_policy	*policy;	/* borrowed */
	struct users		*users;		/* borrowed */
	struct throttle		 throttle;
};

/*
 * Sets a up on db (registers the throttle's statements); everything
 * is borrowed for a's life.  SVC_NOMEM when db has no room.
 *
 * XXX cgi-bin/login.c calls this on its first request, since app_main
 * owns the set-up before it: the statements are then registered after
 * app_init's first connection and prepared on first use.  When that
 * connection died in between, db_try reports the failed prepare with
 * mysql_errno(conn), which is 0 (the error is the statement's), so the
 * dead connection is kept and every login gets 503 until the worker
 * restarts.  Fix: lib/db.c taking mysql_stmt_errno of a failed
 * prepare, or struct app holding the account, set up before connecting.
 */
enum svc_err	 account_init(struct account *a, const struct cfg *cfg,
		    const struct pw_policy *policy, struct db *db,
		    struct users *users);

/*
 * Checks username and password (len bytes) of a client at addr (from
 * throttle_address).  *retry_after is set to 0, or, when the username
 * or the address failed too often, to the seconds to wait: then the
 * answer is SVC_DENIED and no password was checked.  SVC_OK fills u
 * with an active user whose password matched, after recording the
 * login (last_login, a re-hash when the policy says so, as cfg
 * allows, and the reset of the username's failures).  SVC_DENIED for
 * an unknown user, a wrong password, an unusable hash or an inactive
 * user alike, each recorded as one failure; SVC_DB when the database
 * failed.  u's hash is wiped unless SVC_OK; the caller wipes it then.
 */
enum svc_err	 account_login(struct account *a, const char *username,
		    const char *password, size_t len, const char *addr,
		    struct user *u, long long *retry_after);

#endif /* ACCOUNT_H */
