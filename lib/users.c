/*
 * users.c: lookups and updates of the users table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "db.h"
#include "log.h"
#include "users.h"

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
	u->table = table;
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
	/* Django's defaults for a user that signs up (UserManager). */
	u->insert = users_add(u, 4, DB_ONCE, "INSERT INTO `%s` (password, "
	    "is_superuser, username, first_name, last_name, email, is_staff, "
	    "is_active, date_joined) VALUES (?, 0, ?, '', '', ?, 0, 1, "
	    "UTC_TIMESTAMP(6))", table);
	u->set_active = users_add(u, 5, DB_RETRY, "UPDATE `%s` SET "
	    "is_active = ? WHERE id = ?", table);
	if (u->by_name < 0 || u->by_id < 0 || u->touch < 0 || u->set_pw < 0 ||
	    u->insert < 0 || u->set_active < 0)
		return SVC_NOMEM;
	return SVC_OK;
}

void
users_bind_row(MYSQL_BIND *res, struct user *out, struct users_row *row)
{
	memset(out, 0, sizeof(*out));
	memset(row, 0, sizeof(*row));
	db_bind_ll(&res[0], &out->id);
	db_bind_int(&res[1], &out->is_active);
	db_bind_out(&res[2], out->username, sizeof(out->username),
	    &row->len[0], &row->null[0], &row->err[0]);
	db_bind_out(&res[3], out->email, sizeof(out->email),
	    &row->len[1], &row->null[1], &row->err[1]);
	db_bind_out(&res[4], out->password, sizeof(out->password),
	    &row->len[2], &row->null[2], &row->err[2]);
}

void
users_row_done(struct user *out, const struct users_row *row)
{
	out->username[row->null[0] ? 0 : row->len[0]] = '\0';
	out->email[row->null[1] ? 0 : row->len[1]] = '\0';
	out->password[row->null[2] ? 0 : row->len[2]] = '\0';
}

/* Runs a one-row SELECT of USERS_COLS with params into out. */
static enum svc_err
users_fetch(struct users *u, int id, MYSQL_BIND *params, struct user *out)
{
	MYSQL_BIND res[USERS_NCOLS];
	struct users_row row;
	enum svc_err rc;
	int found;

	users_bind_row(res, out, &row);
	if ((rc = db_exec(u->db, id, params, res, &found, NULL)) != SVC_OK)
		return rc;
	if (!found)
		return SVC_NOTFOUND;
	users_row_done(out, &row);
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

enum svc_err
users_insert(struct users *u, const char *username, const char *email,
    const char *hash, long long *id)
{
	MYSQL_BIND p[3];
	unsigned long ul = strlen(username), el = strlen(email);
	unsigned long hl = strlen(hash);
	enum svc_err rc;
	MYSQL *m;

	*id = 0;
	db_bind_str(&p[0], hash, &hl);
	db_bind_str(&p[1], username, &ul);
	db_bind_str(&p[2], email, &el);
	if ((rc = db_exec(u->db, u->insert, p, NULL, NULL, NULL)) != SVC_OK)
		return rc;
	/* The OK packet of the INSERT carried the id: no round trip. */
	if ((m = db_mysql(u->db)) == NULL || (*id = (long long)
	    mysql_insert_id(m)) <= 0) {
		log_warnx("%s: no id for the new user", __func__);
		return SVC_DB;
	}
	return SVC_OK;
}

enum svc_err
users_set_password(struct users *u, long long id, const char *hash)
{
	MYSQL_BIND p[3];
	unsigned long len = strlen(hash);
	unsigned long long n = 0;
	enum svc_err rc;
	int keep = 0;

	/* The login statement, with last_login left alone. */
	db_bind_str(&p[0], hash, &len);
	db_bind_int(&p[1], &keep);
	db_bind_ll(&p[2], &id);
	if ((rc = db_exec(u->db, u->set_pw, p, NULL, NULL, &n)) != SVC_OK)
		return rc;
	return n == 1 ? SVC_OK : SVC_NOTFOUND;
}

enum svc_err
users_set_active(struct users *u, long long id, int active)
{
	MYSQL_BIND p[2];

	active = active != 0;
	db_bind_int(&p[0], &active);
	db_bind_ll(&p[1], &id);
	return db_exec(u->db, u->set_active, p, NULL, NULL, NULL);
}

enum svc_err
users_list(struct users *u, users_each each, void *arg)
{
	char sql[256];
	MYSQL *m;
	MYSQL_RES *res;
	MYSQL_ROW r;
	enum svc_err rc;
	int n;

	if ((rc = db_connect(u->db)) != SVC_OK)
		return rc;
	m = db_mysql(u->db);
	/* The table name was checked to be a plain identifier (cfg). */
	n = snprintf(sql, sizeof(sql), "SELECT id, username, email, "
	    "is_active, IFNULL(DATE_FORMAT(last_login, '%%Y-%%m-%%dT%%H:%%i:"
	    "%%sZ'), '') FROM `%s` ORDER BY id", u->table);
	if (n < 0 || (size_t)n >= sizeof(sql))
		return SVC_TOOBIG;
	if (mysql_query(m, sql) != 0 || (res = mysql_use_result(m)) == NULL) {
		log_warnx("%s: %s", __func__, mysql_error(m));
		return SVC_DB;
	}
	rc = SVC_OK;
	while ((r = mysql_fetch_row(res)) != NULL)
		if (each(arg, strtoll(r[0], NULL, 10), r[1], r[2],
		    r[3] != NULL && strcmp(r[3], "0") != 0, r[4]) != 0)
			break;
	/* Drains what is left, and notices a fetch that failed. */
	while (r != NULL && mysql_fetch_row(res) != NULL)
		;
	if (mysql_errno(m) != 0) {
		log_warnx("%s: %s", __func__, mysql_error(m));
		rc = SVC_DB;
	}
	mysql_free_result(res);
	return rc;
}

void
users_clear(struct user *out)
{
	OPENSSL_cleanse(out->password, sizeof(out->password));
}
