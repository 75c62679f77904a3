/*
 * test-account.c: the login check against a real MariaDB: good and bad
 * passwords, unknown, inactive and unusable users, malformed hashes,
 * the hash upgrade on login and last_login, look-alike names sharing a
 * user's lockout, over-costly hashes, and a re-hash racing a password
 * change.
 *
 * Reads the config from $JWTAUTH_CONFIG; skips without one (make check
 * runs it with the stack up).  Uses its own cheap policy (the config's
 * algorithm at 1000 iterations) so that it stays quick.  Its users are
 * named "unit-<pid>-acc-..." and are deleted at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "cfg.h"
#include "db.h"
#include "log.h"
#include "pw.h"
#include "throttle.h"
#include "users.h"
#include "dbtest.h"
#include "tap.h"

#define PASSWORD	"correct horse battery"

static struct cfg	 cfg;
static struct db	*db;
static struct users	 users;
static struct throttle	 thr;
static struct account	 acc;
static char		 addr[64];	/* "unit-<pid>": our failures' key */
static struct pw_policy	 policy;
static char		 prefix[64];
static char		 like[80];

static char sql_ins[512], sql_del[512], sql_get[512];
static const char sql_fdel[] = "DELETE FROM " THROTTLE_TABLE
    " WHERE address = ?";
static int s_ins, s_del, s_get, s_fdel;

/* What the table holds for a user. */
struct stored {
	int	 found;
	int	 last_login;	/* not NULL */
	char	 password[USERS_PW_MAX];
};

static void
add_stmts(void)
{
	const char *t = cfg.users_table;

	snprintf(sql_ins, sizeof(sql_ins), "INSERT INTO `%s` (password, "
	    "is_superuser, username, first_name, last_name, email, is_staff, "
	    "is_active, date_joined) VALUES (?, 0, ?, '', '', ?, 0, ?, "
	    "UTC_TIMESTAMP(6))", t);
	snprintf(sql_del, sizeof(sql_del),
	    "DELETE FROM `%s` WHERE username LIKE ?", t);
	snprintf(sql_get, sizeof(sql_get), "SELECT last_login IS NOT NULL, "
	    "password FROM `%s` WHERE username = ?", t);
	s_ins = db_add(db, sql_ins, DB_ONCE);
	s_del = db_add(db, sql_del, DB_RETRY);
	s_get = db_add(db, sql_get, DB_RETRY);
	s_fdel = db_add(db, sql_fdel, DB_RETRY);
}

/* Our failures, so that the per-user limit never gets in the way. */
static void
clear_failures(void)
{
	MYSQL_BIND p[1];
	unsigned long len = strlen(addr);

	db_bind_str(&p[0], addr, &len);
	(void)db_exec(db, s_fdel, p, NULL, NULL, NULL);
}

static void
name_of(char *buf, size_t size, const char *what)
{
	snprintf(buf, size, "%s%s", prefix, what);
}

/* Adds user what with the encoded hash; returns 0 on success. */
static int
add_user(const char *what, const char *hash, int active)
{
	char name[128], email[160];
	MYSQL_BIND p[4];
	unsigned long hlen = strlen(hash), nlen, elen;

	name_of(name, sizeof(name), what);
	snprintf(email, sizeof(email), "%s@example.com", name);
	nlen = strlen(name);
	elen = strlen(email);
	db_bind_str(&p[0], hash, &hlen);
	db_bind_str(&p[1], name, &nlen);
	db_bind_str(&p[2], email, &elen);
	db_bind_int(&p[3], &active);
	return db_exec(db, s_ins, p, NULL, NULL, NULL) == SVC_OK ? 0 : -1;
}

/* Adds user what with PASSWORD hashed under pol. */
static int
add_user_pw(const char *what, const struct pw_policy *pol, int active,
    char *hash)
{
	char buf[PW_ENCODED_MAX];

	if (hash == NULL)
		hash = buf;
	if (pw_make(PASSWORD, strlen(PASSWORD), pol, hash,
	    PW_ENCODED_MAX) != SVC_OK)
		return -1;
	return add_user(what, hash, active);
}

static void
get(const char *what, struct stored *s)
{
	char name[128];
	MYSQL_BIND p[1], r[2];
	unsigned long nlen, plen = 0;
	my_bool pnull = 0, perr = 0;

	memset(s, 0, sizeof(*s));
	name_of(name, sizeof(name), what);
	nlen = strlen(name);
	db_bind_str(&p[0], name, &nlen);
	db_bind_int(&r[0], &s->last_login);
	db_bind_out(&r[1], s->password, sizeof(s->password), &plen, &pnull,
	    &perr);
	if (db_exec(db, s_get, p, r, &s->found, NULL) != SVC_OK)
		s->found = -1;
	else if (s->found)
		s->password[pnull ? 0 : plen] = '\0';
}

/*
 * account_login with config c (the account borrows it for the call),
 * keeping the failures (and the wait in *wait) when keep is set.
 */
static enum svc_err
login_keep(const struct cfg *c, const char *name, size_t nlen,
    const char *password, size_t len, struct user *u, int keep,
    long long *wait)
{
	enum svc_err rc;

	acc.cfg = thr.cfg = c;
	rc = account_login(&acc, name, nlen, password, len, addr, u, wait);
	acc.cfg = thr.cfg = &cfg;
	if (!keep)
		clear_failures();
	return rc;
}

static enum svc_err
login_len(const struct cfg *c, const char *name, const char *password,
    size_t len, struct user *u)
{
	long long wait = 0;
	enum svc_err rc;

	rc = login_keep(c, name, strlen(name), password, len, u, 0, &wait);
	if (wait != 0)
		printf("# throttled for %lld s\n", wait);
	return rc;
}

static enum svc_err
login(const struct cfg *c, const char *what, const char *password,
    struct user *u)
{
	char name[128];

	name_of(name, sizeof(name), what);
	return login_len(c, name, password, strlen(password), u);
}

static void
test_plain(void)
{
	struct user u;
	struct stored s;
	char name[128], hash[PW_ENCODED_MAX];

	name_of(name, sizeof(name), "fresh");
	ok(add_user_pw("fresh", &policy, 1, hash) == 0, "add a fresh user");
	get("fresh", &s);
	is_int(s.last_login, 0, "fresh user: last_login NULL before");

	is_int(login(&cfg, "fresh", PASSWORD, &u), SVC_OK,
	    "account_login: right password: OK");
	ok(u.id > 0 && strcmp(u.username, name) == 0,
	    "account_login: u holds the user");
	is_int(u.is_active, 1, "account_login: u is active");
	ok(strcmp(u.password, hash) == 0,
	    "account_login: u holds the (unchanged) hash");
	get("fresh", &s);
	is_int(s.last_login, 1, "account_login: last_login set");
	ok(strcmp(s.password, hash) == 0,
	    "a hash made with the policy is not re-hashed");
	users_clear(&u);

	is_int(login(&cfg, "fresh", "wrong password", &u), SVC_DENIED,
	    "wrong password: SVC_DENIED");
	ok(strncmp(u.password, "pbkdf2", 6) != 0,
	    "wrong password: the hash is wiped from u");
	is_int(login(&cfg, "fresh", "", &u), SVC_DENIED,
	    "empty password: SVC_DENIED");
	is_int(login_len(&cfg, name, PASSWORD, strlen(PASSWORD) - 1, &u),
	    SVC_DENIED,
	    "the right password cut by one byte (len): SVC_DENIED");
	{
		/* HMAC pads a short key with zeros: PBKDF2 alone matches. */
		char nul[sizeof(PASSWORD) + 4];

		memcpy(nul, PASSWORD, sizeof(PASSWORD));
		is_int(login_len(&cfg, name, nul, sizeof(PASSWORD), &u),
		    SVC_DENIED, "the right password and a U+0000: SVC_DENIED");
		memcpy(nul + sizeof(PASSWORD), "junk", 4);
		is_int(login_len(&cfg, name, nul, sizeof(PASSWORD) + 4, &u),
		    SVC_DENIED, "the right password, U+0000, junk: SVC_DENIED");
	}
	is_int(login(&cfg, "nobody", PASSWORD, &u), SVC_DENIED,
	    "unknown user: SVC_DENIED");
	is_int(login_len(&cfg, "", PASSWORD, strlen(PASSWORD), &u),
	    SVC_DENIED, "empty username: SVC_DENIED");

	ok(add_user_pw("inactive", &policy, 0, NULL) == 0,
	    "add an inactive user");
	is_int(login(&cfg, "inactive", PASSWORD, &u), SVC_DENIED,
	    "inactive user, right password: SVC_DENIED");
	ok(strncmp(u.password, "pbkdf2", 6) != 0,
	    "inactive: the hash is wiped from u");
	get("inactive", &s);
	is_int(s.last_login, 0, "inactive: last_login stays NULL");

	ok(add_user("unusable", "!Xb3kq9WzLr0m1aUQj2Yv4tGs8NcPe5HdO7iFy6T",
	    1) == 0, "add a user with an unusable ('!') hash");
	is_int(login(&cfg, "unusable", PASSWORD, &u), SVC_DENIED,
	    "'!' hash: SVC_DENIED");
	is_int(login(&cfg, "unusable",
	    "!Xb3kq9WzLr0m1aUQj2Yv4tGs8NcPe5HdO7iFy6T", &u), SVC_DENIED,
	    "'!' hash, the hash itself as password: SVC_DENIED");
	ok(add_user("bang", "!", 1) == 0, "add a user whose hash is '!'");
	is_int(login(&cfg, "bang", "!", &u), SVC_DENIED,
	    "hash '!', password '!': SVC_DENIED");
	ok(add_user("empty", "", 1) == 0, "add a user with an empty hash");
	is_int(login(&cfg, "empty", "", &u), SVC_DENIED,
	    "empty hash, empty password: SVC_DENIED");

	ok(add_user("malformed", "pbkdf2_sha256$abc$salt", 1) == 0,
	    "add a user with a malformed hash");
	is_int(login(&cfg, "malformed", PASSWORD, &u), SVC_DENIED,
	    "malformed hash: SVC_DENIED");
	ok(add_user("md5", "md5$salt$0123456789abcdef0123456789abcdef",
	    1) == 0, "add a user with an unknown algorithm");
	is_int(login(&cfg, "md5", PASSWORD, &u), SVC_DENIED,
	    "unknown algorithm: SVC_DENIED");
	ok(add_user("plain", PASSWORD, 1) == 0,
	    "add a user whose hash is the plain password");
	is_int(login(&cfg, "plain", PASSWORD, &u), SVC_DENIED,
	    "plain text in the hash column: SVC_DENIED");
	get("malformed", &s);
	ok(strcmp(s.password, "pbkdf2_sha256$abc$salt") == 0,
	    "a malformed hash is left as it is");
}

static void
test_upgrade(void)
{
	struct pw_policy other = policy, sha1 = { .alg = PW_PBKDF2_SHA1,
	    .iterations = 1000 };
	struct cfg c;
	struct user u;
	struct stored s;
	char old[PW_ENCODED_MAX];

	other.iterations = policy.iterations + 500;

	/* Other iterations: re-hashed to the policy. */
	ok(add_user_pw("iter", &other, 1, old) == 0,
	    "add a user hashed with other iterations");
	ok(pw_needs_rehash(old, &policy), "its hash needs a re-hash");
	is_int(login(&cfg, "iter", "wrong password", &u), SVC_DENIED,
	    "upgrade: wrong password: SVC_DENIED");
	get("iter", &s);
	ok(strcmp(s.password, old) == 0,
	    "a wrong password does not re-hash");
	is_int(login(&cfg, "iter", PASSWORD, &u), SVC_OK,
	    "upgrade: right password: OK");
	get("iter", &s);
	ok(strcmp(s.password, old) != 0, "the stored hash changed");
	is_int(pw_needs_rehash(s.password, &policy), 0,
	    "the stored hash now follows the policy");
	is_int(pw_verify(PASSWORD, strlen(PASSWORD), s.password), SVC_OK,
	    "the new hash matches the password");
	ok(strcmp(u.password, s.password) == 0, "u holds the new hash");
	is_int(s.last_login, 1, "upgrade: last_login set");
	users_clear(&u);
	is_int(login(&cfg, "iter", PASSWORD, &u), SVC_OK,
	    "login with the new hash: OK");
	users_clear(&u);

	/* Another algorithm: re-hashed too. */
	ok(add_user_pw("sha1", &sha1, 1, old) == 0,
	    "add a user with a pbkdf2_sha1 hash");
	is_int(login(&cfg, "sha1", PASSWORD, &u), SVC_OK,
	    "sha1 user: right password: OK");
	get("sha1", &s);
	ok(strcmp(s.password, old) != 0 &&
	    pw_needs_rehash(s.password, &policy) == 0,
	    "a pbkdf2_sha1 hash is re-hashed to the policy");
	users_clear(&u);

	/* upgrade_hash = 0: left alone. */
	c = cfg;	/* shallow: never freed */
	c.upgrade_hash = 0;
	ok(add_user_pw("noupgrade", &other, 1, old) == 0,
	    "add a user for upgrade_hash = 0");
	is_int(login(&c, "noupgrade", PASSWORD, &u), SVC_OK,
	    "upgrade_hash = 0: login OK");
	get("noupgrade", &s);
	ok(strcmp(s.password, old) == 0,
	    "upgrade_hash = 0: the stored hash is unchanged");
	is_int(s.last_login, 1, "upgrade_hash = 0: last_login still set");
	users_clear(&u);

	/* update_last_login = 0: last_login stays. */
	c = cfg;
	c.update_last_login = 0;
	ok(add_user_pw("nolast", &policy, 1, NULL) == 0,
	    "add a user for update_last_login = 0");
	is_int(login(&c, "nolast", PASSWORD, &u), SVC_OK,
	    "update_last_login = 0: login OK");
	get("nolast", &s);
	is_int(s.last_login, 0, "update_last_login = 0: last_login unchanged");
	users_clear(&u);

	/* Both: a re-hash without touching last_login. */
	ok(add_user_pw("nolast-up", &other, 1, old) == 0,
	    "add a user for a re-hash with update_last_login = 0");
	is_int(login(&c, "nolast-up", PASSWORD, &u), SVC_OK,
	    "re-hash with update_last_login = 0: login OK");
	get("nolast-up", &s);
	ok(strcmp(s.password, old) != 0 &&
	    pw_needs_rehash(s.password, &policy) == 0,
	    "re-hash with update_last_login = 0: re-hashed");
	is_int(s.last_login, 0,
	    "re-hash with update_last_login = 0: last_login unchanged");
	users_clear(&u);

	/* An inactive user with an old hash is not re-hashed. */
	ok(add_user_pw("inactive-old", &other, 0, old) == 0,
	    "add an inactive user with an old hash");
	is_int(login(&cfg, "inactive-old", PASSWORD, &u), SVC_DENIED,
	    "inactive, old hash: SVC_DENIED");
	get("inactive-old", &s);
	ok(strcmp(s.password, old) == 0 && s.last_login == 0,
	    "inactive: neither re-hashed nor touched");
}

/* account_name_ok: which names may log in at all (no database). */
static void
test_names(void)
{
	static const struct {
		const char	*name;
		size_t		 len;
		int		 want;
		const char	*what;
	} cases[] = {
		{ "alice", 5, 1, "a plain name" },
		{ "", 0, 1, "the empty name (it matches no one)" },
		{ "alice ", 6, 1, "a trailing space (it finds alice: shares "
		    "her count)" },
		{ "ali\x01" "ce", 6, 0, "U+0001" },
		{ "ali\0ce", 6, 0, "U+0000" },
		{ "alice\x7f", 6, 0, "U+007F" },
		{ "alice\xc2\x85", 7, 0, "U+0085 (C1 control)" },
		{ "ali\xc2\xad" "ce", 7, 0, "U+00AD soft hyphen (Cf)" },
		{ "ali\xe2\x80\x8b" "ce", 8, 0, "U+200B zero width space (Cf)" },
		{ "\xef\xbb\xbf" "alice", 8, 0, "U+FEFF (Cf)" },
		{ "alice\xf3\xa0\x80\x81", 9, 0, "U+E0001 language tag (Cf)" },
		{ "ali\xff" "ce", 6, 0, "invalid UTF-8" },
		{ "\xc0\xaf", 2, 0, "an overlong form" },
		{ "\xed\xa0\x80", 3, 0, "a surrogate" },
		{ "j\xc3\xb6rg", 5, 1, "U+00F6 is a letter" },
	};
	char big[4 * 151 + 1];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ok(account_name_ok(cases[i].name, cases[i].len) ==
		    cases[i].want, "account_name_ok: %s", cases[i].what);
	memset(big, 'a', 150);
	is_int(account_name_ok(big, 150), 1,
	    "account_name_ok: 150 characters");
	big[150] = ' ';
	is_int(account_name_ok(big, 151), 0,
	    "account_name_ok: 151 characters (a padded name) refused");
	for (i = 0; i < 150; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	is_int(account_name_ok(big, 300), 1,
	    "account_name_ok: 150 two-byte characters (characters, not "
	    "bytes)");
	memcpy(big + 300, "\xc3\xa9", 2);
	is_int(account_name_ok(big, 302), 0,
	    "account_name_ok: 151 two-byte characters refused");
}

/*
 * Issue 13, 6: the re-hash on login must not overwrite a password
 * changed since the lookup.  users_logged_in with a stale hash writes
 * nothing and says so.
 */
static void
test_race(void)
{
	struct pw_policy other = policy;
	struct user u;
	struct stored s;
	char name[128], old[PW_ENCODED_MAX], changed[PW_ENCODED_MAX];
	char fresh[PW_ENCODED_MAX];

	other.iterations = policy.iterations + 700;
	name_of(name, sizeof(name), "race");
	if (!ok(add_user_pw("race", &other, 1, old) == 0 &&
	    users_by_name(&users, name, &u) == SVC_OK &&
	    pw_make("changed password", 16, &policy, changed,
	    sizeof(changed)) == SVC_OK &&
	    pw_make(PASSWORD, strlen(PASSWORD), &policy, fresh,
	    sizeof(fresh)) == SVC_OK, "upgrade race: a user and three hashes"))
		return;
	/* The password changes after the login read old. */
	is_int(users_set_password(&users, u.id, changed), SVC_OK,
	    "upgrade race: the password changes");
	is_int(users_logged_in(&users, u.id, 1, old, fresh), SVC_NOTFOUND,
	    "upgrade race: the re-hash of the stale hash: SVC_NOTFOUND");
	get("race", &s);
	ok(strcmp(s.password, changed) == 0,
	    "upgrade race: the changed password is kept, not overwritten");
	is_int(users_logged_in(&users, u.id, 1, changed, fresh), SVC_OK,
	    "upgrade race: over the hash actually stored: SVC_OK");
	get("race", &s);
	ok(strcmp(s.password, fresh) == 0,
	    "upgrade race: then the new hash is stored");
	is_int(users_logged_in(&users, u.id, 1, old, NULL), SVC_OK,
	    "no re-hash: last_login alone needs no hash check");
	users_clear(&u);
}

/* Issue 13, 5: a stored hash over 4 times the policy is not computed. */
static void
test_costly(void)
{
	struct pw_policy four = policy, over = policy;
	unsigned factor = cfg.pw_max_cost_factor;
	struct user u;
	long long t0;

	four.iterations = policy.iterations * factor;
	over.iterations = four.iterations + 1;
	ok(add_user_pw("cost-four", &four, 1, NULL) == 0 &&
	    add_user_pw("cost-over", &over, 1, NULL) == 0 &&
	    add_user("cost-huge", "pbkdf2_sha256$100000000$salt$"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 1) == 0 &&
	    add_user("cost-argon2", "argon2$argon2id$v=19$m=262144,t=16,p=1$"
	    "c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    1) == 0, "add users hashed at %u and %u times the policy, and two "
	    "hostile rows", factor, factor + 1);
	is_int(login(&cfg, "cost-four", PASSWORD, &u), SVC_OK,
	    "a hash at max_cost_factor times the policy verifies");
	users_clear(&u);
	is_int(login(&cfg, "cost-over", PASSWORD, &u), SVC_DENIED,
	    "a hash over max_cost_factor times the policy: SVC_DENIED, "
	    "right password or not");
	t0 = (long long)time(NULL);
	is_int(login(&cfg, "cost-huge", PASSWORD, &u), SVC_DENIED,
	    "pbkdf2 at 100,000,000 iterations: SVC_DENIED");
	is_int(login(&cfg, "cost-argon2", PASSWORD, &u), SVC_DENIED,
	    "argon2 at m=256 MiB, t=16: SVC_DENIED");
	ok((long long)time(NULL) - t0 < 5,
	    "hostile hashes are not computed (both in under 5 s)");
}

/*
 * Issue 13, 4: failures of a known user are counted by its id, so that
 * every spelling that finds it shares one lockout, and names that the
 * collation would match but that hold control or format characters,
 * or are too long, never log in.
 */
static void
test_lookalike(void)
{
	static const char *const spellings[] = {
		"LOOK", "look ", "lo\x01ok", "lo\xc2\xadok", "lo\xe2\x80\x8bok",
	};
	struct user u;
	char name[128], alt[128], padded[256];
	long long wait;
	size_t i, n;
	enum svc_err rc;

	if (!ok(add_user_pw("look", &policy, 1, NULL) == 0,
	    "add a user for look-alike names"))
		return;
	/* Five failures, each under another spelling that finds the user. */
	for (i = 0; i < 5; i++) {
		name_of(alt, sizeof(alt), i % 2 ? "LOOK" : "look ");
		rc = login_keep(&cfg, alt, strlen(alt), "wrong", 5, &u, 1,
		    &wait);
		ok(rc == SVC_DENIED, "look-alike failure %zu: SVC_DENIED",
		    i + 1);
	}
	name_of(name, sizeof(name), "look");
	rc = login_keep(&cfg, name, strlen(name), PASSWORD, strlen(PASSWORD),
	    &u, 1, &wait);
	ok(rc == SVC_DENIED && wait > 0, "failures under case and space "
	    "variants lock the user itself out (wait %lld s)", wait);
	for (i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
		name_of(alt, sizeof(alt), spellings[i]);
		rc = login_keep(&cfg, alt, strlen(alt), PASSWORD,
		    strlen(PASSWORD), &u, 1, &wait);
		ok(rc == SVC_DENIED, "locked out: the right password as "
		    "look-alike #%zu is refused", i);
	}
	n = (size_t)snprintf(padded, sizeof(padded), "%s%*s", name,
	    (int)(151 - strlen(name)), "");
	rc = login_keep(&cfg, padded, n, PASSWORD, strlen(PASSWORD), &u, 1,
	    &wait);
	is_int(rc, SVC_DENIED, "locked out: a padded 151-character name is "
	    "refused");
	clear_failures();
	/* Unlocked, refused names still never log in. */
	for (i = 2; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
		name_of(alt, sizeof(alt), spellings[i]);
		ok(login_len(&cfg, alt, PASSWORD, strlen(PASSWORD), &u) ==
		    SVC_DENIED, "unlocked: look-alike #%zu with a control or "
		    "format character is refused", i);
	}
	is_int(login_keep(&cfg, padded, n, PASSWORD, strlen(PASSWORD), &u, 0,
	    &wait), SVC_DENIED, "unlocked: the padded long name is refused");
	is_int(login(&cfg, "look", PASSWORD, &u), SVC_OK,
	    "unlocked: the name itself logs in");
	users_clear(&u);
}

static void
test_down(void)
{
	struct cfg bad = cfg;	/* shallow: never freed */
	struct db *down;
	struct users du;
	struct throttle dt;
	struct account da;
	struct user u;
	long long wait = 0;

	bad.db_host = "localhost";
	bad.db_socket = "/nonexistent/mysqld.sock";
	if (db_new(&down, &bad) != SVC_OK ||
	    users_init(&du, down, bad.users_table) != SVC_OK ||
	    throttle_init(&dt, &bad, down) != SVC_OK) {
		ok(0, "a handle on no database");
		db_free(down);
		return;
	}
	account_init(&da, &bad, &policy, &du, &dt);
	is_int(account_login(&da, "alice", 5, PASSWORD, strlen(PASSWORD), addr,
	    &u, &wait), SVC_DB,
	    "database unreachable: SVC_DB, not SVC_DENIED");
	db_free(down);
}

static void
cleanup(void)
{
	MYSQL_BIND p[1];
	unsigned long llen = strlen(like);
	unsigned long long n = 0;

	db_bind_str(&p[0], like, &llen);
	is_int(db_exec(db, s_del, p, NULL, NULL, &n), SVC_OK,
	    "cleanup: delete our users");
	ok(n > 0, "cleanup: %llu users deleted", n);
}

int
main(void)
{

	log_init("test-account");
	dbtest_config(&cfg);
	snprintf(prefix, sizeof(prefix), "unit-%ld-acc-", (long)getpid());
	snprintf(like, sizeof(like), "%s%%", prefix);
	snprintf(addr, sizeof(addr), "unit-%ld", (long)getpid());

	if (pw_alg_parse(cfg.pw_algorithm, &policy.alg) != SVC_OK)
		policy.alg = PW_PBKDF2_SHA256;
	policy.iterations = 1000;

	if (db_new(&db, &cfg) != SVC_OK) {
		ok(0, "db_new");
		cfg_free(&cfg);
		return tap_done();
	}
	is_int(users_init(&users, db, cfg.users_table), SVC_OK, "users_init");
	is_int(throttle_init(&thr, &cfg, db), SVC_OK, "throttle_init");
	account_init(&acc, &cfg, &policy, &users, &thr);
	add_stmts();
	if (!is_int(db_connect(db), SVC_OK, "db_connect to the configured "
	    "database (is the stack up?)")) {
		db_free(db);
		cfg_free(&cfg);
		return tap_done();
	}

	test_names();
	test_plain();
	test_upgrade();
	test_race();
	test_costly();
	test_lookalike();
	test_down();
	cleanup();

	db_free(db);
	cfg_free(&cfg);
	return tap_done();
}
