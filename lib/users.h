/*
 * users.h: the users table (Django's auth_user columns), read and
 * updated through prepared statements on the process's connection.
 */
#ifndef USERS_H
#define USERS_H

#include <mysql.h>

#include "svc.h"

struct db;

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

/* The columns that fill a struct user, in users_bind_row's order. */
#define USERS_COLS	"id, is_active, username, email, password"
#define USERS_NCOLS	5

/* The lengths and flags of one fetched row (see users_bind_row). */
struct users_row {
	unsigned long	 len[3];
	my_bool		 null[3], err[3];
};

/*
 * Statement ids within the process's db handle.  All are registered by
 * users_init, before the first connection: a statement registered
 * later is prepared on first use, and lib/db.c does not notice a dead
 * connection when that prepare fails (XXX in account.h).
 */
struct users {
	struct db	*db;
	const char	*table;		/* borrowed: the config's */
	int		 by_name;
	int		 by_id;
	int		 touch;		/* last_login */
	int		 set_pw;
	int		 insert;	/* registration, createuser */
	int		 set_active;	/* activate, deactivate */
	char		 sql[6][512];
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
 * After a successful login: sets last_login to now when touch is set,
 * and the password to new_hash when it is not NULL.  One statement.
 */
enum svc_err	 users_logged_in(struct users *u, long long id, int touch,
		    const char *new_hash);

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

/*
 * For statements that select USERS_COLS first (lib/throttle.c): binds
 * res[0 .. USERS_NCOLS - 1] to out (zeroed), and after a fetch
 * terminates its strings.
 */
void		 users_bind_row(MYSQL_BIND *res, struct user *out,
		    struct users_row *row);
void		 users_row_done(struct user *out, const struct users_row *row);

/* Wipes the password hash from out. */
void		 users_clear(struct user *out);

#endif /* USERS_H */
