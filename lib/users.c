/*
 * users.c: lookups and updates of the users table.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "db.h"
#include "log.h"
#include "users.h"

#define USERS_COLS	"id, is_active, username, email, password"

static int
users_add(struct users *u, int slot, enum db_retry retry, const char *fmt,
    const char *table)
{
	int n;

	n = snprintf(u->sql[slot], sizeof(u->sql[slot]), fmt, table);
	if (n < 0 || (size_t)n >= sizeof(u->sql[slot]))
		return -1;
	return db_add(u->db, u->sql[slot], retry);
}

enum svc_err
users_init(struct users *u, struct db *db, const char *table)
{
	memset(u, 0, sizeof(*u));
	u->db = db;
	u->by_name = users_add(u, 0, DB_RETRY,
	    "SELECT " USERS_COLS " FROM `%s` WHERE username = ?", table);
	u->by_id = users_add(u, 1, DB_RETRY,
	    "SELECT " USERS_COLS " FROM `%s` WHERE id = ?", table);
	/* Setting last_login twice does no harm, so it may be resent. */
	u->touch = users_add(u, 2, DB_RETRY,
	    "UPDATE `%s` SET last_login = UTC_TIMESTAMP(6) WHERE id = ?",
	    table);
	u->set_pw = users_add(u, 3, DB_RETRY,
	    "UPDATE `%s` SET password = ?, last_login = IF(?, "
	    "UTC_TIMESTAMP(6), last_login) WHERE id = ?", table);
	if (u->by_name < 0 || u->by_id < 0 || u->touch < 0 || u->set_pw < 0)
		return SVC_NOMEM;
	return SVC_OK;
}

/* Runs a one-row SELECT of USERS_COLS with params into out. */
static enum svc_err
users_fetch(struct users *u, int id, MYSQL_BIND *params, struct user *out)
{
	MYSQL_BIND res[5];
	unsigned long len[3];
	my_bool null[3], err[3];
	enum svc_err rc;
	int found;

	memset(out, 0, sizeof(*out));
	db_bind_ll(&res[0], &out->id);
	db_bind_int(&res[1], &out->is_active);
	db_bind_out(&res[2], out->username, sizeof(out->username),
	    &len[0], &null[0], &err[0]);
	db_bind_out(&res[3], out->email, sizeof(out->email),
	    &len[1], &null[1], &err[1]);
	db_bind_out(&res[4], out->password, sizeof(out->password),
	    &len[2], &null[2], &err[2]);
	if ((rc = db_exec(u->db, id, params, res, &found, NULL)) != SVC_OK)
		return rc;
	if (!found)
		return SVC_NOTFOUND;
	out->username[null[0] ? 0 : len[0]] = '\0';
	out->email[null[1] ? 0 : len[1]] = '\0';
	out->password[null[2] ? 0 : len[2]] = '\0';
	return SVC_OK;
}

enum svc_err
users_by_name(struct users *u, const char *username, struct user *out)
{
	MYSQL_BIND p[1];
	unsigned long len = strlen(username);

	db_bind_str(&p[0], username, &len);
	return users_fetch(u, u->by_name, p, out);
}

enum svc_err
users_by_id(struct users *u, long long id, struct user *out)
{
	MYSQL_BIND p[1];

	db_bind_ll(&p[0], &id);
	return users_fetch(u, u->by_id, p, out);
}

enum svc_err
users_logged_in(struct users *u, long long id, int touch,
    const char *new_hash)
{
	MYSQL_BIND p[3];
	unsigned long len;

	if (new_hash == NULL) {
		if (!touch)
			return SVC_OK;
		db_bind_ll(&p[0], &id);
		return db_exec(u->db, u->touch, p, NULL, NULL, NULL);
	}
	len = strlen(new_hash);
	db_bind_str(&p[0], new_hash, &len);
	db_bind_int(&p[1], &touch);
	db_bind_ll(&p[2], &id);
	return db_exec(u->db, u->set_pw, p, NULL, NULL, NULL);
}

void
users_clear(struct user *out)
{
	OPENSSL_cleanse(out->password, sizeof(out->password));
}
