/*
 * test-tokens.c: the token pair, the password fingerprint and refresh
 * token rotation with reuse detection, against a real MariaDB.
 *
 * Reads the config from $JWTAUTH_CONFIG; skips without one (make check
 * runs it with the stack up).  Its users are named "unit-<pid>-tok-..."
 * and they and their refresh rows are deleted at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/rand.h>

#include "cfg.h"
#include "db.h"
#include <openssl/crypto.h>

#include "json.h"
#include "jwt.h"
#include "log.h"
#include "pw.h"
#include "tokens.h"
#include "users.h"
#include "dbtest.h"
#include "tap.h"

#define RT	"`jwtauth_refresh_token`"

static struct cfg	 cfg;
static struct db	*db;
static struct users	 users;
static struct tokens	 tok;
static char		 prefix[64];
static char		 like[80];

static char sql_ins[512], sql_del[512];
static int s_ins, s_del, s_row, s_family, s_expire, s_del_rt, s_used;

struct row {
	int	 found;
	char	 family[64];
	long long user_id, issued_at, expires_at;
	int	 used, revoked;
};

static void
add_stmts(void)
{
	snprintf(sql_ins, sizeof(sql_ins), "INSERT INTO `%s` (password, "
	    "is_superuser, username, first_name, last_name, email, is_staff, "
	    "is_active, date_joined) VALUES (?, 0, ?, '', '', ?, 0, ?, "
	    "UTC_TIMESTAMP(6))", cfg.users_table);
	snprintf(sql_del, sizeof(sql_del),
	    "DELETE FROM `%s` WHERE username LIKE ?", cfg.users_table);
	s_ins = db_add(db, sql_ins, DB_ONCE);
	s_del = db_add(db, sql_del, DB_RETRY);
	s_row = db_add(db, "SELECT family, user_id, issued_at, expires_at, "
	    "used_at IS NOT NULL, revoked_at IS NOT NULL FROM " RT
	    " WHERE jti = ?", DB_RETRY);
	s_family = db_add(db, "SELECT COUNT(*), SUM(revoked_at IS NULL) FROM "
	    RT " WHERE family = ?", DB_RETRY);
	s_expire = db_add(db, "UPDATE " RT " SET expires_at = ? WHERE jti = ?",
	    DB_RETRY);
	s_del_rt = db_add(db, "DELETE FROM " RT " WHERE user_id = ?",
	    DB_RETRY);
	s_used = db_add(db, "UPDATE " RT " SET used_at = ? WHERE jti = ?",
	    DB_RETRY);
}

/* Adds a user with password "password123" and reads it into u. */
static int
make_user(const char *what, int active, struct user *u)
{
	static const struct pw_policy quick = {
	    .alg = PW_PBKDF2_SHA256, .iterations = 1000 };
	char name[128], email[160], hash[PW_ENCODED_MAX];
	MYSQL_BIND p[4];
	unsigned long hlen, nlen, elen;

	snprintf(name, sizeof(name), "%s%s", prefix, what);
	snprintf(email, sizeof(email), "%s@example.com", name);
	if (pw_make("password123", 11, &quick, hash, sizeof(hash)) != SVC_OK)
		return -1;
	hlen = strlen(hash);
	nlen = strlen(name);
	elen = strlen(email);
	db_bind_str(&p[0], hash, &hlen);
	db_bind_str(&p[1], name, &nlen);
	db_bind_str(&p[2], email, &elen);
	db_bind_int(&p[3], &active);
	if (db_exec(db, s_ins, p, NULL, NULL, NULL) != SVC_OK)
		return -1;
	return users_by_name(&users, name, u) == SVC_OK ? 0 : -1;
}

static void
get_row(const char *jti, struct row *r)
{
	MYSQL_BIND p[1], res[6];
	unsigned long jlen = strlen(jti), flen = 0;
	my_bool fnull = 0, ferr = 0;

	memset(r, 0, sizeof(*r));
	db_bind_str(&p[0], jti, &jlen);
	db_bind_out(&res[0], r->family, sizeof(r->family), &flen, &fnull,
	    &ferr);
	db_bind_ll(&res[1], &r->user_id);
	db_bind_ll(&res[2], &r->issued_at);
	db_bind_ll(&res[3], &r->expires_at);
	db_bind_int(&res[4], &r->used);
	db_bind_int(&res[5], &r->revoked);
	if (db_exec(db, s_row, p, res, &r->found, NULL) != SVC_OK)
		r->found = -1;
	else if (r->found)
		r->family[fnull ? 0 : flen] = '\0';
}

/* Rows of family, and how many are not revoked. */
static void
family_count(const char *family, long long *total, long long *live)
{
	MYSQL_BIND p[1], res[2];
	unsigned long flen = strlen(family);
	my_bool lnull = 0;
	int found = 0;

	*total = *live = -1;
	db_bind_str(&p[0], family, &flen);
	db_bind_ll(&res[0], total);
	db_bind_llnull(&res[1], live, &lnull);
	if (db_exec(db, s_family, p, res, &found, NULL) != SVC_OK || !found)
		*total = *live = -1;
	else if (lnull)
		*live = 0;
}

static enum svc_err
set_ll(int stmt, long long v, const char *jti)
{
	MYSQL_BIND p[2];
	unsigned long jlen = strlen(jti);

	db_bind_ll(&p[0], &v);
	db_bind_str(&p[1], jti, &jlen);
	return db_exec(db, stmt, p, NULL, NULL, NULL);
}

/*
 * Takes a pair's body apart: both tokens into access and refresh
 * (JWT_MAX + 1 bytes each).  Returns the number of the four fields
 * that were as the contract says.
 */
static int
parse_pair(const struct tokens_pair *pair, char *access, char *refresh)
{
	struct json_object *o, *v;
	int good = 0;

	access[0] = refresh[0] = '\0';
	if ((o = json_tokener_parse(pair->body)) == NULL)
		return 0;
	if (json_object_is_type(o, json_type_object)) {
		if (json_object_object_get_ex(o, "access_token", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    json_object_get_string_len(v) <= JWT_MAX) {
			strcpy(access, json_object_get_string(v));
			good++;
		}
		if (json_object_object_get_ex(o, "refresh_token", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    json_object_get_string_len(v) <= JWT_MAX) {
			strcpy(refresh, json_object_get_string(v));
			good++;
		}
		if (json_object_object_get_ex(o, "token_type", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), "Bearer") == 0)
			good++;
		if (json_object_object_get_ex(o, "expires_in", &v) &&
		    json_object_is_type(v, json_type_int) &&
		    json_object_get_int64(v) == cfg.access_ttl)
			good++;
		if (json_object_object_length(o) != 4)
			good = 0;
	}
	json_object_put(o);
	return good;
}

static enum svc_err
verify(const char *t, const char *type, struct jwt_claims *c)
{
	memset(c, 0, sizeof(*c));
	return tokens_verify(&tok, t, strlen(t), type, c);
}

/* A token signed with our key whose payload we write ourselves. */
static enum svc_err
sign_own(const char *payload, char *out)
{
	size_t outlen;

	return jwt_sign(tok.key, payload, strlen(payload), out, JWT_MAX + 1,
	    &outlen);
}

static void
random_jti(char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[16];
	size_t i;

	RAND_bytes(raw, sizeof(raw));
	for (i = 0; i < 16; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 0xf];
	}
	out[32] = '\0';
}

static char access1[JWT_MAX + 1], refresh1[JWT_MAX + 1];
static char access2[JWT_MAX + 1], refresh2[JWT_MAX + 1];
static char own[JWT_MAX + 1];

static void
test_issue(const struct user *u)
{
	struct tokens_pair pair;
	struct jwt_claims c;
	struct row r;
	long long now = (long long)time(NULL);

	is_int(tokens_issue(&tok, u, &pair), SVC_OK, "tokens_issue: OK");
	is_int(pair.len, strlen(pair.body), "tokens_issue: len is the body's");
	is_int(parse_pair(&pair, access1, refresh1), 4,
	    "tokens_issue: a JSON object with the four fields");
	/* Written by lib/json.c's writer, in json.dumps' spelling. */
	ok(jsn_check(pair.body, pair.len) == JSN_OK &&
	    strncmp(pair.body, "{\"access_token\": \"", 18) == 0 &&
	    strstr(pair.body, "\", \"refresh_token\": \"") != NULL &&
	    strstr(pair.body, "\", \"token_type\": \"Bearer\", "
	    "\"expires_in\": ") != NULL && pair.body[pair.len - 1] == '}',
	    "tokens_issue: strict JSON, Python's separators");

	if (is_int(verify(access1, "access", &c), SVC_OK,
	    "access token verifies as access")) {
		is_int(c.user_id, u->id, "access: user_id");
		ok(c.username != NULL && strcmp(c.username, u->username) == 0,
		    "access: username");
		ok(c.jti != NULL && strlen(c.jti) == TOKENS_JTI_LEN,
		    "access: a 32-character jti");
		ok(c.fp != NULL && strlen(c.fp) == TOKENS_FP_LEN,
		    "access: a fingerprint");
		ok(c.exp - c.iat == cfg.access_ttl, "access: exp - iat = ttl");
		ok(c.iat >= now - 5 && c.iat <= now + 5, "access: iat is now");
		is_int(tokens_user_ok(&tok, &c, u), 1,
		    "tokens_user_ok: active, same hash: 1");
		jwt_claims_free(&c);
	}
	is_int(verify(access1, "refresh", &c), SVC_DENIED,
	    "access token as refresh: SVC_DENIED");
	is_int(verify(refresh1, "access", &c), SVC_DENIED,
	    "refresh token as access: SVC_DENIED");
	is_int(verify("not.a.token", "access", &c), SVC_DENIED,
	    "garbage: SVC_DENIED");

	if (is_int(verify(refresh1, "refresh", &c), SVC_OK,
	    "refresh token verifies as refresh")) {
		is_int(c.user_id, u->id, "refresh: user_id");
		ok(c.username == NULL, "refresh: no username");
		ok(c.exp - c.iat == cfg.refresh_ttl,
		    "refresh: exp - iat = refresh ttl");
		ok(c.jti != NULL && strlen(c.jti) == TOKENS_JTI_LEN,
		    "refresh: a 32-character jti");
		get_row(c.jti != NULL ? c.jti : "", &r);
		is_int(r.found, 1, "tokens_issue stored the refresh row");
		is_int(r.user_id, u->id, "row: user_id");
		is_int(r.issued_at, c.iat, "row: issued_at = iat");
		is_int(r.expires_at, c.exp, "row: expires_at = exp");
		is_int(strlen(r.family), TOKENS_JTI_LEN, "row: a family");
		ok(!r.used && !r.revoked, "row: neither used nor revoked");
		jwt_claims_free(&c);
	}
}

static void
test_user_ok(const struct user *u)
{
	struct jwt_claims c;
	struct user v;
	char payload[512], jti[33];
	long long now = (long long)time(NULL);

	if (verify(access1, "access", &c) != SVC_OK) {
		ok(0, "access token for the tokens_user_ok cases");
		return;
	}
	v = *u;
	v.is_active = 0;
	is_int(tokens_user_ok(&tok, &c, &v), 0, "tokens_user_ok: inactive: 0");
	v = *u;
	v.password[strlen(v.password) - 2] ^= 1;
	is_int(tokens_user_ok(&tok, &c, &v), 0,
	    "tokens_user_ok: changed hash: 0");
	v = *u;
	strcpy(v.password, "!unusable");
	is_int(tokens_user_ok(&tok, &c, &v), 0,
	    "tokens_user_ok: hash set unusable: 0");
	v = *u;
	v.id = u->id + 1;
	is_int(tokens_user_ok(&tok, &c, &v), 0,
	    "tokens_user_ok: another user id: 0");
	jwt_claims_free(&c);

	/* Minted elsewhere with our secret: no fingerprint. */
	random_jti(jti);
	snprintf(payload, sizeof(payload), "{\"token_type\":\"access\","
	    "\"exp\":%lld,\"iat\":%lld,\"jti\":\"%s\",\"user_id\":%lld,"
	    "\"username\":\"x\"}", now + 60, now, jti, u->id);
	is_int(sign_own(payload, own), SVC_OK, "jwt_sign without fp: OK");
	if (is_int(verify(own, "access", &c), SVC_OK,
	    "a token without fp verifies")) {
		ok(c.fp == NULL, "no fp claim");
		is_int(tokens_user_ok(&tok, &c, u), 1,
		    "tokens_user_ok: no fingerprint, active: 1");
		v = *u;
		v.is_active = 0;
		is_int(tokens_user_ok(&tok, &c, &v), 0,
		    "tokens_user_ok: no fingerprint, inactive: 0");
		jwt_claims_free(&c);
	}

	/* Expired, and not yet valid. */
	snprintf(payload, sizeof(payload), "{\"token_type\":\"access\","
	    "\"exp\":%lld,\"iat\":%lld,\"jti\":\"%s\",\"user_id\":%lld}",
	    now - 10, now - 70, jti, u->id);
	is_int(sign_own(payload, own), SVC_OK, "jwt_sign expired: OK");
	is_int(verify(own, "access", &c), SVC_DENIED,
	    "tokens_verify: an expired token: SVC_DENIED");
	snprintf(payload, sizeof(payload), "{\"token_type\":\"access\","
	    "\"exp\":%lld,\"iat\":%lld,\"jti\":\"%s\",\"user_id\":%lld}",
	    now + 3600, now + 600, jti, u->id);
	is_int(sign_own(payload, own), SVC_OK, "jwt_sign future iat: OK");
	is_int(verify(own, "access", &c), SVC_DENIED,
	    "tokens_verify: iat in the future: SVC_DENIED");

	/* A fingerprint of the wrong length or value. */
	snprintf(payload, sizeof(payload), "{\"token_type\":\"access\","
	    "\"exp\":%lld,\"iat\":%lld,\"jti\":\"%s\",\"user_id\":%lld,"
	    "\"fp\":\"abc\"}", now + 60, now, jti, u->id);
	if (sign_own(payload, own) == SVC_OK &&
	    verify(own, "access", &c) == SVC_OK) {
		is_int(tokens_user_ok(&tok, &c, u), 0,
		    "tokens_user_ok: short fingerprint: 0");
		jwt_claims_free(&c);
	} else
		ok(0, "a token with a short fp verifies");
	snprintf(payload, sizeof(payload), "{\"token_type\":\"access\","
	    "\"exp\":%lld,\"iat\":%lld,\"jti\":\"%s\",\"user_id\":%lld,"
	    "\"fp\":\"AAAAAAAAAAA\"}", now + 60, now, jti, u->id);
	if (sign_own(payload, own) == SVC_OK &&
	    verify(own, "access", &c) == SVC_OK) {
		is_int(tokens_user_ok(&tok, &c, u), 0,
		    "tokens_user_ok: wrong fingerprint: 0");
		jwt_claims_free(&c);
	} else
		ok(0, "a token with a wrong fp verifies");
}

static void
test_rotate_chain(const struct user *u)
{
	struct tokens_pair pair, pair2;
	struct jwt_claims c1, c2, cx;
	struct row r1, r2;
	long long total = 0, live = 0;
	char a[JWT_MAX + 1];

	is_int(tokens_issue(&tok, u, &pair), SVC_OK, "issue for rotation: OK");
	parse_pair(&pair, a, refresh1);
	if (verify(refresh1, "refresh", &c1) != SVC_OK) {
		ok(0, "refresh token for the rotation cases");
		return;
	}
	get_row(c1.jti, &r1);

	is_int(tokens_rotate(&tok, &c1, u, &pair), SVC_OK,
	    "tokens_rotate: first use OK");
	is_int(parse_pair(&pair, access2, refresh2), 4,
	    "tokens_rotate: a JSON pair with the four fields");
	ok(strcmp(refresh2, refresh1) != 0, "tokens_rotate: a new token");
	if (is_int(verify(refresh2, "refresh", &c2), SVC_OK,
	    "the new refresh token verifies")) {
		ok(strcmp(c2.jti, c1.jti) != 0, "the new token has a new jti");
		get_row(c2.jti, &r2);
		is_int(r2.found, 1, "the new token has a row");
		ok(strcmp(r2.family, r1.family) == 0,
		    "the new row is of the same family");
		is_int(r2.user_id, u->id, "the new row has the same user");
		ok(!r2.used && !r2.revoked, "the new row is fresh");
	} else
		memset(&c2, 0, sizeof(c2));
	get_row(c1.jti, &r1);
	ok(r1.used && !r1.revoked, "the spent row is used, not revoked");
	if (verify(access2, "access", &cx) == SVC_OK) {
		is_int(tokens_user_ok(&tok, &cx, u), 1,
		    "the new access token holds for the user");
		jwt_claims_free(&cx);
	} else
		ok(0, "the new access token verifies");

	/* Reuse: the same claims again. */
	is_int(tokens_rotate(&tok, &c1, u, &pair2), SVC_DENIED,
	    "tokens_rotate: second use SVC_DENIED");
	family_count(r1.family, &total, &live);
	is_int(total, 2, "the family has two rows");
	is_int(live, 0, "reuse revoked every row of the family");
	if (c2.jti != NULL) {
		is_int(tokens_rotate(&tok, &c2, u, &pair2), SVC_DENIED,
		    "the newer token of a revoked family: SVC_DENIED");
		family_count(r1.family, &total, &live);
		is_int(total, 2, "and it added no row");
	}
	jwt_claims_free(&c1);
	jwt_claims_free(&c2);
}

/*
 * refresh_reuse_grace: a spent token presented again within the grace
 * is refused without revoking its family; past it, the family goes.
 */
static void
test_reuse_grace(const struct user *u)
{
	struct tokens_pair pair, pair2;
	struct jwt_claims c1, c2;
	struct row r1;
	long long total = 0, live = 0;
	char a[JWT_MAX + 1], r[JWT_MAX + 1], r2[JWT_MAX + 1];

	cfg.refresh_reuse_grace = 60;
	if (tokens_issue(&tok, u, &pair) != SVC_OK ||
	    parse_pair(&pair, a, r) != 4 ||
	    verify(r, "refresh", &c1) != SVC_OK) {
		ok(0, "grace: a refresh token");
		cfg.refresh_reuse_grace = 0;
		return;
	}
	get_row(c1.jti, &r1);
	is_int(tokens_rotate(&tok, &c1, u, &pair), SVC_OK,
	    "grace: first use OK");
	parse_pair(&pair, a, r2);
	is_int(tokens_rotate(&tok, &c1, u, &pair2), SVC_DENIED,
	    "grace: second use within the grace SVC_DENIED");
	family_count(r1.family, &total, &live);
	is_int(live, 2, "grace: the family is not revoked (no row revoked)");
	if (is_int(verify(r2, "refresh", &c2), SVC_OK,
	    "grace: the winner's new token verifies")) {
		is_int(tokens_rotate(&tok, &c2, u, &pair2), SVC_OK,
		    "grace: the winner's new token still rotates");
		jwt_claims_free(&c2);
	}
	/* The same spent token once its grace has passed: revoked. */
	set_ll(s_used, (long long)time(NULL) - 61, c1.jti);
	is_int(tokens_rotate(&tok, &c1, u, &pair2), SVC_DENIED,
	    "grace: reuse after the grace SVC_DENIED");
	family_count(r1.family, &total, &live);
	is_int(live, 0, "grace: after it, reuse revokes the family");
	cfg.refresh_reuse_grace = 0;
	jwt_claims_free(&c1);
}

static void
test_rotate_refused(const struct user *u, const struct user *other)
{
	struct tokens_pair pair;
	struct jwt_claims c;
	struct row row;
	char payload[512], jti[33], a[JWT_MAX + 1], r[JWT_MAX + 1];
	long long now = (long long)time(NULL), total, live;

	/* Signed with our key, but never issued. */
	random_jti(jti);
	snprintf(payload, sizeof(payload), "{\"token_type\":\"refresh\","
	    "\"exp\":%lld,\"iat\":%lld,\"jti\":\"%s\",\"user_id\":%lld}",
	    now + 60, now, jti, u->id);
	if (sign_own(payload, own) == SVC_OK &&
	    verify(own, "refresh", &c) == SVC_OK) {
		is_int(tokens_rotate(&tok, &c, u, &pair), SVC_DENIED,
		    "a jti never issued: SVC_DENIED");
		get_row(jti, &row);
		is_int(row.found, 0, "and no row was made for it");
		jwt_claims_free(&c);
	} else
		ok(0, "a never-issued token verifies");

	/* No jti, or one of another length. */
	snprintf(payload, sizeof(payload), "{\"token_type\":\"refresh\","
	    "\"exp\":%lld,\"iat\":%lld,\"user_id\":%lld}", now + 60, now,
	    u->id);
	if (sign_own(payload, own) == SVC_OK &&
	    verify(own, "refresh", &c) == SVC_OK) {
		is_int(tokens_rotate(&tok, &c, u, &pair), SVC_DENIED,
		    "no jti: SVC_DENIED");
		jwt_claims_free(&c);
	} else
		ok(0, "a token without jti verifies");
	snprintf(payload, sizeof(payload), "{\"token_type\":\"refresh\","
	    "\"exp\":%lld,\"iat\":%lld,\"jti\":\"abc\",\"user_id\":%lld}",
	    now + 60, now, u->id);
	if (sign_own(payload, own) == SVC_OK &&
	    verify(own, "refresh", &c) == SVC_OK) {
		is_int(tokens_rotate(&tok, &c, u, &pair), SVC_DENIED,
		    "a short jti: SVC_DENIED");
		jwt_claims_free(&c);
	} else
		ok(0, "a token with a short jti verifies");

	/* An expired row: refused, and the family is not revoked. */
	is_int(tokens_issue(&tok, u, &pair), SVC_OK, "issue (expiry): OK");
	parse_pair(&pair, a, r);
	if (verify(r, "refresh", &c) == SVC_OK) {
		is_int(set_ll(s_expire, now - 10, c.jti), SVC_OK,
		    "the row's expires_at set to the past");
		is_int(tokens_rotate(&tok, &c, u, &pair), SVC_DENIED,
		    "an expired row: SVC_DENIED");
		get_row(c.jti, &row);
		ok(row.found && !row.used && !row.revoked,
		    "an expired row stays unused and unrevoked");
		family_count(row.family, &total, &live);
		is_int(total, 1, "an expired row: no new row in its family");
		jwt_claims_free(&c);
	} else
		ok(0, "the token for the expiry case verifies");

	/* A row of u presented with another user's id. */
	is_int(tokens_issue(&tok, u, &pair), SVC_OK, "issue (owner): OK");
	parse_pair(&pair, a, r);
	if (verify(r, "refresh", &c) == SVC_OK) {
		snprintf(payload, sizeof(payload), "{\"token_type\":"
		    "\"refresh\",\"exp\":%lld,\"iat\":%lld,\"jti\":\"%s\","
		    "\"user_id\":%lld}", now + 60, now, c.jti, other->id);
		jwt_claims_free(&c);
	} else {
		ok(0, "the token for the owner case verifies");
		return;
	}
	if (sign_own(payload, own) == SVC_OK &&
	    verify(own, "refresh", &c) == SVC_OK) {
		is_int(tokens_rotate(&tok, &c, other, &pair), SVC_DENIED,
		    "our jti with another user_id (never issued, API.md): "
		    "SVC_DENIED");
		get_row(c.jti, &row);
		ok(row.found && !row.used && !row.revoked,
		    "the rightful row stays unused");
		jwt_claims_free(&c);
	} else
		ok(0, "the forged-owner token verifies");

	/* A row already revoked (logout) but not used: refused. */
	is_int(tokens_issue(&tok, u, &pair), SVC_OK, "issue (used): OK");
	parse_pair(&pair, a, r);
	if (verify(r, "refresh", &c) == SVC_OK) {
		is_int(set_ll(s_used, now - 1, c.jti), SVC_OK,
		    "the row marked used by hand");
		is_int(tokens_rotate(&tok, &c, u, &pair), SVC_DENIED,
		    "a used row: SVC_DENIED");
		get_row(c.jti, &row);
		ok(row.found && row.revoked,
		    "a used row presented again is revoked");
		jwt_claims_free(&c);
	} else
		ok(0, "the token for the used case verifies");
}

static void
cleanup(const struct user *u, const struct user *other)
{
	MYSQL_BIND p[1];
	unsigned long llen = strlen(like);
	long long id;
	unsigned long long n = 0;

	id = u->id;
	db_bind_ll(&p[0], &id);
	is_int(db_exec(db, s_del_rt, p, NULL, NULL, NULL), SVC_OK,
	    "cleanup: refresh rows of the first user");
	id = other->id;
	db_bind_ll(&p[0], &id);
	is_int(db_exec(db, s_del_rt, p, NULL, NULL, NULL), SVC_OK,
	    "cleanup: refresh rows of the second user");
	db_bind_str(&p[0], like, &llen);
	is_int(db_exec(db, s_del, p, NULL, NULL, &n), SVC_OK,
	    "cleanup: our users");
	is_int(n, 2, "cleanup: two users deleted");
}

/* ---- key sets (issue 15) ---------------------------------------- */

/* The access token of a pair's body into out (JWT_MAX + 1); 0 or -1. */
static int
access_of(const struct tokens_pair *pair, char *out)
{
	const char *p = strstr(pair->body, "\"access_token\": \""), *e;

	if (p == NULL || (e = strchr(p += 17, '"')) == NULL ||
	    (size_t)(e - p) > JWT_MAX)
		return -1;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return 0;
}

/* tokens of c2 on a database handle of its own; 0 or -1. */
static int
keyed(struct tokens *t, struct db **d, const struct cfg *c2)
{
	*d = NULL;
	memset(t, 0, sizeof(*t));
	if (db_new(d, c2) != SVC_OK || tokens_init(t, c2, *d) != SVC_OK)
		return -1;
	return db_connect(*d) == SVC_OK ? 0 : -1;
}

/* The fp claim of an access token, verified by t, into out (12). */
static int
fp_of(struct tokens *t, const char *acc, char *out)
{
	struct jwt_claims c;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	if (tokens_verify(t, acc, strlen(acc), "access", &c) == SVC_OK &&
	    c.fp != NULL && strlen(c.fp) == TOKENS_FP_LEN) {
		memcpy(out, c.fp, TOKENS_FP_LEN + 1);
		rc = 0;
	}
	jwt_claims_free(&c);
	return rc;
}

/*
 * ES256 signs; the password fingerprint stays keyed by secret_file, so
 * that it is the one an HS256 config makes and survives key rotation.
 */
static void
test_es256(const struct user *u)
{
	static char acc[JWT_MAX + 1], acc0[JWT_MAX + 1];
	struct tokens_pair pair;
	struct tokens t2, t3;
	struct jwt_claims c;
	struct cfg c2 = cfg;
	struct db *d2 = NULL;
	struct user v;
	char *pem = NULL, *ed = NULL, fp[16], fp0[16];
	size_t n, m;

	memset(&t3, 0, sizeof(t3));
	if (!ok(jwt_keygen(JWT_ES256, &pem, &n) == SVC_OK &&
	    jwt_keygen(JWT_EDDSA, &ed, &m) == SVC_OK, "keygen ES256, EdDSA"))
		return;
	c2.jwt_algorithm = (char *)"ES256";
	c2.private_key.file = (char *)"es.pem";
	c2.private_key.data = pem;
	c2.private_key.len = n;
	ok(keyed(&t2, &d2, &c2) == 0 && t2.fpkey != NULL,
	    "ES256: tokens_init with a fingerprint key");
	ok(tokens_issue(&t2, u, &pair) == SVC_OK && access_of(&pair, acc) == 0,
	    "ES256: tokens_issue");
	memset(&c, 0, sizeof(c));
	ok(tokens_verify(&t2, acc, strlen(acc), "access", &c) == SVC_OK &&
	    c.key == t2.key && strncmp(acc, "eyJhbGciOiJFUzI1NiIs", 20) == 0,
	    "ES256: its access token verifies, header alg ES256");
	is_int(tokens_user_ok(&t2, &c, u), 1, "ES256: tokens_user_ok: 1");
	v = *u;
	v.password[strlen(v.password) - 2] ^= 1;
	is_int(tokens_user_ok(&t2, &c, &v), 0,
	    "ES256: changed hash ends the token");
	jwt_claims_free(&c);
	ok(tokens_issue(&tok, u, &pair) == SVC_OK && access_of(&pair, acc0) ==
	    0 && fp_of(&tok, acc0, fp0) == 0 && fp_of(&t2, acc, fp) == 0 &&
	    strcmp(fp, fp0) == 0,
	    "ES256: the fingerprint is secret_file's, as with HS256");
	ok(tokens_verify(&tok, acc, strlen(acc), "access", &c) == SVC_DENIED,
	    "ES256 token refused by the HS256 config");
	jwt_claims_free(&c);

	c2.private_key.data = ed;
	c2.private_key.len = m;
	is_int(tokens_init(&t3, &c2, d2), SVC_BADINPUT,
	    "ES256 with an Ed25519 key: refused at start");
	ok(strstr(t3.err, "es.pem: not a ES256 private key") != NULL,
	    "ES256 with an Ed25519 key: one line naming the file: %s", t3.err);
	tokens_free(&t3);
	tokens_free(&t2);
	db_free(d2);
	OPENSSL_cleanse(pem, n);
	free(pem);
	OPENSSL_cleanse(ed, m);
	free(ed);
}

/*
 * HS256 rotation: a new secret signs, the old one only verifies; its
 * tokens keep their fingerprints (checked under the key that verified
 * them), and the old config does not know the new secret's kid.
 */
static void
test_hs_rotation(const struct user *u)
{
	static const char fresh[] = "a-new-secret-a-new-secret-0123456789";
	static char acc[JWT_MAX + 1], acc2[JWT_MAX + 1];
	struct tokens_pair pair;
	struct tokens t2;
	struct jwt_claims c;
	struct cfg c2 = cfg;
	struct db *d2 = NULL;

	c2.secret = (unsigned char *)fresh;
	c2.secret_len = sizeof(fresh) - 1;
	c2.verify_secrets[0].file = (char *)"old.key";
	c2.verify_secrets[0].data = (char *)cfg.secret;
	c2.verify_secrets[0].len = cfg.secret_len;
	c2.nverify_secrets = 1;
	ok(keyed(&t2, &d2, &c2) == 0, "HS256 rotation: tokens_init");
	ok(tokens_issue(&tok, u, &pair) == SVC_OK && access_of(&pair, acc) == 0,
	    "HS256 rotation: a token of the old secret");
	memset(&c, 0, sizeof(c));
	ok(tokens_verify(&t2, acc, strlen(acc), "access", &c) == SVC_OK &&
	    c.key != t2.key, "HS256 rotation: verified by the old secret");
	is_int(tokens_user_ok(&t2, &c, u), 1,
	    "HS256 rotation: its fingerprint still holds");
	jwt_claims_free(&c);
	ok(tokens_issue(&t2, u, &pair) == SVC_OK &&
	    access_of(&pair, acc2) == 0 && tokens_verify(&t2, acc2,
	    strlen(acc2), "access", &c) == SVC_OK &&
	    tokens_user_ok(&t2, &c, u) == 1,
	    "HS256 rotation: the new secret signs, fingerprint holds");
	jwt_claims_free(&c);
	ok(tokens_verify(&tok, acc2, strlen(acc2), "access", &c) ==
	    SVC_DENIED, "HS256 rotation: the old config refuses the new kid");
	jwt_claims_free(&c);
	tokens_free(&t2);
	db_free(d2);
}

int
main(void)
{
	struct user u, other;

	log_init("test-tokens");
	dbtest_config(&cfg);
	snprintf(prefix, sizeof(prefix), "unit-%ld-tok-", (long)getpid());
	snprintf(like, sizeof(like), "%s%%", prefix);

	if (db_new(&db, &cfg) != SVC_OK) {
		ok(0, "db_new");
		cfg_free(&cfg);
		return tap_done();
	}
	is_int(users_init(&users, db, cfg.users_table), SVC_OK, "users_init");
	is_int(tokens_init(&tok, &cfg, db), SVC_OK, "tokens_init: OK");
	ok(tok.key != NULL, "tokens_init: a key");
	add_stmts();
	if (!is_int(db_connect(db), SVC_OK, "db_connect to the configured "
	    "database (is the stack up?)")) {
		tokens_free(&tok);
		db_free(db);
		cfg_free(&cfg);
		return tap_done();
	}
	if (!ok(make_user("a", 1, &u) == 0 && make_user("b", 1, &other) == 0,
	    "two fresh users")) {
		tokens_free(&tok);
		db_free(db);
		cfg_free(&cfg);
		return tap_done();
	}

	test_issue(&u);
	test_user_ok(&u);
	test_rotate_chain(&u);
	test_reuse_grace(&u);
	test_rotate_refused(&u, &other);
	test_es256(&u);
	test_hs_rotation(&u);

	cleanup(&u, &other);
	users_clear(&u);
	users_clear(&other);
	tokens_free(&tok);
	tokens_free(&tok);	/* twice is safe */
	db_free(db);
	cfg_free(&cfg);
	return tap_done();
}
