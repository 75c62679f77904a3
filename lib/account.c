/*
 * account.c: the login check.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "account.h"
#include "cfg.h"
#include "log.h"
#include "pw.h"
#include "users.h"

/* Re-hashes with the current policy when the stored hash is outdated. */
static enum svc_err
account_record(struct users *users, const struct cfg *cfg,
    const struct pw_policy *policy, const char *password, size_t len,
    struct user *u)
{
	char fresh[PW_ENCODED_MAX];
	enum svc_err rc;

	if (!cfg->upgrade_hash || !pw_needs_rehash(u->password, policy))
		return users_logged_in(users, u->id, cfg->update_last_login,
		    NULL);
	if ((rc = pw_make(password, len, policy, fresh,
	    sizeof(fresh))) != SVC_OK) {
		log_warnx("%s: cannot make a new hash: %s", __func__,
		    svc_strerror(rc));
		return users_logged_in(users, u->id, cfg->update_last_login,
		    NULL);
	}
	rc = users_logged_in(users, u->id, cfg->update_last_login, fresh);
	if (rc == SVC_OK)
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
account_login(struct users *users, const struct cfg *cfg,
    const struct pw_policy *policy, const char *username,
    const char *password, size_t len, struct user *u)
{
	enum svc_err rc;

	rc = users_by_name(users, username, u);
	if (rc == SVC_NOTFOUND) {
		/* An unknown user costs one hash too (timing). */
		pw_dummy(password, len, policy);
		return SVC_DENIED;
	}
	if (rc != SVC_OK)
		return rc;
	/*
	 * An inactive user's password is checked all the same, so that
	 * the answer takes as long as for anyone else.
	 */
	rc = account_verify(password, len, u, policy);
	if (rc != SVC_OK || !u->is_active) {
		users_clear(u);
		return rc == SVC_OK || rc == SVC_DENIED ? SVC_DENIED : rc;
	}
	return account_record(users, cfg, policy, password, len, u);
}
