/*
 * account.h: the password check of a login, as Django's authenticate()
 * does it: equal work for unknown and known users, and an upgrade of
 * an outdated hash on success.
 */
#ifndef ACCOUNT_H
#define ACCOUNT_H

#include <stddef.h>

#include "svc.h"

struct cfg;
struct pw_policy;
struct user;
struct users;

/*
 * Checks username and password (len bytes).  SVC_OK fills u with an
 * active user whose password matched, after recording the login
 * (last_login, a re-hash when policy says so, as cfg allows).
 * SVC_DENIED for an unknown user, a wrong password, an unusable hash
 * or an inactive user alike; SVC_DB when the database failed.
 */
enum svc_err	 account_login(struct users *users, const struct cfg *cfg,
		    const struct pw_policy *policy, const char *username,
		    const char *password, size_t len, struct user *u);

#endif /* ACCOUNT_H */
