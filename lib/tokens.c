/*
 * tokens.c: making, checking and rotating the contract's tokens.
 */
#include <sys/random.h>

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "b64.h"
#include "cfg.h"
#include "db.h"
#include "json.h"
#include "log.h"
#include "tokens.h"
#include "users.h"

#define RT "`jwtauth_refresh_token`"

#define TOKENS_PURGE_EVERY	4	/* rotations between two purges */
#define TOKENS_PURGE_ROWS	64	/* expired rows deleted per purge */

/* Everything a fresh pair needs besides the user. */
struct tokens_new {
	long long	 now;
	char		 access_jti[TOKENS_JTI_LEN + 1];
	char		 refresh_jti[TOKENS_JTI_LEN + 1];
	char		 family[TOKENS_JTI_LEN + 1];
	char		 fp[TOKENS_FP_LEN + 1];
};

/* A PEM key file of the config as a key, or SVC_BADINPUT and t->err. */
static enum svc_err
tokens_pem(struct tokens *t, const struct cfg_blob *b, struct jwt_key **k)
{
	const char *why = NULL;
	enum svc_err rc;

	if ((rc = jwt_key_pem(k, b->data, b->len, &why)) != SVC_OK)
		snprintf(t->err, sizeof(t->err), "%s: %s", b->file,
		    why != NULL ? why : svc_strerror(rc));
	return rc;
}

/* Adds k to the set (which then owns it), or frees it. */
static enum svc_err
tokens_add(struct tokens *t, struct jwt_key *k, const char *file)
{
	if (jwt_key_add(t->key, k) == SVC_OK)
		return SVC_OK;
	snprintf(t->err, sizeof(t->err), "%s: the same key twice in [jwt]",
	    file);
	jwt_key_free(k);
	return SVC_BADINPUT;
}

/*
 * The signing key: the secret for HS*, else private_key_file, whose
 * type must fit the algorithm (checked here, at start).
 */
static enum svc_err
tokens_signer(struct tokens *t, const struct cfg *cfg, enum jwt_alg alg)
{
	enum svc_err rc;

	if (jwt_alg_hmac(alg))
		return jwt_key_new(&t->key, alg, cfg->secret, cfg->secret_len);
	if ((rc = tokens_pem(t, &cfg->private_key, &t->key)) != SVC_OK)
		return rc;
	if (jwt_key_alg(t->key) != alg || !jwt_key_private(t->key)) {
		snprintf(t->err, sizeof(t->err), "%s: not a %s private key "
		    "(a %s %s key)", cfg->private_key.file, jwt_alg_name(alg),
		    jwt_alg_name(jwt_key_alg(t->key)),
		    jwt_key_private(t->key) ? "private" : "public");
		return SVC_BADINPUT;
	}
	/* The fingerprint must outlive key rotations: the stable secret. */
	return jwt_key_new(&t->fpkey, JWT_HS256, cfg->secret,
	    cfg->secret_len);
}

/*
 * The signing key, then the verify-only ones.  A verify secret takes
 * the signing algorithm when that is an HS*, else HS256.
 *
 * The set keeps a cache of the asymmetric tokens it verified (see
 * jwt_verify): a hit skips the signature, which is safe only while the
 * set holds every key that filled it.  A set is built once per process
 * today, and jwt_key_add empties the cache of a set it changes.
 * XXX: a config reload (issue 18's SIGHUP) must build a new set and
 * free the old one with jwt_key_free, never edit keys out of a live
 * set: that is what empties the cache of tokens whose key is gone.
 */
static enum svc_err
tokens_keys(struct tokens *t, const struct cfg *cfg)
{
	struct jwt_key *k;
	enum jwt_alg alg, valg;
	enum svc_err rc;
	size_t i;

	if ((rc = jwt_alg_parse(cfg->jwt_algorithm, &alg)) != SVC_OK)
		return rc;
	if ((rc = tokens_signer(t, cfg, alg)) != SVC_OK)
		return rc;
	for (i = 0; i < cfg->nverify_keys; i++)
		if ((rc = tokens_pem(t, &cfg->verify_keys[i], &k)) != SVC_OK ||
		    (rc = tokens_add(t, k, cfg->verify_keys[i].file)) != SVC_OK)
			return rc;
	valg = jwt_alg_hmac(alg) ? alg : JWT_HS256;
	for (i = 0; i < cfg->nverify_secrets; i++) {
		if ((rc = jwt_key_new(&k, valg, (const unsigned char *)
		    cfg->verify_secrets[i].data,
		    cfg->verify_secrets[i].len)) != SVC_OK ||
		    (rc = tokens_add(t, k,
		    cfg->verify_secrets[i].file)) != SVC_OK)
			return rc;
	}
	return SVC_OK;
}

enum svc_err
tokens_init(struct tokens *t, const struct cfg *cfg, struct db *db)
{
	enum svc_err rc;

	memset(t, 0, sizeof(*t));
	t->cfg = cfg;
	t->db = db;
	/*
	 * A random start, so that processes that live for one request
	 * (plain CGI) still purge on one rotation in TOKENS_PURGE_EVERY.
	 * Not a secret: getrandom(2), since RAND_bytes would seed
	 * OpenSSL's DRBG, more than half of a CGI profile request.
	 */
	if (getrandom(&t->rotations, sizeof(t->rotations), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(t->rotations))
		t->rotations = (unsigned)getpid();
	if ((rc = tokens_keys(t, cfg)) != SVC_OK)
		return rc;
	t->insert = db_add(db, "INSERT INTO " RT " (jti, family, user_id, "
	    "issued_at, expires_at) VALUES (?, ?, ?, ?, ?)", DB_ONCE);
	/* The family and owner come from the row being spent. */
	t->insert_next = db_add(db, "INSERT INTO " RT " (jti, family, "
	    "user_id, issued_at, expires_at) SELECT ?, family, user_id, ?, ? "
	    "FROM " RT " WHERE jti = ?", DB_ONCE);
	/*
	 * The check that the token is unused and the mark that spends it
	 * are one statement, so two concurrent refreshes cannot both win.
	 */
	t->use = db_add(db, "UPDATE " RT " FORCE INDEX (PRIMARY) SET "
	    "used_at = ? WHERE jti = ? AND user_id = ? AND used_at IS NULL "
	    "AND revoked_at IS NULL AND expires_at > ?", DB_ONCE);
	/*
	 * A spent token counts as reused only once its grace has passed
	 * (refresh_reuse_grace): the bound is now - grace, so with no
	 * grace every spent token qualifies.
	 */
	t->family_used = db_add(db, "SELECT family FROM " RT " WHERE jti = ? "
	    "AND used_at IS NOT NULL AND used_at <= ?", DB_RETRY);
	t->revoke_family = db_add(db, "UPDATE " RT " SET revoked_at = ? "
	    "WHERE family = ? AND revoked_at IS NULL", DB_RETRY);
	t->family_of = db_add(db, "SELECT family FROM " RT " WHERE jti = ? "
	    "AND user_id = ?", DB_RETRY);
	t->purge = db_add(db, "DELETE FROM " RT " WHERE expires_at <= ? "
	    "ORDER BY expires_at LIMIT ?", DB_RETRY);
	if (t->insert < 0 || t->insert_next < 0 || t->use < 0 ||
	    t->family_used < 0 || t->revoke_family < 0 || t->family_of < 0 ||
	    t->purge < 0)
		return SVC_NOMEM;
	return SVC_OK;
}

void
tokens_free(struct tokens *t)
{
	jwt_key_free(t->key);
	t->key = NULL;
	jwt_key_free(t->fpkey);
	t->fpkey = NULL;
}

static enum svc_err
tokens_random_hex(char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[TOKENS_JTI_LEN / 2];
	size_t i;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return SVC_CRYPTO;
	for (i = 0; i < sizeof(raw); i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 0xf];
	}
	out[TOKENS_JTI_LEN] = '\0';
	return SVC_OK;
}

/*
 * The password fingerprint: 64 bits of HMAC(secret, hash), so that a
 * token dies with the hash it was issued under, and the hash itself
 * cannot be learnt from the token.  The secret is the HS* key that
 * signs (or verified: key, so that a rotated secret's tokens keep
 * their fingerprints), else secret_file's key.
 */
static enum svc_err
tokens_fingerprint(struct tokens *t, struct jwt_key *key, const char *pwhash,
    char *out)
{
	static const char label[] = "jwtauth-password-fingerprint:";
	unsigned char msg[sizeof(label) + 512], mac[64];
	size_t hlen = strlen(pwhash), mlen;
	enum svc_err rc;

	if (hlen > 512)
		hlen = 512;
	memcpy(msg, label, sizeof(label) - 1);
	memcpy(msg + sizeof(label) - 1, pwhash, hlen);
	if (t->fpkey != NULL)
		key = t->fpkey;
	else if (key == NULL || !jwt_alg_hmac(jwt_key_alg(key)))
		key = t->key;
	rc = jwt_hmac(key, msg, sizeof(label) - 1 + hlen, mac,
	    sizeof(mac), &mlen);
	OPENSSL_cleanse(msg, sizeof(label) - 1 + hlen);
	if (rc != SVC_OK)
		return rc;
	b64_encode(mac, 8, out);
	return SVC_OK;
}

static enum svc_err
tokens_check(struct tokens *t, const char *tok, size_t len,
    const char *token_type, int allow_expired, struct jwt_claims *claims)
{
	struct jwt_rules rules;

	memset(&rules, 0, sizeof(rules));
	rules.now = (long long)time(NULL);
	rules.leeway = t->cfg->leeway;
	rules.token_type = token_type;
	rules.issuer = t->cfg->issuer;
	rules.audience = t->cfg->audience;
	rules.allow_expired = allow_expired;
	/* The fast path: no json-c tree, the same refusals (jwt.h). */
	return jwt_verify_claims(t->key, tok, len, &rules, claims, NULL);
}

enum svc_err
tokens_verify(struct tokens *t, const char *tok, size_t len,
    const char *token_type, struct jwt_claims *claims)
{
	return tokens_check(t, tok, len, token_type, 0, claims);
}

enum svc_err
tokens_verify_logout(struct tokens *t, const char *tok, size_t len,
    struct jwt_claims *claims)
{
	return tokens_check(t, tok, len, "refresh", 1, claims);
}

int
tokens_user_ok(struct tokens *t, const struct jwt_claims *c,
    const struct user *u)
{
	char fp[TOKENS_FP_LEN + 1];

	if (!u->is_active || u->id != c->user_id)
		return 0;
	if (c->fp == NULL)
		return 1;	/* minted elsewhere with our secret */
	if (strlen(c->fp) != TOKENS_FP_LEN ||
	    tokens_fingerprint(t, c->key, u->password,
	    fp) != SVC_OK)
		return 0;
	return CRYPTO_memcmp(fp, c->fp, TOKENS_FP_LEN) == 0;
}

/* ,"iss":"..","aud":".." when configured. */
static size_t
tokens_iss_aud(struct tokens *t, char *buf, size_t off, size_t size)
{
	const char *names[2] = { ",\"iss\":", ",\"aud\":" };
	const char *vals[2] = { t->cfg->issuer, t->cfg->audience };
	size_t i, n;

	for (i = 0; i < 2 && off != 0; i++) {
		if (vals[i] == NULL)
			continue;
		n = strlen(names[i]);
		if (off + n >= size)
			return 0;
		memcpy(buf + off, names[i], n);
		off = jsn_string(buf, off + n, size, vals[i],
		    strlen(vals[i]));
	}
	return off;
}

/* Signs one token of type for u into out (JWT_MAX + 1 bytes). */
static enum svc_err
tokens_sign(struct tokens *t, const struct user *u, const char *type,
    const char *jti, long long ttl, const struct tokens_new *n, char *out)
{
	char payload[JWT_MAX];
	size_t off, outlen;
	int len;

	len = snprintf(payload, sizeof(payload), "{\"token_type\":\"%s\","
	    "\"exp\":%lld,\"iat\":%lld,\"jti\":\"%s\",\"user_id\":%lld,"
	    "\"fp\":\"%s\"", type, n->now + ttl, n->now, jti, u->id, n->fp);
	if (len < 0 || (size_t)len >= sizeof(payload))
		return SVC_TOOBIG;
	off = (size_t)len;
	if (strcmp(type, "access") == 0) {
		memcpy(payload + off, ",\"username\":", 12);
		off = jsn_string(payload, off + 12, sizeof(payload),
		    u->username, strlen(u->username));
	}
	off = tokens_iss_aud(t, payload, off, sizeof(payload));
	if (off == 0 || off + 2 > sizeof(payload))
		return SVC_TOOBIG;
	payload[off++] = '}';
	return jwt_sign(t->key, payload, off, out, JWT_MAX + 1, &outlen);
}

/* Appends the NUL-terminated s to out->body; 0 when it does not fit. */
static int
tokens_body_add(struct tokens_pair *out, const char *s)
{
	size_t	 n = strlen(s);

	if (n >= sizeof(out->body) - out->len)
		return 0;
	memcpy(out->body + out->len, s, n + 1);
	out->len += n;
	return 1;
}

/* A JSON string to out->body, by the one writer (lib/json.h). */
static int
tokens_body_str(struct tokens_pair *out, const char *s)
{
	size_t	 off;

	off = jsn_string(out->body, out->len, sizeof(out->body), s,
	    strlen(s));
	if (off == 0)
		return 0;
	out->len = off;
	return 1;
}

/*
 * Both tokens of n for u, as the response body: {"access_token": ..,
 * "refresh_token": .., "token_type": "Bearer", "expires_in": ..}.
 */
static enum svc_err
tokens_body(struct tokens *t, const struct user *u,
    const struct tokens_new *n, struct tokens_pair *out)
{
	char access[JWT_MAX + 1], refresh[JWT_MAX + 1], tail[64];
	enum svc_err rc;
	int len;

	if ((rc = tokens_sign(t, u, "access", n->access_jti,
	    t->cfg->access_ttl, n, access)) != SVC_OK ||
	    (rc = tokens_sign(t, u, "refresh", n->refresh_jti,
	    t->cfg->refresh_ttl, n, refresh)) != SVC_OK)
		return rc;
	len = snprintf(tail, sizeof(tail), ", \"token_type\": \"Bearer\", "
	    "\"expires_in\": %lld}", t->cfg->access_ttl);
	if (len < 0 || (size_t)len >= sizeof(tail))
		return SVC_TOOBIG;
	out->len = 0;
	if (!tokens_body_add(out, "{\"access_token\": ") ||
	    !tokens_body_str(out, access) ||
	    !tokens_body_add(out, ", \"refresh_token\": ") ||
	    !tokens_body_str(out, refresh) ||
	    !tokens_body_add(out, tail))
		return SVC_TOOBIG;
	return SVC_OK;
}

static enum svc_err
tokens_prepare(struct tokens *t, const struct user *u, struct tokens_new *n)
{
	enum svc_err rc;

	n->now = (long long)time(NULL);
	if ((rc = tokens_random_hex(n->access_jti)) != SVC_OK ||
	    (rc = tokens_random_hex(n->refresh_jti)) != SVC_OK ||
	    (rc = tokens_random_hex(n->family)) != SVC_OK)
		return rc;
	return tokens_fingerprint(t, NULL, u->password, n->fp);
}

enum svc_err
tokens_issue(struct tokens *t, const struct user *u, struct tokens_pair *out)
{
	struct tokens_new n;
	MYSQL_BIND p[5];
	unsigned long jlen = TOKENS_JTI_LEN, flen = TOKENS_JTI_LEN;
	long long uid = u->id, exp;
	enum svc_err rc;

	if ((rc = tokens_prepare(t, u, &n)) != SVC_OK ||
	    (rc = tokens_body(t, u, &n, out)) != SVC_OK)
		return rc;
	exp = n.now + t->cfg->refresh_ttl;
	db_bind_str(&p[0], n.refresh_jti, &jlen);
	db_bind_str(&p[1], n.family, &flen);
	db_bind_ll(&p[2], &uid);
	db_bind_ll(&p[3], &n.now);
	db_bind_ll(&p[4], &exp);
	return db_exec(t->db, t->insert, p, NULL, NULL, NULL);
}

/* Revokes the family (looked up with stmt from jti) at time now. */
static enum svc_err
tokens_revoke_from(struct tokens *t, int stmt, MYSQL_BIND *p, long long now,
    unsigned long long *n)
{
	MYSQL_BIND q[2], res[1];
	char family[TOKENS_JTI_LEN + 1];
	unsigned long flen = 0;
	my_bool fnull = 0, ferr = 0;
	enum svc_err rc;
	int found = 0;

	*n = 0;
	db_bind_out(&res[0], family, sizeof(family), &flen, &fnull, &ferr);
	if ((rc = db_exec(t->db, stmt, p, res, &found, NULL)) != SVC_OK)
		return rc;
	if (!found || fnull)
		return SVC_NOTFOUND;
	family[flen] = '\0';
	db_bind_ll(&q[0], &now);
	db_bind_str(&q[1], family, &flen);
	return db_exec(t->db, t->revoke_family, q, NULL, NULL, n);
}

/*
 * After a lost race or a replay: when the token had been used, revoke
 * its whole family, so that the thief's copies and the rightful
 * owner's newer tokens die together (RFC 9700 4.14.2).  Within
 * refresh_reuse_grace seconds of its spending, a spent token is only
 * refused: two tabs refreshing at once must not log their user out.
 */
static enum svc_err
tokens_refused(struct tokens *t, const char *jti, long long now)
{
	MYSQL_BIND p[2];
	unsigned long jlen = strlen(jti);
	unsigned long long n = 0;
	long long spent_by = now - t->cfg->refresh_reuse_grace;
	enum svc_err rc;

	db_bind_str(&p[0], jti, &jlen);
	db_bind_ll(&p[1], &spent_by);
	rc = tokens_revoke_from(t, t->family_used, p, now, &n);
	if (rc != SVC_OK && rc != SVC_NOTFOUND)
		return rc;
	if (n > 0)
		log_warnx("refresh token reused: family revoked (%llu tokens)",
		    n);
	return SVC_DENIED;
}

/*
 * Marks c's token used; SVC_DENIED when it was not usable or is not
 * c's user's.  The statement is pinned to the primary key: left to
 * itself InnoDB picks the user_id index, locks its gaps, and two
 * concurrent refreshes then deadlock instead of one waiting.
 */
static enum svc_err
tokens_spend(struct tokens *t, const struct jwt_claims *c, long long now)
{
	MYSQL_BIND p[4];
	unsigned long jlen = strlen(c->jti);
	unsigned long long n = 0;
	long long at = now, uid = c->user_id;
	enum svc_err rc;

	db_bind_ll(&p[0], &at);
	db_bind_str(&p[1], c->jti, &jlen);
	db_bind_ll(&p[2], &uid);
	db_bind_ll(&p[3], &at);
	if ((rc = db_exec(t->db, t->use, p, NULL, NULL, &n)) != SVC_OK)
		return rc;
	return n == 1 ? SVC_OK : SVC_DENIED;
}

static enum svc_err
tokens_insert_next(struct tokens *t, const struct jwt_claims *c,
    const struct tokens_new *n)
{
	MYSQL_BIND p[4];
	unsigned long jlen = TOKENS_JTI_LEN, olen = strlen(c->jti);
	unsigned long long added = 0;
	long long now = n->now, exp = n->now + t->cfg->refresh_ttl;
	enum svc_err rc;

	db_bind_str(&p[0], n->refresh_jti, &jlen);
	db_bind_ll(&p[1], &now);
	db_bind_ll(&p[2], &exp);
	db_bind_str(&p[3], c->jti, &olen);
	if ((rc = db_exec(t->db, t->insert_next, p, NULL, NULL,
	    &added)) != SVC_OK)
		return rc;
	return added == 1 ? SVC_OK : SVC_DB;
}

/*
 * Keeps the table bounded without a cron job: every TOKENS_PURGE_EVERY
 * rotations, delete up to TOKENS_PURGE_ROWS expired rows.  Each login
 * and refresh adds one row, so this removes rows faster than refreshes
 * add them; jwtauth-admin purge does the rest.  A failure here is only
 * logged: the rotation itself has been committed.
 */
static void
tokens_tidy(struct tokens *t)
{
	unsigned long long n;

	if (++t->rotations % TOKENS_PURGE_EVERY != 0)
		return;
	if (tokens_purge(t, TOKENS_PURGE_ROWS, &n) != SVC_OK)
		log_warnx("%s: purge failed", __func__);
}

enum svc_err
tokens_rotate(struct tokens *t, const struct jwt_claims *c,
    const struct user *u, struct tokens_pair *out)
{
	struct tokens_new n;
	enum svc_err rc;

	if (c->jti == NULL || strlen(c->jti) != TOKENS_JTI_LEN)
		return SVC_DENIED;	/* not one of ours */
	if ((rc = tokens_prepare(t, u, &n)) != SVC_OK ||
	    (rc = tokens_body(t, u, &n, out)) != SVC_OK)
		return rc;
	if ((rc = db_begin(t->db)) != SVC_OK)
		return rc;
	if ((rc = tokens_spend(t, c, n.now)) != SVC_OK) {
		db_rollback(t->db);
		return rc == SVC_DENIED ? tokens_refused(t, c->jti, n.now) : rc;
	}
	if ((rc = tokens_insert_next(t, c, &n)) != SVC_OK ||
	    (rc = db_commit(t->db)) != SVC_OK) {
		db_rollback(t->db);
		return rc;
	}
	tokens_tidy(t);
	return SVC_OK;
}

enum svc_err
tokens_revoke(struct tokens *t, const struct jwt_claims *c)
{
	MYSQL_BIND p[2];
	unsigned long jlen;
	unsigned long long n;
	long long uid = c->user_id;
	enum svc_err rc;

	if (c->jti == NULL || strlen(c->jti) != TOKENS_JTI_LEN)
		return SVC_OK;	/* not one of ours: nothing to revoke */
	jlen = TOKENS_JTI_LEN;
	db_bind_str(&p[0], c->jti, &jlen);
	db_bind_ll(&p[1], &uid);
	rc = tokens_revoke_from(t, t->family_of, p, (long long)time(NULL), &n);
	return rc == SVC_NOTFOUND ? SVC_OK : rc;
}

enum svc_err
tokens_purge(struct tokens *t, unsigned limit, unsigned long long *n)
{
	MYSQL_BIND p[2];
	long long before = (long long)time(NULL) - t->cfg->leeway;
	long long lim = limit;

	*n = 0;
	db_bind_ll(&p[0], &before);
	db_bind_ll(&p[1], &lim);
	return db_exec(t->db, t->purge, p, NULL, NULL, n);
}
