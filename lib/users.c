/*
 * users.c: lookups and updates of the users table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "db.h"
#include "log.h"
#include "throttle.h"
#include "users.h"

/* The columns that fill a struct user, in users_bind_row's order. */
#define USERS_COLS	"id, is_active, username, email, password"
#define USERS_NCOLS	5

/* The lengths and flags of one fetched row (see users_bind_row). */
struct users_row {
	unsigned long	 len[3];
	my_bool		 null[3], err[3];
};

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
	u->set_pw = users_add(u, 2, DB_RETRY,
	    "UPDATE `%s` SET password = ? WHERE id = ?", table);
	/* Django's defaults for a user that signs up (UserManager). */
	u->insert = users_add(u, 3, DB_ONCE, "INSERT INTO `%s` (password, "
	    "is_superuser, username, first_name, last_name, email, is_staff, "
	    "is_active, date_joined) VALUES (?, 0, ?, '', '', ?, 0, 1, "
	    "UTC_TIMESTAMP(6))", table);
	u->set_active = users_add(u, 4, DB_RETRY, "UPDATE `%s` SET "
	    "is_active = ? WHERE id = ?", table);
	/*
	 * The key's counts are correlated subqueries on the LEFT JOINed
	 * user, so that an unknown name still gets its row of counts.
	 * Parameters: name, window, name, window, name (the key), addr,
	 * window, and the name to match (NULL matches no user).
	 */
	u->login = users_add(u, 5, DB_RETRY, "SELECT u.id, u.is_active, "
	    "u.username, u.email, u.password, UNIX_TIMESTAMP(), fa.n, "
	    "fa.oldest, (SELECT COUNT(*) FROM " THROTTLE_SQL_T " AS f WHERE "
	    THROTTLE_SQL_KEY " AND " THROTTLE_SQL_WINDOW "), (SELECT "
	    "IFNULL(MIN(f.at), 0) FROM " THROTTLE_SQL_T " AS f WHERE "
	    THROTTLE_SQL_KEY " AND " THROTTLE_SQL_WINDOW "), (SELECT "
	    "IFNULL(MAX(f.seq), 0) FROM " THROTTLE_SQL_T " AS f WHERE "
	    THROTTLE_SQL_KEY ") FROM (SELECT COUNT(*) AS n, IFNULL(MIN(at), "
	    "0) AS oldest FROM " THROTTLE_SQL_T " AS f WHERE f.address = ? "
	    "AND " THROTTLE_SQL_WINDOW ") AS fa LEFT JOIN `%s` AS u ON "
	    "u.username = ?", table);
	/*
	 * The password is written only over the hash that the login read
	 * (issue 13, 6): a change in between wins.  The user's failure
	 * rows are joined on its id only.  Setting last_login twice does
	 * no harm, so it may be resent.  Parameters: touch, new hash,
	 * id, new hash, old hash.
	 */
	u->logged_in = users_add(u, 6, DB_RETRY, "UPDATE `%s` AS u LEFT "
	    "JOIN " THROTTLE_SQL_T " AS f FORCE INDEX (user_at) ON "
	    THROTTLE_SQL_RESET_ON " SET " THROTTLE_SQL_RESET_SET ", "
	    "u.last_login = IF(?, UTC_TIMESTAMP(6), u.last_login), "
	    "u.password = IFNULL(?, u.password) WHERE u.id = ? AND "
	    "(? IS NULL OR u.password = ?)", table);
	if (u->by_name < 0 || u->by_id < 0 || u->set_pw < 0 ||
	    u->insert < 0 || u->set_active < 0 || u->login < 0 ||
	    u->logged_in < 0)
		return SVC_NOMEM;
	return SVC_OK;
}

static void
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

static void
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
users_login(struct users *u, const char *name, size_t len, int match,
    const char *addr, long long window, struct user *out,
    struct throttle_counts *c)
{
	MYSQL_BIND p[8], res[USERS_NCOLS + 6];
	struct users_row row;
	unsigned long nl = (unsigned long)len, al = strlen(addr);
	my_bool idnull = 0, nomatch = match == 0;
	enum svc_err rc;
	int found = 0;

	memset(c, 0, sizeof(*c));
	db_bind_str(&p[0], name, &nl);
	db_bind_ll(&p[1], &window);
	db_bind_str(&p[2], name, &nl);
	db_bind_ll(&p[3], &window);
	db_bind_str(&p[4], name, &nl);
	db_bind_str(&p[5], addr, &al);
	db_bind_ll(&p[6], &window);
	db_bind_str(&p[7], name, &nl);
	p[7].is_null = &nomatch;
	users_bind_row(res, out, &row);
	res[0].is_null = &idnull;
	db_bind_ll(&res[USERS_NCOLS], &c->now);
	db_bind_ll(&res[USERS_NCOLS + 1], &c->addr_n);
	db_bind_ll(&res[USERS_NCOLS + 2], &c->addr_oldest);
	db_bind_ll(&res[USERS_NCOLS + 3], &c->user_n);
	db_bind_ll(&res[USERS_NCOLS + 4], &c->user_oldest);
	db_bind_ll(&res[USERS_NCOLS + 5], &c->user_seq);
	if ((rc = db_exec(u->db, u->login, p, res, &found, NULL)) != SVC_OK)
		return rc;
	if (!found) {
		log_warnx("%s: no row", __func__);
		return SVC_DB;
	}
	if (idnull) {
		users_clear(out);
		memset(out, 0, sizeof(*out));
		return SVC_NOTFOUND;
	}
	users_row_done(out, &row);
	return SVC_OK;
}

enum svc_err
users_logged_in(struct users *u, long long id, int touch,
    const char *old_hash, const char *new_hash)
{
	MYSQL_BIND p[5];
	unsigned long nl = new_hash != NULL ? strlen(new_hash) : 0;
	unsigned long ol = strlen(old_hash);
	unsigned long long n = 0;
	my_bool nnull = new_hash == NULL;
	enum svc_err rc;

	touch = touch != 0;
	db_bind_int(&p[0], &touch);
	db_bind_str(&p[1], new_hash != NULL ? new_hash : "", &nl);
	p[1].is_null = &nnull;
	db_bind_ll(&p[2], &id);
	db_bind_str(&p[3], new_hash != NULL ? new_hash : "", &nl);
	p[3].is_null = &nnull;
	db_bind_str(&p[4], old_hash, &ol);
	if ((rc = db_exec(u->db, u->logged_in, p, NULL, NULL, &n)) != SVC_OK)
		return rc;
	/* A new hash always changes the row; none changed: not matched. */
	if (new_hash != NULL && n == 0)
		return SVC_NOTFOUND;
	return SVC_OK;
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
	MYSQL_BIND p[2];
	unsigned long len = strlen(hash);
	unsigned long long n = 0;
	enum svc_err rc;

	db_bind_str(&p[0], hash, &len);
	db_bind_ll(&p[1], &id);
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
