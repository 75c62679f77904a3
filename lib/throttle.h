/*
 * throttle.h: login throttling shared by every worker of every host,
 * through the table jwtauth_login_failure (sql/003_login_failure.sql,
 * sql/004_login_failure_user.sql).
 *
 * Login attempts are counted per key (a known user's id, else the name
 * as typed) and per client address (lib/addr.h) within [login]
 * failure_window; at max_failures_per_user or max_failures_per_address
 * a login is refused with 429 and a Retry-After, whatever its
 * password, without hashing.  An attempt is recorded before its
 * password is hashed (throttle_claim), and a success clears its key's
 * rows, so what stays recorded are the failures.  The counts ride on
 * the user lookup (users_login in lib/users.h), so that reading them
 * costs no extra round trip (lib/account.c lists each path's trips).
 *
 * XXX The per-address limit is read, not claimed: concurrent attempts
 * from one address may pass it by the number of workers less one.
 */
#ifndef THROTTLE_H
#define THROTTLE_H

#include <stddef.h>

#include "svc.h"

struct cfg;
struct db;

#define THROTTLE_TABLE		"jwtauth_login_failure"
#define THROTTLE_NAME_MAX	150	/* characters: auth_user.username */
#define THROTTLE_PURGE_EVERY	16	/* failures between purges */
#define THROTTLE_PURGE_BATCH	64	/* rows per opportunistic purge */

/* What the database holds for one login attempt, on its clock. */
struct throttle_counts {
	long long	 now;		/* seconds since the epoch */
	long long	 user_n;	/* attempts of the key in the window */
	long long	 user_oldest;	/* the oldest of them (0: none) */
	long long	 user_seq;	/* the key's largest seq (0: none) */
	long long	 addr_n;	/* failures of the address in the window */
	long long	 addr_oldest;
};

struct throttle {
	const struct cfg *cfg;		/* borrowed */
	struct db	*db;		/* borrowed */
	int		 claim;		/* an attempt, before its hash */
	int		 reset;		/* a success: its key's rows */
	int		 purge;		/* rows out of the window */
	int		 addr_count;	/* an address's rows (register) */
	int		 addr_add;	/* one registration */
	unsigned	 failures;	/* recorded since the last purge */
};

/*
 * Registers the statements on db for cfg's limits (both borrowed for
 * t's life).  SVC_NOMEM when db has no room.
 */
enum svc_err	 throttle_init(struct throttle *t, const struct cfg *cfg,
		    struct db *db);

/*
 * 0 when c allows a login attempt, else the seconds until it will
 * (for Retry-After, at least 1): until the oldest failure of each
 * exceeded limit leaves the window.
 */
long long	 throttle_wait(const struct cfg *cfg,
		    const struct throttle_counts *c);

/*
 * Records an attempt from addr before its password is hashed, under
 * the key of a known user (user_id > 0, name ignored) or of the name
 * (len bytes, user_id 0), as number seq: one more than the c.user_seq
 * that the attempt's lookup read.  SVC_CONFLICT when a concurrent
 * attempt (or, after a lost reply, this one's own first send) recorded
 * that number first: this attempt must then not be hashed, which is
 * what makes the limit exact;
 * SVC_DB when the database failed.
 */
enum svc_err	 throttle_claim(struct throttle *t, long long user_id,
		    const char *name, size_t len, const char *addr,
		    long long seq);

/*
 * After an attempt that failed: every THROTTLE_PURGE_EVERY of them in
 * this process, deletes up to THROTTLE_PURGE_BATCH rows that left the
 * window (one statement; its failure is only logged).
 */
void		 throttle_failed(struct throttle *t);

/*
 * A success of user id: moves its rows out of every window.  Only
 * the failure table is written; users_logged_in does the same within
 * its UPDATE of the users table when it has one to make.
 */
enum svc_err	 throttle_reset(struct throttle *t, long long id);

/*
 * A registration from addr: SVC_DENIED with *retry_after set when the
 * address is over max_failures_per_address (nothing recorded); else
 * records it against the address (it costs a full hash like a login;
 * its row has user_id -1, a key no login uses) and returns SVC_OK.  SVC_DB when the database failed.
 */
enum svc_err	 throttle_register(struct throttle *t, const char *addr,
		    long long *retry_after);

/*
 * Deletes at most limit rows that left the window; *n gets the count.
 * For jwtauth-admin purge, and the opportunistic purge above.
 */
enum svc_err	 throttle_purge(struct throttle *t, unsigned limit,
		    unsigned long long *n);

/*
 * The failure table's SQL that lib/users.c's statements embed, so that
 * a login reads a user row and the counts in one statement (users_login)
 * and records a success in another: the text stays this module's.  A key's rows: a known user's by id, an
 * unknown name's by the name (u is the users row, NULL when unknown).
 * Parameters: THROTTLE_SQL_KEY one (the name), THROTTLE_SQL_WINDOW one
 * (the window in seconds).
 */
#define THROTTLE_SQL_T		"`" THROTTLE_TABLE "`"
#define THROTTLE_SQL_KEY	"f.user_id = IFNULL(u.id, 0) AND " \
				"f.username = IF(u.id IS NULL, LEFT(?, 150), '')"
#define THROTTLE_SQL_WINDOW	"f.at > UNIX_TIMESTAMP() - ?"

/*
 * For users_logged_in, whose one UPDATE also resets the user's count:
 * join the failure rows of the users row u as f ON this, and SET this.
 */
#define THROTTLE_SQL_RESET_ON	"f.user_id = u.id AND f.username = '' AND " \
				"f.at > 0"
#define THROTTLE_SQL_RESET_SET	"f.at = 0"

#endif /* THROTTLE_H */
