/*
 * throttle.h: login throttling shared by every worker of every host,
 * through the table jwtauth_login_failure (sql/003_login_failure.sql).
 *
 * Failed logins are counted per username and per client address
 * within [login] failure_window; at max_failures_per_user or
 * max_failures_per_address a login is refused with 429 and a
 * Retry-After, whatever its password, without hashing.  A success
 * resets its username's count.  The counts ride on the user lookup, so
 * that throttling costs a login no extra round trip (lib/account.c
 * lists the round trips of each path).
 *
 * XXX Requests that run at the same moment all read the same count, so
 * a burst of N concurrent guesses may pass the per-user limit by up
 * to N - 1 (N is bounded by the workers of all pools).
 */
#ifndef THROTTLE_H
#define THROTTLE_H

#include <stddef.h>

#include "svc.h"

struct cfg;
struct db;
struct user;

#define THROTTLE_TABLE		"jwtauth_login_failure"
#define THROTTLE_ADDR_MAX	64	/* "ffff:...:ffff/64" and a NUL */
#define THROTTLE_PURGE_EVERY	16	/* failures between purges */
#define THROTTLE_PURGE_BATCH	64	/* rows per opportunistic purge */

/* What the database holds for one login attempt, on its clock. */
struct throttle_counts {
	long long	 now;		/* seconds since the epoch */
	long long	 user_n;	/* failures of the username in the window */
	long long	 user_oldest;	/* the oldest of them (0: none) */
	long long	 addr_n;	/* failures of the address in the window */
	long long	 addr_oldest;
};

struct throttle {
	const struct cfg *cfg;		/* borrowed */
	struct db	*db;		/* borrowed */
	int		 lookup;	/* the user row and both counts */
	int		 insert;	/* one failure */
	int		 reset;		/* a success: the username's count */
	int		 reset_login;	/* the same, with the users UPDATE */
	int		 purge;		/* rows out of the window */
	unsigned	 failures;	/* recorded since the last purge */
	char		 sql[5][1024];
};

/*
 * Registers the statements on db for cfg's users table and limits
 * (both borrowed for t's life).  SVC_NOMEM when db has no room.
 */
enum svc_err	 throttle_init(struct throttle *t, const struct cfg *cfg,
		    struct db *db);

/*
 * The client address that failures are counted under, into out
 * (THROTTLE_ADDR_MAX bytes): remote_addr (REMOTE_ADDR), unless it is
 * one of cfg's trusted_proxies and forwarded (the proxy_header's
 * value) is set; then the right-most hop of forwarded that is not a
 * trusted proxy (a hop that does not parse ends the walk at the hop
 * before it).  IPv4 addresses come out as "192.0.2.1"; IPv6 ones as
 * their /64, "2001:db8:1:2::/64", since one host commonly holds a
 * whole /64; IPv4-mapped IPv6 addresses as IPv4.  A missing or
 * malformed remote_addr gives "unknown".  Never fails.
 */
void		 throttle_address(const struct cfg *cfg,
		    const char *remote_addr, const char *forwarded,
		    char *out, size_t outsz);

/*
 * Looks up the user named username (as users_by_name does) and, in the
 * same statement, the failures of username and addr in the window.
 * SVC_OK: u holds the user; SVC_NOTFOUND: no such user (u is zeroed);
 * c is valid in both cases.  SVC_DB when the database failed.
 */
enum svc_err	 throttle_lookup(struct throttle *t, const char *username,
		    const char *addr, struct user *u,
		    struct throttle_counts *c);

/*
 * 0 when c allows a login attempt, else the seconds until it will
 * (for Retry-After, at least 1): until the oldest failure of each
 * exceeded limit leaves the window.
 */
long long	 throttle_wait(const struct cfg *cfg,
		    const struct throttle_counts *c);

/*
 * Records a failed attempt of username from addr.  Every
 * THROTTLE_PURGE_EVERY failures of this process, it also deletes up to
 * THROTTLE_PURGE_BATCH rows that left the window (one more statement).
 */
enum svc_err	 throttle_failed(struct throttle *t, const char *username,
		    const char *addr);

/*
 * A success of user id, typed as username, whose count was not zero:
 * resets that count and, in the same statement, does what
 * users_logged_in does (last_login when touch, the password when
 * new_hash is not NULL).  When neither is asked for, only the failure
 * table is written (a read-only users table stays untouched).
 */
enum svc_err	 throttle_succeeded(struct throttle *t, const char *username,
		    long long id, int touch, const char *new_hash);

/*
 * Deletes at most limit rows that left the window; *n gets the count.
 * For jwtauth-admin purge, and the opportunistic purge above.
 */
enum svc_err	 throttle_purge(struct throttle *t, unsigned limit,
		    unsigned long long *n);

#endif /* THROTTLE_H */
