/*
 * account.c: the login check.
 *
 * Database round trips per login, on the process's connection (each a
 * prepared statement):
 *
 *	path				statements			trips
 *	throttled (429)			lookup				1
 *	refused (401)			lookup, claim INSERT		2
 *	  every 16th of a process	  + purge DELETE		3
 *	  each turn lost to a		  + lookup, claim INSERT	+2
 *	  concurrent attempt (at most ACCOUNT_CLAIM_TRIES, then 429)
 *	success (200)			lookup, claim INSERT, UPDATE,	4
 *					refresh INSERT
 *
 * The lookup reads the user row and both counts at once (users_login).
 * The claim records the attempt before the hash (throttle_claim): that
 * is what makes the limit exact under concurrency, and it is why a
 * success costs one trip more than before issue 13 (3): the claim
 * cannot ride on the lookup, since a throttled attempt must not be
 * recorded (else a locked user's lock would never end while someone
 * keeps trying) and must cost one trip, and the success must clear the
 * claim again, which rides on the UPDATE of last_login (or, with
 * update_last_login = no and no re-hash, is an UPDATE of the failure
 * table alone).  The refresh INSERT is tokens_issue's, in
 * cgi-bin/login.c.
 *
 * Hashing: one verify, or one dummy at the policy's cost for an
 * unknown or refused name or an unusable, malformed or over-costly
 * hash; none when throttled; a re-hash adds one pw_make, as in Django.
 * A verify that took less than the policy's hash (an old or cheaper
 * hash, a crypt(3) hash refusing a password of 512 bytes or more) is
 * topped up to it, as Django's harden_runtime does, so that the time
 * tells nothing about which names exist.
 */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "account.h"
#include "cfg.h"
#include "json.h"
#include "log.h"
#include "pw.h"
#include "throttle.h"
#include "users.h"

#define ACCOUNT_TOPUP_ITER	1000	/* PBKDF2 rounds per top-up step */
#define ACCOUNT_REFUSED		"!refused:"	/* the key of a refused name */
#define ACCOUNT_KEY_MAX		(sizeof(ACCOUNT_REFUSED) + 32)
#define ACCOUNT_CLAIM_TRIES	8	/* lost races before a 429 */

void
account_init(struct account *a, const struct cfg *cfg,
    const struct pw_policy *policy, struct users *users,
    struct throttle *throttle)
{
	memset(a, 0, sizeof(*a));
	a->cfg = cfg;
	a->policy = policy;
	a->users = users;
	a->throttle = throttle;
}

/* ---- the name ----------------------------------------------------- */

/* Unicode's format characters (general category Cf, Unicode 15). */
static const struct { uint32_t lo, hi; } account_cf[] = {
	{ 0x00ad, 0x00ad }, { 0x0600, 0x0605 }, { 0x061c, 0x061c },
	{ 0x06dd, 0x06dd }, { 0x070f, 0x070f }, { 0x0890, 0x0891 },
	{ 0x08e2, 0x08e2 }, { 0x180e, 0x180e }, { 0x200b, 0x200f },
	{ 0x202a, 0x202e }, { 0x2060, 0x2064 }, { 0x2066, 0x206f },
	{ 0xfeff, 0xfeff }, { 0xfff9, 0xfffb }, { 0x110bd, 0x110bd },
	{ 0x110cd, 0x110cd }, { 0x13430, 0x1343f }, { 0x1bca0, 0x1bca3 },
	{ 0x1d173, 0x1d17a }, { 0xe0001, 0xe0001 }, { 0xe0020, 0xe007f },
};

static int
account_refused_char(uint32_t c)
{
	size_t i;

	if (c < 0x20 || (c >= 0x7f && c <= 0x9f))	/* Cc */
		return 1;
	for (i = 0; i < sizeof(account_cf) / sizeof(account_cf[0]); i++)
		if (c >= account_cf[i].lo && c <= account_cf[i].hi)
			return 1;
	return 0;
}

int
account_name_ok(const char *name, size_t len)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t chars = 0, k;
	uint32_t c;

	if (name == NULL)
		return 0;
	while (len > 0) {
		if ((k = jsn_utf8_next(s, len, &c)) == 0 ||
		    account_refused_char(c) || ++chars > THROTTLE_NAME_MAX)
			return 0;
		s += k;
		len -= k;
	}
	return 1;
}

/* ---- equal time --------------------------------------------------- */

/*
 * The process's CPU time in ns.  Hashes and top-ups are compared in
 * the work they did, not in wall time: the machine's load then delays
 * a topped-up answer exactly as it delays a hash, and the two keep
 * the same distribution of latencies (a wall-clock top-up would end on
 * time however long the load had stalled it, and so be the faster).
 */
static long long
account_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Remembers the time of one hash at the policy. */
static void
account_learn(struct account *a, long long ns)
{
	a->policy_ns[a->next] = ns > 0 ? ns : 1;
	a->next = (a->next + 1) % ACCOUNT_TIMINGS;
}

/*
 * The CPU time of a hash at the policy here: the median of the last few
 * timed (the least of the two middle ones), 0 when none was.  A median,
 * because a cache or frequency hiccup in one of them says nothing of
 * the work.
 */
static long long
account_policy_ns(const struct account *a)
{
	long long v[ACCOUNT_TIMINGS], t;
	size_t i, j, n = 0;

	for (i = 0; i < ACCOUNT_TIMINGS; i++) {
		if ((t = a->policy_ns[i]) <= 0)
			continue;
		for (j = n++; j > 0 && v[j - 1] > t; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
	return n == 0 ? 0 : v[(n - 1) / 2];
}

/* One hash at the policy, which matches nothing; timed. */
static void
account_dummy(struct account *a, const char *password, size_t len)
{
	long long t0 = account_now();

	pw_dummy(password, len, a->policy);
	account_learn(a, account_now() - t0);
}

/*
 * Tops the CPU time since t0 up to one hash at the policy (Django's
 * harden_runtime) with work, not sleep, as the hash itself is work.
 * Before any policy hash was timed, it runs one.
 */
static void
account_top_up(struct account *a, long long t0)
{
	long long target = account_policy_ns(a);

	if (target == 0) {
		account_dummy(a, "", 0);
		return;
	}
	while (account_now() - t0 < target)
		pw_spend(ACCOUNT_TOPUP_ITER);
}

/* ---- the check ---------------------------------------------------- */

/*
 * Logs a stored hash over the cost bound once per process, naming the
 * user and never the hash (a secret, and a hostile row would otherwise
 * fill the log).
 */
static void
account_warn_costly(long long id, unsigned factor)
{
	static int warned;

	if (warned)
		return;
	warned = 1;
	log_warnx("user %lld: the stored password hash costs over %u times "
	    "the policy of its kind; not computed, it matches no password",
	    id, factor);
}

/*
 * pw_verify, except that an unusable, malformed or over-costly hash
 * costs a dummy hash instead of nothing (or than minutes), and that
 * every verify lasts at least a policy hash (t0: when it began).
 */
static enum svc_err
account_verify(struct account *a, const char *password, size_t len,
    const struct user *u, long long t0)
{
	unsigned factor = a->cfg->pw_max_cost_factor;
	struct pw_parsed pp;
	enum svc_err rc;

	if (pw_parse(u->password, &pp) != SVC_OK) {
		log_warnx("user %lld: the stored password hash is malformed "
		    "or of an unknown kind", u->id);
		account_dummy(a, password, len);
		return SVC_DENIED;
	}
	if (pp.alg == PW_UNUSABLE) {
		account_dummy(a, password, len);
		return SVC_DENIED;
	}
	if (pw_over_cost(&pp, a->policy, factor)) {
		account_warn_costly(u->id, factor);
		account_dummy(a, password, len);
		return SVC_DENIED;
	}
	rc = pw_verify(password, len, u->password);
	if (pw_needs_rehash(u->password, a->policy))
		account_top_up(a, t0);
	else
		account_learn(a, account_now() - t0);
	return rc;
}

/*
 * Records a success: the reset of the user's count (its claim
 * included), last_login, and a re-hash when the stored hash is
 * outdated, in one statement.  SVC_DENIED (u wiped) when the password
 * changed since the lookup.
 */
static enum svc_err
account_record(struct account *a, const char *password, size_t len,
    struct user *u)
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
	if (cfg->update_last_login || new_hash != NULL)
		rc = users_logged_in(a->users, u->id, cfg->update_last_login,
		    u->password, new_hash);
	else
		rc = throttle_reset(a->throttle, u->id);
	if (rc == SVC_NOTFOUND) {
		log_warnx("user %lld: the password changed during the login; "
		    "refused", u->id);
		rc = SVC_DENIED;
	}
	/* The token's fingerprint must be of the hash now stored. */
	if (rc == SVC_OK && new_hash != NULL)
		memcpy(u->password, fresh, strlen(fresh) + 1);
	if (rc != SVC_OK)
		users_clear(u);
	OPENSSL_cleanse(fresh, sizeof(fresh));
	return rc;
}

/*
 * The key that a refused name counts under: "!refused:" and 128 bits
 * of its SHA-256 in hex, into key (ACCOUNT_KEY_MAX bytes).  What was
 * typed may be 16 KiB, hold U+0000 or not belong in a varchar(150);
 * each refused name still gets a count of its own, as an unknown name
 * does, and no name that a user could have is of this form.
 */
static size_t
account_refused_key(const char *name, size_t len, char *key)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[SHA256_DIGEST_LENGTH];
	size_t i, n = sizeof(ACCOUNT_REFUSED) - 1;

	SHA256((const unsigned char *)name, len, md);
	memcpy(key, ACCOUNT_REFUSED, n);
	for (i = 0; i < 16; i++) {
		key[n++] = hex[md[i] >> 4];
		key[n++] = hex[md[i] & 0xf];
	}
	key[n] = '\0';
	return n;
}

/*
 * Looks the user up and claims the next turn of its key (the attempt
 * recorded before its hash).  A turn that a concurrent attempt took
 * first is not a failure of this one: look again, and claim the next
 * one while the limit allows, up to ACCOUNT_CLAIM_TRIES times (two
 * tabs logging in at once must both get in).  SVC_OK: claimed, *found
 * says whether u holds the user.  SVC_DENIED with *retry_after > 0:
 * locked, or every try lost a race.  u is wiped unless SVC_OK.
 */
static enum svc_err
account_claim(struct account *a, const char *username, size_t ulen,
    int named, const char *addr, struct user *u, int *found,
    long long *retry_after)
{
	struct throttle_counts c;
	enum svc_err rc;
	int tries;

	for (tries = 0; tries < ACCOUNT_CLAIM_TRIES; tries++) {
		rc = users_login(a->users, username, ulen, named, addr,
		    a->cfg->fail_window, u, &c);
		if (rc != SVC_OK && rc != SVC_NOTFOUND)
			return rc;
		*found = rc == SVC_OK;
		/* Locked: no hash at all, whatever the password. */
		if ((*retry_after = throttle_wait(a->cfg, &c)) > 0)
			break;
		rc = throttle_claim(a->throttle, *found ? u->id : 0, username,
		    ulen, addr, c.user_seq + 1);
		if (rc != SVC_CONFLICT) {
			if (rc != SVC_OK)
				users_clear(u);
			return rc;
		}
		users_clear(u);
		*retry_after = 1;
	}
	users_clear(u);
	return SVC_DENIED;
}

enum svc_err
account_login(struct account *a, const char *username, size_t ulen,
    const char *password, size_t plen, const char *addr, struct user *u,
    long long *retry_after)
{
	char key[ACCOUNT_KEY_MAX];
	int named, found = 0, nul;
	long long t0;
	enum svc_err rc;

	*retry_after = 0;
	/* A refused name matches no user and counts under its own key. */
	if (!(named = account_name_ok(username, ulen))) {
		ulen = account_refused_key(username != NULL ? username : "",
		    username != NULL ? ulen : 0, key);
		username = key;
	}
	if ((rc = account_claim(a, username, ulen, named, addr, u, &found,
	    retry_after)) != SVC_OK)
		return rc;
	/*
	 * A password holding U+0000 is a wrong password (API.md), hashed
	 * all the same: HMAC pads its key with zeros, so PBKDF2 alone would
	 * take "secret\0" for "secret".
	 */
	nul = plen > 0 && memchr(password, '\0', plen) != NULL;
	t0 = account_now();
	if (!found) {
		/* An unknown user costs one hash too (timing). */
		account_dummy(a, password, plen);
		rc = SVC_DENIED;
	} else
		rc = account_verify(a, password, plen, u, t0);
	if (rc == SVC_OK && nul)
		rc = SVC_DENIED;
	/*
	 * An inactive user's password is checked all the same, so that
	 * the answer takes as long as for anyone else, and it counts as
	 * a failure like the others.
	 */
	if (rc == SVC_OK && u->is_active)
		return account_record(a, password, plen, u);
	users_clear(u);
	if (rc != SVC_OK && rc != SVC_DENIED)
		return rc;
	throttle_failed(a->throttle);
	return SVC_DENIED;
}
