/*
 * account.c: the login check.
 *
 * Database round trips per login, on the process's connection (each a
 * prepared statement; the cost budget of issue 5 is three):
 *
 *	path				statements			trips
 *	throttled (429)			lookup				1
 *	refused (401)			lookup, failure INSERT		2
 *	  every 16th of a process	  + purge DELETE		3
 *	success (200)			lookup, UPDATE, refresh INSERT	3
 *	  update_last_login = no	  without the UPDATE		2
 *	  (unless a re-hash or a reset is due)
 *
 * The lookup reads the user row and both failure counts at once
 * (throttle_lookup).  A success whose username had failures resets
 * them in the same UPDATE that sets last_login (throttle_succeeded),
 * so a reset costs no extra trip.  The refresh INSERT is
 * tokens_issue's, in cgi-bin/login.c.  Hashing: one verify, or one
 * dummy of the same cost for an unknown user or an unusable hash; none
 * when throttled; a re-hash adds one pw_make, as in Django.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "account.h"
#include "cfg.h"
#include "log.h"
#include "pw.h"
#include "users.h"

enum svc_err
account_init(struct account *a, const struct cfg *cfg,
    const struct pw_policy *policy, struct db *db, struct users *users)
{
	memset(a, 0, sizeof(*a));
	a->cfg = cfg;
	a->policy = policy;
	a->users = users;
	return throttle_init(&a->throttle, cfg, db);
}

/*
 * Records a success: last_login, a re-hash when the stored hash is
 * outdated, and the reset of the username's failures when it had any
 * (reset set), in one statement or none.
 */
static enum svc_err
account_record(struct account *a, const char *username, int reset,
    const char *password, size_t len, struct user *u)
{
	const struct cfg *cfg = a->cfg;
	char fresh[PW_ENCODED_MAX];
	const char *new_hash = NULL;
	enum svc_err rc;

	if (cfg->upgrade_hash && pw_needs_rehash(u->password, a->policy)) {
		rc = pw_make(password, len, a->policy, fresh, sizeof(fresh));
		if (rc == SVC_OK)
			new_hash = fresh;
		else
			log_warnx("%s: cannot make a new hash: %s", __func__,
			    svc_strerror(rc));
	}
	if (reset)
		rc = throttle_succeeded(&a->throttle, username, u->id,
		    cfg->update_last_login, new_hash);
	else
		rc = users_logged_in(a->users, u->id, cfg->update_last_login,
		    new_hash);
	if (rc == SVC_OK && new_hash != NULL)
		memcpy(u->password, fresh, strlen(fresh) + 1);
	OPENSSL_cleanse(fresh, sizeof(fresh));
	return rc;
}

/*
 * pw_verify, except that an unusable or malformed hash costs a dummy
 * hash instead of nothing, so that it cannot be told apart by timing.
 */
static enum svc_err
account_verify(const char *password, size_t len, const struct user *u,
    const struct pw_policy *policy)
{
	struct pw_parsed pp;

	if (pw_parse(u->password, &pp) != SVC_OK) {
		log_warnx("user %lld: the stored password hash is malformed "
		    "or of an unknown kind", u->id);
		pw_dummy(password, len, policy);
		return SVC_DENIED;
	}
	if (pp.alg == PW_UNUSABLE) {
		pw_dummy(password, len, policy);
		return SVC_DENIED;
	}
	return pw_verify(password, len, u->password);
}

enum svc_err
account_login(struct account *a, const char *username, const char *password,
    size_t len, const char *addr, struct user *u, long long *retry_after)
{
	struct throttle_counts c;
	enum svc_err rc, frc;

	*retry_after = 0;
	rc = throttle_lookup(&a->throttle, username, addr, u, &c);
	if (rc != SVC_OK && rc != SVC_NOTFOUND)
		return rc;
	/* Locked: no hash at all, whatever the password. */
	if ((*retry_after = throttle_wait(a->cfg, &c)) > 0) {
		users_clear(u);
		return SVC_DENIED;
	}
	if (rc == SVC_NOTFOUND) {
		/* An unknown user costs one hash too (timing). */
		pw_dummy(password, len, a->policy);
		rc = SVC_DENIED;
	} else
		rc = account_verify(password, len, u, a->policy);
	/*
	 * An inactive user's password is checked all the same, so that
	 * the answer takes as long as for anyone else, and it counts as
	 * a failure like the others.
	 */
	if (rc == SVC_OK && u->is_active)
		return account_record(a, username, c.user_n > 0, password,
		    len, u);
	users_clear(u);
	if (rc != SVC_OK && rc != SVC_DENIED)
		return rc;
	if ((frc = throttle_failed(&a->throttle, username, addr)) != SVC_OK)
		return frc;
	return SVC_DENIED;
}
