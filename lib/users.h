/*
 * users.h: the users table (Django's auth_user columns), read and
 * updated through prepared statements on the process's connection.
 */
#ifndef USERS_H
#define USERS_H

#include <mysql.h>

#include "svc.h"

struct db;
struct throttle_counts;

/* Column sizes in characters times 4 bytes of utf8mb4, plus NUL. */
#define USERS_NAME_MAX	(150 * 4 + 1)
#define USERS_EMAIL_MAX	(254 * 4 + 1)
#define USERS_PW_MAX	(128 * 4 + 1)

struct user {
	long long	 id;
	int		 is_active;
	char		 username[USERS_NAME_MAX];
	char		 email[USERS_EMAIL_MAX];
	char		 password[USERS_PW_MAX];	/* the encoded hash */
};

/*
 * Statement ids within the process's db handle, registered by
 * users_init.  Every statement on the users table is here, the login's
 * two included (they also read or reset lib/throttle.h's counts).
 */
struct users {
	struct db	*db;
	const char	*table;		/* borrowed: the config's */
	int		 by_name;
	int		 by_id;
	int		 set_pw;	/* jwtauth-admin passwd */
	int		 insert;	/* registration, createuser */
	int		 set_active;	/* activate, deactivate */
	int		 login;		/* the user row and its counts */
	int		 logged_in;	/* last_login, re-hash, reset */
	char		 sql[7][1536];
};

/*
 * Registers the statements for table (already checked to be a plain
 * identifier by cfg) on db.  SVC_NOMEM when db has no room.
 */
enum svc_err	 users_init(struct users *u, struct db *db, const char *table);

/* SVC_NOTFOUND when there is no such user; SVC_DB when down. */
enum svc_err	 users_by_name(struct users *u, const char *username,
		    struct user *out);
enum svc_err	 users_by_id(struct users *u, long long id, struct user *out);

/*
 * The login's lookup, in one statement: the user named name (len
 * bytes, as users_by_name finds it) unless match is 0, and the counts
 * of lib/throttle.h for its key (the user's id, else the name cut to
 * 150 characters) and for addr within window seconds.  SVC_OK: out
 * holds the user; SVC_NOTFOUND: no such user, or match was 0 (out is
 * zeroed); c is valid in both cases.  SVC_DB when the database failed.
 */
enum svc_err	 users_login(struct users *u, const char *name, size_t len,
		    int match, const char *addr, long long window,
		    struct user *out, struct throttle_counts *c);

/*
 * After a successful login of user id, in one statement: resets its
 * throttle count, sets last_login to now when touch is set and, when
 * new_hash is not NULL, the password to new_hash, but only if the
 * stored hash is still old_hash: a password changed since the lookup
 * is never overwritten, and then the answer is SVC_NOTFOUND (nothing
 * written).  Needs touch or new_hash (else see throttle_reset).
 */
enum svc_err	 users_logged_in(struct users *u, long long id, int touch,
		    const char *old_hash, const char *new_hash);

/*
 * Adds an active user (not staff, not superuser) with the encoded hash;
 * *id gets its id.  SVC_CONFLICT when the unique index on username
 * refuses it (a taken name: no check-then-insert race).  One statement.
 */
enum svc_err	 users_insert(struct users *u, const char *username,
		    const char *email, const char *hash, long long *id);

/* Sets the password hash of user id.  SVC_NOTFOUND: no such user. */
enum svc_err	 users_set_password(struct users *u, long long id,
		    const char *hash);

/* Sets is_active of user id to active (0 or 1). */
enum svc_err	 users_set_active(struct users *u, long long id, int active);

/* One row of users_list; last_login is "" when never. */
typedef int	(*users_each)(void *arg, long long id, const char *username,
		    const char *email, int is_active, const char *last_login);

/*
 * Calls each for every user in id order, until it returns non-zero.
 * For the admin tool: a text query of the whole table.
 */
enum svc_err	 users_list(struct users *u, users_each each, void *arg);

/* Wipes the password hash from out. */
void		 users_clear(struct user *out);

#endif /* USERS_H */
