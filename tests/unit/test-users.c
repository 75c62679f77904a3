/*
 * test-users.c: lib/users.c against a real MariaDB: lookups by name
 * (and the collation's case and space variants) and by id, insertion
 * and its unique name, password and activity updates, the login's
 * lookup with its counts and its guarded success UPDATE, and the list.
 *
 * Reads the config from $JWTAUTH_CONFIG; skips without one (make check
 * runs it with the stack up).  Its users are named "unit-<pid>-usr-..."
 * and are deleted at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "db.h"
#include "log.h"
#include "throttle.h"
#include "users.h"
#include "dbtest.h"
#include "tap.h"

static struct cfg	 cfg;
static struct db	*db;
static struct users	 users;
static char		 prefix[64], like[80], addr[64];
static char sql_del[512], sql_last[512];
static const char sql_fdel[] = "DELETE FROM " THROTTLE_TABLE
    " WHERE address = ?";
static int s_del, s_last, s_fdel;

static void
add_stmts(void)
{
	snprintf(sql_del, sizeof(sql_del),
	    "DELETE FROM `%s` WHERE username LIKE ?", cfg.users_table);
	snprintf(sql_last, sizeof(sql_last), "SELECT last_login IS NOT NULL "
	    "FROM `%s` WHERE id = ?", cfg.users_table);
	s_del = db_add(db, sql_del, DB_RETRY);
	s_last = db_add(db, sql_last, DB_RETRY);
	s_fdel = db_add(db, sql_fdel, DB_RETRY);
}

static void
name_of(char *buf, size_t size, const char *what)
{
	snprintf(buf, size, "%s%s", prefix, what);
}

/* 1 when user id has a last_login, 0 when not, -1 when no such user. */
static int
last_login(long long id)
{
	MYSQL_BIND p[1], r[1];
	int v = -1, found = 0;

	db_bind_ll(&p[0], &id);
	db_bind_int(&r[0], &v);
	if (db_exec(db, s_last, p, r, &found, NULL) != SVC_OK || !found)
		return -1;
	return v;
}

/* users_list callback: counts our users, and the inactive ones. */
struct seen {
	int	 ours, inactive;
};

static int
each(void *arg, long long id, const char *username, const char *email,
    int is_active, const char *last)
{
	struct seen *s = arg;

	(void)id, (void)email, (void)last;
	if (strncmp(username, prefix, strlen(prefix)) == 0) {
		s->ours++;
		s->inactive += !is_active;
	}
	return 0;
}

static void
test_users(void)
{
	struct throttle_counts c;
	struct user u;
	struct seen seen = { 0, 0 };
	char name[128], variant[140], email[160];
	long long id = 0, id2 = 0;
	size_t k;

	name_of(name, sizeof(name), "dora");
	snprintf(email, sizeof(email), "%s@example.com", name);
	is_int(users_insert(&users, name, email, "!", &id), SVC_OK,
	    "users_insert");
	ok(id > 0, "users_insert: the new id (%lld)", id);
	is_int(users_insert(&users, name, email, "!", &id2), SVC_CONFLICT,
	    "users_insert of a taken name: SVC_CONFLICT");
	is_int(id2, 0, "  and no id");
	snprintf(variant, sizeof(variant), "%s", name);
	for (k = 0; variant[k] != '\0'; k++)
		if (variant[k] >= 'a' && variant[k] <= 'z')
			variant[k] -= 32;
	is_int(users_insert(&users, variant, email, "!", &id2), SVC_CONFLICT,
	    "users_insert of an upper-case variant: SVC_CONFLICT (the "
	    "collation)");

	is_int(users_by_name(&users, name, &u), SVC_OK, "users_by_name");
	ok(u.id == id && u.is_active == 1 && strcmp(u.username, name) == 0 &&
	    strcmp(u.email, email) == 0 && strcmp(u.password, "!") == 0,
	    "users_by_name: the row as inserted");
	users_clear(&u);
	ok(u.password[0] == '\0', "users_clear wipes the hash");
	is_int(users_by_name(&users, variant, &u), SVC_OK,
	    "users_by_name: an upper-case variant finds the user (Django on "
	    "MariaDB does too)");
	is_int(u.id, id, "  the same user");
	users_clear(&u);
	is_int(users_by_id(&users, id, &u), SVC_OK, "users_by_id");
	ok(strcmp(u.username, name) == 0, "users_by_id: the row");
	users_clear(&u);
	is_int(users_by_id(&users, -5, &u), SVC_NOTFOUND,
	    "users_by_id of no one: SVC_NOTFOUND");
	name_of(variant, sizeof(variant), "nobody");
	is_int(users_by_name(&users, variant, &u), SVC_NOTFOUND,
	    "users_by_name of no one: SVC_NOTFOUND");

	is_int(users_set_password(&users, id, "pbkdf2_sha256$1$a$b"), SVC_OK,
	    "users_set_password");
	users_by_id(&users, id, &u);
	ok(strcmp(u.password, "pbkdf2_sha256$1$a$b") == 0,
	    "  the new hash is stored");
	users_clear(&u);
	is_int(users_set_password(&users, -5, "x"), SVC_NOTFOUND,
	    "users_set_password of no one: SVC_NOTFOUND");
	is_int(users_set_active(&users, id, 0), SVC_OK, "users_set_active 0");
	users_by_id(&users, id, &u);
	is_int(u.is_active, 0, "  the user is inactive");
	users_clear(&u);
	users_set_active(&users, id, 7);
	users_by_id(&users, id, &u);
	is_int(u.is_active, 1, "users_set_active 7 is 1");
	users_clear(&u);

	/* The login's lookup and its counts. */
	is_int(users_login(&users, name, strlen(name), 1, addr,
	    cfg.fail_window, &u, &c), SVC_OK, "users_login");
	ok(u.id == id && c.now > 1700000000 && c.user_n == 0 &&
	    c.addr_n == 0, "users_login: the user, no counts yet");
	users_clear(&u);
	is_int(users_login(&users, name, strlen(name), 0, addr,
	    cfg.fail_window, &u, &c), SVC_NOTFOUND,
	    "users_login with match 0 finds no one");
	ok(u.id == 0 && u.password[0] == '\0', "  and u is zeroed");

	/* The success UPDATE: last_login, and a re-hash over the read hash. */
	is_int(last_login(id), 0, "no last_login yet");
	is_int(users_logged_in(&users, id, 1, "ignored", NULL), SVC_OK,
	    "users_logged_in: touch only");
	is_int(last_login(id), 1, "  last_login set");
	is_int(users_logged_in(&users, id, 0, "pbkdf2_sha256$1$x$y",
	    "pbkdf2_sha256$2$a$b"), SVC_NOTFOUND,
	    "users_logged_in over another hash than the stored: SVC_NOTFOUND");
	users_by_id(&users, id, &u);
	ok(strcmp(u.password, "pbkdf2_sha256$1$a$b") == 0,
	    "  the stored hash is left alone");
	users_clear(&u);
	is_int(users_logged_in(&users, id, 0, "pbkdf2_sha256$1$a$b",
	    "pbkdf2_sha256$2$a$b"), SVC_OK,
	    "users_logged_in over the stored hash: SVC_OK");
	users_by_id(&users, id, &u);
	ok(strcmp(u.password, "pbkdf2_sha256$2$a$b") == 0,
	    "  the new hash is stored");
	users_clear(&u);
	is_int(users_logged_in(&users, -5, 1, "x", NULL), SVC_OK,
	    "users_logged_in of no one without a hash: nothing to check");

	users_set_active(&users, id, 0);
	is_int(users_list(&users, each, &seen), SVC_OK, "users_list");
	ok(seen.ours == 1 && seen.inactive == 1,
	    "users_list: our one (inactive) user");
}

static void
cleanup(void)
{
	MYSQL_BIND p[1];
	unsigned long llen = strlen(like), alen = strlen(addr);
	unsigned long long n = 0;

	db_bind_str(&p[0], addr, &alen);
	(void)db_exec(db, s_fdel, p, NULL, NULL, NULL);
	db_bind_str(&p[0], like, &llen);
	is_int(db_exec(db, s_del, p, NULL, NULL, &n), SVC_OK,
	    "cleanup: delete our users");
	ok(n == 1, "cleanup: %llu user deleted", n);
}

int
main(void)
{
	log_init("test-users");
	dbtest_config(&cfg);
	snprintf(prefix, sizeof(prefix), "unit-%ld-usr-", (long)getpid());
	snprintf(like, sizeof(like), "%s%%", prefix);
	snprintf(addr, sizeof(addr), "unit-%ld-usr", (long)getpid());
	if (db_new(&db, &cfg) != SVC_OK) {
		ok(0, "db_new");
		cfg_free(&cfg);
		return tap_done();
	}
	is_int(users_init(&users, db, cfg.users_table), SVC_OK, "users_init");
	add_stmts();
	if (is_int(db_connect(db), SVC_OK, "db_connect to the configured "
	    "database (is the stack up?)")) {
		test_users();
		cleanup();
	}
	db_free(db);
	cfg_free(&cfg);
	return tap_done();
}
