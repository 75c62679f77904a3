/*
 * throttle.c: login attempts counted per key and per address, in the
 * database so that every worker and host shares the counts.  Only
 * statements on the failure table live here; the lookup that reads the
 * counts with the user row is users_login's (lib/users.c).
 *
 * Times are the database's UNIX_TIMESTAMP(), never the worker's clock,
 * so that hosts whose clocks disagree still agree on the window.
 */
#include <string.h>

#include "cfg.h"
#include "db.h"
#include "log.h"
#include "throttle.h"

#define FT	THROTTLE_SQL_T

enum svc_err
throttle_init(struct throttle *t, const struct cfg *cfg, struct db *db)
{
	memset(t, 0, sizeof(*t));
	t->cfg = cfg;
	t->db = db;
	/*
	 * A known user's key has username ''.  May be resent: the unique
	 * key makes a resend after a lost reply a conflict (429, no hash),
	 * never a second row; and a deadlock, or a Galera certification
	 * failure against another node's claim of the same turn, is
	 * retried into that conflict rather than answered with 503.
	 */
	t->claim = db_add(t->db, "INSERT INTO " FT " (user_id, username, "
	    "address, seq, at) VALUES (?, LEFT(?, 150), ?, ?, "
	    "UNIX_TIMESTAMP())", DB_RETRY);
	/* A reset row moves to at = 0: out of every window, purged later. */
	t->reset = db_add(t->db, "UPDATE " FT " FORCE INDEX (user_at) SET "
	    "at = 0 WHERE user_id = ? AND username = '' AND at > 0",
	    DB_RETRY);
	t->purge = db_add(t->db, "DELETE FROM " FT " WHERE at <= "
	    "UNIX_TIMESTAMP() - ? ORDER BY at LIMIT ?", DB_RETRY);
	t->addr_count = db_add(t->db, "SELECT UNIX_TIMESTAMP(), COUNT(*), "
	    "IFNULL(MIN(at), 0) FROM " FT " WHERE address = ? AND "
	    "at > UNIX_TIMESTAMP() - ?", DB_RETRY);
	t->addr_add = db_add(t->db, "INSERT INTO " FT " (user_id, username, "
	    "address, at) VALUES (-1, '', ?, UNIX_TIMESTAMP())", DB_ONCE);
	if (t->claim < 0 || t->reset < 0 || t->purge < 0 ||
	    t->addr_count < 0 || t->addr_add < 0)
		return SVC_NOMEM;
	return SVC_OK;
}

long long
throttle_wait(const struct cfg *cfg, const struct throttle_counts *c)
{
	long long wait = 0, w;
	int limited = 0;

	if (cfg->max_fail_user > 0 && c->user_n >= cfg->max_fail_user) {
		limited = 1;
		w = c->user_oldest + cfg->fail_window - c->now;
		wait = w > wait ? w : wait;
	}
	if (cfg->max_fail_addr > 0 && c->addr_n >= cfg->max_fail_addr) {
		limited = 1;
		w = c->addr_oldest + cfg->fail_window - c->now;
		wait = w > wait ? w : wait;
	}
	if (!limited)
		return 0;
	return wait < 1 ? 1 : wait;
}

enum svc_err
throttle_claim(struct throttle *t, long long user_id, const char *name,
    size_t len, const char *addr, long long seq)
{
	MYSQL_BIND p[4];
	unsigned long nl = user_id > 0 ? 0 : (unsigned long)len;
	unsigned long al = strlen(addr);

	db_bind_ll(&p[0], &user_id);
	db_bind_str(&p[1], user_id > 0 ? "" : name, &nl);
	db_bind_str(&p[2], addr, &al);
	db_bind_ll(&p[3], &seq);
	return db_exec(t->db, t->claim, p, NULL, NULL, NULL);
}

void
throttle_failed(struct throttle *t)
{
	unsigned long long n = 0;

	if (++t->failures < THROTTLE_PURGE_EVERY)
		return;
	t->failures = 0;
	/* Housekeeping: its failure is logged, not the client's. */
	if (throttle_purge(t, THROTTLE_PURGE_BATCH, &n) != SVC_OK)
		log_warnx("%s: purge failed", __func__);
}

enum svc_err
throttle_reset(struct throttle *t, long long id)
{
	MYSQL_BIND p[1];

	db_bind_ll(&p[0], &id);
	return db_exec(t->db, t->reset, p, NULL, NULL, NULL);
}

enum svc_err
throttle_register(struct throttle *t, const char *addr,
    long long *retry_after)
{
	struct throttle_counts c;
	MYSQL_BIND p[2], res[3];
	unsigned long al = strlen(addr);
	long long window = t->cfg->fail_window;
	enum svc_err rc;
	int found = 0;

	*retry_after = 0;
	memset(&c, 0, sizeof(c));
	db_bind_str(&p[0], addr, &al);
	db_bind_ll(&p[1], &window);
	db_bind_ll(&res[0], &c.now);
	db_bind_ll(&res[1], &c.addr_n);
	db_bind_ll(&res[2], &c.addr_oldest);
	if ((rc = db_exec(t->db, t->addr_count, p, res, &found, NULL)) !=
	    SVC_OK)
		return rc;
	if ((*retry_after = throttle_wait(t->cfg, &c)) > 0)
		return SVC_DENIED;
	return db_exec(t->db, t->addr_add, p, NULL, NULL, NULL);
}

enum svc_err
throttle_purge(struct throttle *t, unsigned limit, unsigned long long *n)
{
	MYSQL_BIND p[2];
	long long window = t->cfg->fail_window, lim = limit;

	*n = 0;
	db_bind_ll(&p[0], &window);
	db_bind_ll(&p[1], &lim);
	return db_exec(t->db, t->purge, p, NULL, NULL, n);
}
