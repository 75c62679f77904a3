/*
 * tokens.h: the access and refresh tokens of the contract, and the
 * refresh-token rows that make a refresh token good once (RFC 9700
 * 4.14.2: rotation with reuse detection).
 */
#ifndef TOKENS_H
#define TOKENS_H

#include <stddef.h>

#include "jwt.h"
#include "svc.h"

struct cfg;
struct db;
struct user;

#define TOKENS_JTI_LEN	32	/* 128 random bits, hex */
#define TOKENS_FP_LEN	11	/* 64 bits of HMAC, base64url */

struct tokens {
	const struct cfg *cfg;
	struct db	*db;
	struct jwt_key	*key;		/* the set: signs, then verify-only */
	struct jwt_key	*fpkey;		/* RS256, ES256, EdDSA: secret_file */
	char		 err[256];	/* tokens_init's one-line reason */
	int		 insert;	/* a new family's first token */
	int		 insert_next;	/* the next token of a family */
	int		 use;		/* mark used, only if usable */
	int		 family_used;	/* the family of a spent token */
	int		 revoke_family;	/* reuse: revoke the whole family */
	int		 family_of;	/* the family of any token (logout) */
	int		 purge;		/* delete rows past their use */
	unsigned	 rotations;	/* in this process: paces the purge */
};

/* A token pair as the response body of login and refresh. */
struct tokens_pair {
	size_t		 len;
	char		 body[2 * JWT_MAX + 256];
};

/*
 * Makes the key set from cfg (the signing key, then verify_key_files
 * and verify_secret_files, each kid once) and registers the statements
 * on db.  A key that does not fit the algorithm, or cannot sign, is
 * SVC_BADINPUT with t->err naming the file.  Free with tokens_free.
 */
enum svc_err	 tokens_init(struct tokens *t, const struct cfg *cfg,
		    struct db *db);
void		 tokens_free(struct tokens *t);

/*
 * Verifies an access (or refresh) token and fills claims (the caller
 * calls jwt_claims_free on SVC_OK).  SVC_DENIED for any refusal.
 */
enum svc_err	 tokens_verify(struct tokens *t, const char *tok, size_t len,
		    const char *token_type, struct jwt_claims *claims);

/*
 * tokens_verify for logout: a refresh token whose exp has passed is
 * still accepted here, so that logging out twice or late is no error.
 */
enum svc_err	 tokens_verify_logout(struct tokens *t, const char *tok,
		    size_t len, struct jwt_claims *claims);

/*
 * Whether claims still hold for u as just read from the database: the
 * user is active and, when the token carries a password fingerprint,
 * it matches u's current hash (a password change ends every token).
 */
int		 tokens_user_ok(struct tokens *t, const struct jwt_claims *c,
		    const struct user *u);

/*
 * A new family for u (login): signs both tokens and stores the refresh
 * row.  SVC_DB when the row cannot be stored.
 */
enum svc_err	 tokens_issue(struct tokens *t, const struct user *u,
		    struct tokens_pair *out);

/*
 * Spends the refresh token of claims and issues the next pair of its
 * family, in one transaction.  SVC_DENIED when the token is unknown,
 * used, revoked or expired; a used one also revokes its family.
 */
enum svc_err	 tokens_rotate(struct tokens *t, const struct jwt_claims *c,
		    const struct user *u, struct tokens_pair *out);

/*
 * Logout: revokes the family of the refresh token of claims.  A token
 * that we never stored, or whose family is already revoked, is not an
 * error (logout is idempotent).
 */
enum svc_err	 tokens_revoke(struct tokens *t, const struct jwt_claims *c);

/*
 * Deletes at most limit rows whose token has expired (beyond the
 * leeway).  Used and revoked rows stay until then, so that a replay is
 * still recognised as reuse; after it, verification refuses the token
 * anyway.  *n gets the count deleted.
 */
enum svc_err	 tokens_purge(struct tokens *t, unsigned limit,
		    unsigned long long *n);

#endif /* TOKENS_H */
