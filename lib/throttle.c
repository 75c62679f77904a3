/*
 * throttle.c: failed logins counted per username and per address, in
 * the database so that every worker and host shares the counts.
 *
 * Times are the database's UNIX_TIMESTAMP(), never the worker's clock,
 * so that hosts whose clocks disagree still agree on the window.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "db.h"
#include "log.h"
#include "throttle.h"
#include "users.h"

#define FT	"`" THROTTLE_TABLE "`"

/* Failures of one key within the window: one row, always. */
#define COUNT(col, param) \
	"(SELECT COUNT(*) AS n, IFNULL(MIN(at), 0) AS oldest FROM " FT \
	" WHERE " col " = " param " AND at > UNIX_TIMESTAMP() - ?)"

static int
throttle_add(struct throttle *t, int slot, enum db_retry retry,
    const char *fmt)
{
	int n;

	n = snprintf(t->sql[slot], sizeof(t->sql[slot]), fmt,
	    t->cfg->users_table);
	if (n < 0 || (size_t)n >= sizeof(t->sql[slot]))
		return -1;
	return db_add(t->db, t->sql[slot], retry);
}

enum svc_err
throttle_init(struct throttle *t, const struct cfg *cfg, struct db *db)
{
	memset(t, 0, sizeof(*t));
	t->cfg = cfg;
	t->db = db;
	/*
	 * The two counts are one-row derived tables, and the user is LEFT
	 * JOINed to them: an unknown user still gets its row of counts.
	 * Parameters: username, window, address, window, username.  The
	 * username is cut to the column's 150 characters, here and in
	 * every other statement, so that a longer one counts the same.
	 */
	t->lookup = throttle_add(t, 0, DB_RETRY, "SELECT u.id, u.is_active, "
	    "u.username, u.email, u.password, UNIX_TIMESTAMP(), fu.n, "
	    "fu.oldest, fa.n, fa.oldest FROM "
	    COUNT("username", "LEFT(?, 150)") " AS fu CROSS JOIN "
	    COUNT("address", "?") " AS fa LEFT JOIN `%s` AS u ON "
	    "u.username = ?");
	/* Sent once: a resend after a lost reply would count twice. */
	t->insert = throttle_add(t, 1, DB_ONCE, "INSERT INTO " FT
	    " (username, address, at) VALUES (LEFT(?, 150), ?, "
	    "UNIX_TIMESTAMP())");
	/*
	 * A reset row moves to at = 0: out of every window, purged later.
	 * Pinned to the username's index: on a small table InnoDB picks
	 * the index on at and would lock every user's recent rows.
	 */
	t->reset = throttle_add(t, 2, DB_RETRY, "UPDATE " FT " FORCE INDEX "
	    "(username_at) SET at = 0 WHERE username = LEFT(?, 150) AND "
	    "at > 0");
	t->reset_login = throttle_add(t, 3, DB_RETRY, "UPDATE `%s` AS u "
	    "LEFT JOIN " FT " AS f FORCE INDEX (username_at) ON f.username = "
	    "LEFT(?, 150) AND f.at > 0 "
	    "SET f.at = 0, u.last_login = IF(?, UTC_TIMESTAMP(6), "
	    "u.last_login), u.password = IFNULL(?, u.password) "
	    "WHERE u.id = ?");
	t->purge = throttle_add(t, 4, DB_RETRY, "DELETE FROM " FT " WHERE "
	    "at <= UNIX_TIMESTAMP() - ? ORDER BY at LIMIT ?");
	if (t->lookup < 0 || t->insert < 0 || t->reset < 0 ||
	    t->reset_login < 0 || t->purge < 0)
		return SVC_NOMEM;
	return SVC_OK;
}

/* ---- the client address ------------------------------------------ */

/*
 * One address of n bytes at s, spaces around it allowed, also as
 * "[v6]", "[v6]:port" or "v4:port" (some proxies add the port).
 * Returns the family, or 0 when it does not parse.
 */
static int
throttle_parse(const char *s, size_t n, unsigned char *addr)
{
	static const unsigned char mapped[12] =
	    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	char buf[INET6_ADDRSTRLEN + 8], *end, *colon;

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	s = buf;
	if (buf[0] == '[') {
		if ((end = strchr(buf, ']')) == NULL ||
		    (end[1] != '\0' && end[1] != ':'))
			return 0;
		*end = '\0';
		s = buf + 1;
	} else if ((colon = strchr(buf, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL)
		*colon = '\0';		/* v4:port */
	if (inet_pton(AF_INET, s, addr) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, addr) != 1)
		return 0;
	if (memcmp(addr, mapped, sizeof(mapped)) == 0) {
		memmove(addr, addr + 12, 4);
		return AF_INET;
	}
	return AF_INET6;
}

static int
throttle_in_net(const struct cfg_net *net, int family,
    const unsigned char *addr)
{
	unsigned full = net->bits / 8, rest = net->bits % 8;
	unsigned char mask;

	if (net->family != family)
		return 0;
	if (memcmp(net->addr, addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (net->addr[full] & mask) == (addr[full] & mask);
}

static int
throttle_trusted(const struct cfg *cfg, int family, const unsigned char *a)
{
	size_t i;

	for (i = 0; i < cfg->nproxies; i++)
		if (throttle_in_net(&cfg->proxies[i], family, a))
			return 1;
	return 0;
}

/* The canonical text of an address: IPv4, or an IPv6 /64. */
static void
throttle_format(int family, const unsigned char *addr, char *out,
    size_t outsz)
{
	unsigned char net[16];
	char buf[INET6_ADDRSTRLEN];

	if (family == AF_INET) {
		if (inet_ntop(AF_INET, addr, buf, sizeof(buf)) == NULL)
			snprintf(buf, sizeof(buf), "unknown");
		snprintf(out, outsz, "%s", buf);
		return;
	}
	memcpy(net, addr, 8);
	memset(net + 8, 0, 8);
	if (inet_ntop(AF_INET6, net, buf, sizeof(buf)) == NULL)
		snprintf(out, outsz, "unknown");
	else
		snprintf(out, outsz, "%s/64", buf);
}

void
throttle_address(const struct cfg *cfg, const char *remote_addr,
    const char *forwarded, char *out, size_t outsz)
{
	unsigned char addr[16], hop[16];
	const char *end, *comma;
	int family, hf;

	if (remote_addr == NULL ||
	    (family = throttle_parse(remote_addr, strlen(remote_addr),
	    addr)) == 0) {
		snprintf(out, outsz, "unknown");
		return;
	}
	/*
	 * Only a trusted proxy's header is believed, and only the hops
	 * that trusted proxies appended: walk from the right, past every
	 * trusted hop, to the first that is not (the client as our own
	 * proxies saw it).  Whatever a client wrote further left is
	 * never used.
	 */
	if (forwarded != NULL && throttle_trusted(cfg, family, addr)) {
		end = forwarded + strlen(forwarded);
		while (end > forwarded) {
			for (comma = end; comma > forwarded &&
			    comma[-1] != ','; comma--)
				;
			if ((hf = throttle_parse(comma,
			    (size_t)(end - comma), hop)) == 0)
				break;
			family = hf;
			memcpy(addr, hop, sizeof(addr));
			if (!throttle_trusted(cfg, family, addr))
				break;
			end = comma > forwarded ? comma - 1 : forwarded;
		}
	}
	throttle_format(family, addr, out, outsz);
}

/* ---- the statements ---------------------------------------------- */

enum svc_err
throttle_lookup(struct throttle *t, const char *username, const char *addr,
    struct user *u, struct throttle_counts *c)
{
	MYSQL_BIND p[5], res[USERS_NCOLS + 5];
	struct users_row row;
	unsigned long ul = strlen(username), al = strlen(addr);
	long long window = t->cfg->fail_window;
	my_bool idnull = 0;
	enum svc_err rc;
	int found = 0;

	memset(c, 0, sizeof(*c));
	db_bind_str(&p[0], username, &ul);
	db_bind_ll(&p[1], &window);
	db_bind_str(&p[2], addr, &al);
	db_bind_ll(&p[3], &window);
	db_bind_str(&p[4], username, &ul);
	users_bind_row(res, u, &row);
	res[0].is_null = &idnull;
	db_bind_ll(&res[USERS_NCOLS], &c->now);
	db_bind_ll(&res[USERS_NCOLS + 1], &c->user_n);
	db_bind_ll(&res[USERS_NCOLS + 2], &c->user_oldest);
	db_bind_ll(&res[USERS_NCOLS + 3], &c->addr_n);
	db_bind_ll(&res[USERS_NCOLS + 4], &c->addr_oldest);
	if ((rc = db_exec(t->db, t->lookup, p, res, &found, NULL)) != SVC_OK)
		return rc;
	if (!found) {
		log_warnx("%s: no row", __func__);
		return SVC_DB;
	}
	if (idnull) {
		users_clear(u);
		memset(u, 0, sizeof(*u));
		return SVC_NOTFOUND;
	}
	users_row_done(u, &row);
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
throttle_failed(struct throttle *t, const char *username, const char *addr)
{
	MYSQL_BIND p[2];
	unsigned long ul = strlen(username), al = strlen(addr);
	unsigned long long n = 0;
	enum svc_err rc;

	db_bind_str(&p[0], username, &ul);
	db_bind_str(&p[1], addr, &al);
	if ((rc = db_exec(t->db, t->insert, p, NULL, NULL, NULL)) != SVC_OK)
		return rc;
	if (++t->failures < THROTTLE_PURGE_EVERY)
		return SVC_OK;
	t->failures = 0;
	/* Housekeeping: its failure is logged, not the client's. */
	if (throttle_purge(t, THROTTLE_PURGE_BATCH, &n) != SVC_OK)
		log_warnx("%s: purge failed", __func__);
	return SVC_OK;
}

enum svc_err
throttle_succeeded(struct throttle *t, const char *username, long long id,
    int touch, const char *new_hash)
{
	MYSQL_BIND p[4];
	unsigned long ul = strlen(username), hl = 0;
	my_bool hnull = new_hash == NULL;

	db_bind_str(&p[0], username, &ul);
	if (!touch && new_hash == NULL)
		return db_exec(t->db, t->reset, p, NULL, NULL, NULL);
	touch = touch != 0;
	db_bind_int(&p[1], &touch);
	if (new_hash != NULL)
		hl = strlen(new_hash);
	db_bind_str(&p[2], new_hash != NULL ? new_hash : "", &hl);
	p[2].is_null = &hnull;
	db_bind_ll(&p[3], &id);
	return db_exec(t->db, t->reset_login, p, NULL, NULL, NULL);
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
