/*
 * users.h: the users table (Django's auth_user columns), read and
 * updated through prepared statements on the process's connection.
 */
#ifndef USERS_H
#define USERS_H

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

/* Statement ids within the process's db handle. */
struct users {
	struct db	*db;
	int		 by_name;
	int		 by_id;
	int		 touch;		/* last_login */
	int		 set_pw;
	char		 sql[4][512];
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

/* Wipes the password hash from out. */
void		 users_clear(struct user *out);

#endif /* USERS_H */
