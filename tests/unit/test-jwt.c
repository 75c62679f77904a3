/*
 * test-jwt.c: signing and the refusals of jwt_verify, one named case
 * each, on a fixed clock.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "app.h"
#include "b64.h"
#include "jwt.h"
#include "tap.h"

#define SECRET		"jwtauth-test-secret-0123456789abcdef"
#define OTHER		"other-secret-other-secret-other!"
#define NOW		1700000100LL
#define FAR		"4102444800"	/* 2100-01-01 */

#define HDR		"{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
#define UID		"\"user_id\":42"
#define EXP		"\"exp\":" FAR
#define GOOD		"{" UID "," EXP "}"

/*
 * Made by PyJWT 2.6 with SECRET:
 * jwt.encode({"token_type":"access","user_id":42,"username":"alice",
 *   "iat":1700000000,"exp":4102444800,"jti":"0123...cdef"}, SECRET)
 */
#define PY_ACCESS_PAYLOAD \
	"{\"token_type\":\"access\",\"user_id\":42,\"username\":\"alice\"," \
	"\"iat\":1700000000,\"exp\":4102444800," \
	"\"jti\":\"0123456789abcdef0123456789abcdef\"}"
static const char py_access[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwidXNlcl9pZCI6NDIsInVzZXJuYW1lIjoiYWxp"
    "Y2UiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6NDEwMjQ0NDgwMCwianRpIjoiMDEyMzQ1"
    "Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYifQ."
    "TsE8wBc_cMkqmf_9FmBJSBA4_mvDnyQCKBTfMC0OSP0";
/*
 * The same with headers={"kid": KID}: KID is base64url of the first 12
 * bytes of HMAC-SHA256(SECRET, "jwtauth-kid"), computed in Python.
 */
#define KID		"SXg1q6wlgRqpdct1"
static const char py_access_kid[] =
    "eyJhbGciOiJIUzI1NiIsImtpZCI6IlNYZzFxNndsZ1JxcGRjdDEiLCJ0eXAiOiJKV1Qi"
    "fQ."
    "eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwidXNlcl9pZCI6NDIsInVzZXJuYW1lIjoiYWxp"
    "Y2UiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6NDEwMjQ0NDgwMCwianRpIjoiMDEyMzQ1"
    "Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYifQ."
    "lrQ4yQUXJTy32SdKe4HO9jQQcbJEwfrF6GKbHp5kIJM";
/* {"token_type":"refresh","user_id":"42",...}, as SimpleJWT writes it. */
static const char py_refresh_str_uid[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJ0b2tlbl90eXBlIjoicmVmcmVzaCIsInVzZXJfaWQiOiI0MiIsImlhdCI6MTcwMDAw"
    "MDAwMCwiZXhwIjo0MTAyNDQ0ODAwLCJqdGkiOiJmZWRjYmE5ODc2NTQzMjEwZmVkY2Jh"
    "OTg3NjU0MzIxMCJ9."
    "u0yr8R9_FTUSylhrxRIZslMDzhQ6YV1GqhAXU8QvHvA";
/* HS512, {"token_type":"access","user_id":7,"iat":...,"exp":...} */
static const char py_hs512[] =
    "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9."
    "eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwidXNlcl9pZCI6NywiaWF0IjoxNzAwMDAwMDAw"
    "LCJleHAiOjQxMDI0NDQ4MDB9."
    "afQrgTFw_2sfA3qbX94eGUiQjrslH1ZsNSnNaP7t3CKzUX-MWX1GHwLo6g2nIl5BRrKe"
    "T2jRa61xE3NIQYn18A";
/* {"user_id":42,"exp":...,"iss":"https://auth.example","aud":["web","api"]} */
static const char py_iss_aud[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJ1c2VyX2lkIjo0MiwiZXhwIjo0MTAyNDQ0ODAwLCJpc3MiOiJodHRwczovL2F1dGgu"
    "ZXhhbXBsZSIsImF1ZCI6WyJ3ZWIiLCJhcGkiXX0."
    "V6iseII-vTkkJhsnDCaQmRfe9gJEmPlsxWknJH3vw5U";
/* Signed by PyJWT with OTHER, header {"alg":"HS256","kid":"/dev/null",...} */
static const char py_foreign_kid[] =
    "eyJhbGciOiJIUzI1NiIsImtpZCI6Ii9kZXYvbnVsbCIsInR5cCI6IkpXVCJ9."
    "eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwidXNlcl9pZCI6NywiaWF0IjoxNzAwMDAwMDAw"
    "LCJleHAiOjQxMDI0NDQ4MDB9."
    "_-MYPX29i3x0r1WvszZzJOmkI57z6b6wKBKnG68yqO4";

static struct jwt_key	*key;		/* HS256, SECRET */
static struct jwt_key	*other;		/* HS256, OTHER: an attacker's */
static struct jwt_key	*key384;	/* HS384, SECRET */
static struct jwt_key	*key512;	/* HS512, SECRET */

static const struct jwt_rules r0 = { NOW, 0, NULL, NULL, NULL, 0 };
static const struct jwt_rules rexp = { NOW, 0, NULL, NULL, NULL, 1 };
static const struct jwt_rules rlee = { NOW, 10, NULL, NULL, NULL, 0 };
static const struct jwt_rules racc = { NOW, 0, "access", NULL, NULL, 0 };
static const struct jwt_rules rref = { NOW, 0, "refresh", NULL, NULL, 0 };
static const struct jwt_rules riss = { NOW, 0, NULL, "https://auth.example",
    NULL, 0 };
static const struct jwt_rules raud = { NOW, 0, NULL, NULL, "api", 0 };

static char	 tok[3 * JWT_MAX];

/*
 * Every case runs twice: through jwt_verify, then through
 * jwt_verify_claims (the fast path without a json-c tree), which must
 * accept and refuse exactly the same tokens for the same reasons.
 */
static enum svc_err	(*verify)(struct jwt_key *, const char *, size_t,
			    const struct jwt_rules *, struct jwt_claims *,
			    const char **) = jwt_verify;
static int		 fast;

enum signer {
	S_KEY,		/* the verifying key */
	S_OTHER,	/* another key */
	S_NONE,		/* empty signature */
	S_JUNK,		/* 32 bytes of 'A' */
};

/*
 * b64(hdr) "." b64(pl) "." signature into tok, whatever the content:
 * the tests need correctly signed garbage.  Returns the length.
 */
static size_t
mkn(enum signer how, const char *hdr, size_t hn, const char *pl, size_t pn)
{
	unsigned char	 mac[64];
	size_t		 o, n;

	o = b64_encode((const unsigned char *)hdr, hn, tok);
	tok[o++] = '.';
	o += b64_encode((const unsigned char *)pl, pn, tok + o);
	switch (how) {
	case S_KEY:
	case S_OTHER:
		if (jwt_hmac(how == S_KEY ? key : other, tok, o, mac,
		    sizeof(mac), &n) != SVC_OK)
			abort();
		break;
	case S_NONE:
		n = 0;
		break;
	case S_JUNK:
		memset(mac, 'A', 32);
		n = 32;
		break;
	}
	tok[o++] = '.';
	o += b64_encode(mac, n, tok + o);
	return o;
}

static size_t
mk(enum signer how, const char *hdr, const char *pl)
{
	return mkn(how, hdr, strlen(hdr), pl, strlen(pl));
}

/* Verifies tok[0..len) with k; ok when it is refused for why. */
static void
refuse_k(struct jwt_key *k, size_t len, const struct jwt_rules *r,
    const char *want, const char *name)
{
	struct jwt_claims	 c;
	const char		*why = NULL;
	enum svc_err		 rc;

	memset(&c, 0xa5, sizeof(c));
	rc = verify(k, tok, len, r, &c, &why);
	ok(rc == SVC_DENIED && why != NULL && c.payload == NULL &&
	    (want == NULL || strcmp(why, want) == 0),
	    "%s: refused (rc %d, why \"%s\")", name, rc,
	    why == NULL ? "(null)" : why);
	if (rc == SVC_OK)
		jwt_claims_free(&c);
}

static void
refuse(size_t len, const struct jwt_rules *r, const char *want,
    const char *name)
{
	refuse_k(key, len, r, want, name);
}

/* Verifies tok; ok when accepted with user_id uid.  Frees the claims. */
static void
admit_k(struct jwt_key *k, size_t len, const struct jwt_rules *r,
    long long uid, const char *name)
{
	struct jwt_claims	 c;
	const char		*why = NULL;
	enum svc_err		 rc;

	rc = verify(k, tok, len, r, &c, &why);
	ok(rc == SVC_OK && c.user_id == uid &&
	    (fast || (c.payload != NULL && c.via == JWT_VIA_TREE)) &&
	    (c.payload == NULL) == (c.via == JWT_VIA_FAST),
	    "%s: accepted (rc %d, why \"%s\", user_id %lld)", name, rc,
	    why == NULL ? "(null)" : why, rc == SVC_OK ? c.user_id : 0);
	if (rc == SVC_OK)
		jwt_claims_free(&c);
}

static void
admit(size_t len, const struct jwt_rules *r, long long uid, const char *name)
{
	admit_k(key, len, r, uid, name);
}

/* Copies a constant token into tok. */
static size_t
use(const char *s)
{
	size_t	 n = strlen(s);

	memcpy(tok, s, n + 1);
	return n;
}

/* ---------------------------------------------------------------- */

static void
test_alg_and_keys(void)
{
	static const char *const badnames[] = {
		"none", "None", "NONE", "hs256", "HS256 ", " HS256", "HS",
		"HS2560", "rs256", "ES512", "EDDSA", "Ed25519", "PS256", "",
	};
	struct jwt_key	*k = (struct jwt_key *)1;
	enum jwt_alg	 alg;
	size_t		 i;
	int		 good;

	ok(jwt_alg_parse("HS256", &alg) == SVC_OK && alg == JWT_HS256,
	    "alg_parse HS256");
	ok(jwt_alg_parse("HS384", &alg) == SVC_OK && alg == JWT_HS384,
	    "alg_parse HS384");
	ok(jwt_alg_parse("HS512", &alg) == SVC_OK && alg == JWT_HS512,
	    "alg_parse HS512");
	ok(jwt_alg_parse("RS256", &alg) == SVC_OK && alg == JWT_RS256,
	    "alg_parse RS256");
	ok(jwt_alg_parse("ES256", &alg) == SVC_OK && alg == JWT_ES256,
	    "alg_parse ES256");
	ok(jwt_alg_parse("EdDSA", &alg) == SVC_OK && alg == JWT_EDDSA,
	    "alg_parse EdDSA");
	for (i = 0; i < sizeof(badnames) / sizeof(badnames[0]); i++)
		ok(jwt_alg_parse(badnames[i], &alg) == SVC_BADINPUT,
		    "alg_parse refuses \"%s\"", badnames[i]);
	is_int(jwt_alg_parse(NULL, &alg), SVC_BADINPUT, "alg_parse NULL");

	good = 1;
	for (i = 0; i < JWT_ALG__MAX; i++)
		good = good && jwt_alg_parse(jwt_alg_name((enum jwt_alg)i),
		    &alg) == SVC_OK && alg == (enum jwt_alg)i;
	ok(good, "alg_name and alg_parse agree");
	ok(jwt_alg_name(JWT_ALG__MAX) == NULL, "alg_name out of range");

	is_int(jwt_key_new(&k, JWT_HS256, (const unsigned char *)"", 0),
	    SVC_BADINPUT, "key_new refuses an empty secret");
	ok(k == NULL, "key_new failure leaves the key NULL");
	is_int(jwt_key_new(&k, JWT_ALG__MAX, (const unsigned char *)"x", 1),
	    SVC_BADINPUT, "key_new refuses an unknown alg");
	/* key_free(NULL) is safe: a crash here fails the whole run. */
	jwt_key_free(NULL);
}

/* RFC 4231 section 4.3 (test case 2), and reuse of the keyed context. */
static void
test_hmac(void)
{
	static const unsigned char want[32] = {
		0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e,
		0x6a, 0x04, 0x24, 0x26, 0x08, 0x95, 0x75, 0xc7,
		0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83,
		0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43,
	};
	static const char data[] = "what do ya want for nothing?";
	struct jwt_key	*k = NULL;
	unsigned char	 out[64];
	size_t		 n = 0;
	int		 i, good = 1;

	if (jwt_key_new(&k, JWT_HS256, (const unsigned char *)"Jefe", 4) !=
	    SVC_OK)
		abort();
	for (i = 0; i < 3; i++)
		good = good && jwt_hmac(k, data, strlen(data), out,
		    sizeof(out), &n) == SVC_OK && n == 32 &&
		    memcmp(out, want, 32) == 0;
	ok(good, "hmac: RFC 4231 case 2, three times on one key");
	is_int(jwt_hmac(k, data, strlen(data), out, 31, &n), SVC_TOOBIG,
	    "hmac: output too small");
	jwt_key_free(k);
}

static void
test_sign(void)
{
	static const char	 fppl[] = "{\"fp\":\"abc\"," UID "," EXP "}";
	struct jwt_claims	 c;
	char			 out[1024];
	size_t			 n = 0, need;
	const char		*why = NULL;

	ok(jwt_sign(key, PY_ACCESS_PAYLOAD, strlen(PY_ACCESS_PAYLOAD), out,
	    sizeof(out), &n) == SVC_OK && n == strlen(py_access_kid) &&
	    strcmp(out, py_access_kid) == 0,
	    "sign: byte for byte the token PyJWT makes with our kid");
	ok(strcmp(jwt_key_kid(key), KID) == 0,
	    "kid of a secret: HMAC(secret, \"jwtauth-kid\"), 96 bits");

	n = 0;
	ok(jwt_sign(key, PY_ACCESS_PAYLOAD, strlen(PY_ACCESS_PAYLOAD), out,
	    sizeof(out), &n) == SVC_OK &&
	    verify(key, out, n, &racc, &c, &why) == SVC_OK &&
	    c.user_id == 42 && c.exp == 4102444800LL &&
	    c.iat == 1700000000LL && c.username != NULL &&
	    strcmp(c.username, "alice") == 0 && c.jti != NULL &&
	    strcmp(c.jti, "0123456789abcdef0123456789abcdef") == 0 &&
	    c.fp == NULL, "sign then verify: round trip with claims");
	jwt_claims_free(&c);
	ok(c.payload == NULL && c.user_id == 0, "claims_free zeroes");
	jwt_claims_free(&c);
	ok(c.payload == NULL && c.user_id == 0 && c.jti == NULL,
	    "claims_free twice is safe, still zero");

	need = strlen(py_access_kid) + 1;
	is_int(jwt_sign(key, PY_ACCESS_PAYLOAD, strlen(PY_ACCESS_PAYLOAD),
	    out, need - 1, &n), SVC_TOOBIG, "sign: no room for the NUL");
	is_int(jwt_sign(key, PY_ACCESS_PAYLOAD, strlen(PY_ACCESS_PAYLOAD),
	    out, need, &n), SVC_OK, "sign: exactly enough room");

	n = 0;
	ok(jwt_sign(key384, GOOD, strlen(GOOD), out, sizeof(out), &n) ==
	    SVC_OK && strncmp(out, "eyJhbGciOiJIUzM4NCIsImtpZCI6InpzTkxMSVox"
	    "NXFHdkVqYVQiLCJ0eXAiOiJKV1QifQ.", 71) == 0 &&
	    verify(key384, out, n, &r0, &c, &why) == SVC_OK,
	    "sign: HS384 round trip, header names HS384");
	jwt_claims_free(&c);
	ok(jwt_sign(key, fppl, strlen(fppl), out, sizeof(out), &n) == SVC_OK &&
	    verify(key, out, n, &r0, &c, &why) == SVC_OK &&
	    c.fp != NULL && strcmp(c.fp, "abc") == 0,
	    "fp claim handed back");
	jwt_claims_free(&c);
	is_int(verify(key512, out, n, &r0, &c, &why), SVC_DENIED,
	    "an HS256 token refused by an HS512 key");
}

/* Tokens PyJWT made: interoperability. */
static void
test_pyjwt(void)
{
	struct jwt_claims	 c;
	const char		*why;
	size_t			 n;

	admit(use(py_access), &racc, 42,
	    "PyJWT access token without kid, one key: accepted");
	admit(use(py_access_kid), &racc, 42, "PyJWT access token with our kid");
	admit(use(py_refresh_str_uid), &rref, 42,
	    "PyJWT refresh token, user_id \"42\"");
	admit_k(key512, use(py_hs512), &racc, 7, "PyJWT HS512 token");
	refuse(use(py_hs512), &racc, "alg is not the key's algorithm",
	    "PyJWT HS512 token with an HS256 key");
	refuse(use(py_access), &rref, "wrong token_type",
	    "PyJWT access token as a refresh token");

	n = use(py_iss_aud);
	ok(verify(key, tok, n, &riss, &c, &why) == SVC_DENIED &&
	    strcmp(why, "wrong aud") == 0,
	    "PyJWT token with aud, no audience configured: refused");
	{
		struct jwt_rules	 r = { NOW, 0, NULL,
		    "https://auth.example", "api", 0 };

		ok(verify(key, tok, n, &r, &c, &why) == SVC_OK,
		    "PyJWT token with iss and aud list: accepted");
		jwt_claims_free(&c);
		r.audience = "mobile";
		ok(verify(key, tok, n, &r, &c, &why) == SVC_DENIED &&
		    strcmp(why, "wrong aud") == 0,
		    "PyJWT aud list without our audience: refused");
		r.audience = "api";
		r.issuer = "https://auth.example/";
		ok(verify(key, tok, n, &r, &c, &why) == SVC_DENIED &&
		    strcmp(why, "wrong iss") == 0,
		    "PyJWT iss differs by a slash: refused");
	}
	refuse(use(py_foreign_kid), &r0, "unknown kid",
	    "PyJWT token, other key, kid /dev/null");
}

/* One line per case: header, payload, signer, rules, expected why. */
struct tcase {
	const char		*name;
	enum signer		 how;
	const char		*hdr;
	const char		*pl;
	const struct jwt_rules	*r;
	const char		*why;	/* NULL: accepted */
};

#define ALG	"alg is not the key's algorithm"
#define SIG	"bad signature"
#define SIGLEN	"signature has the wrong length"
#define HNOBJ	"header is not a JSON object"
#define PNOBJ	"payload is not a JSON object"
#define HJSON	"header is not valid JSON"
#define PJSON	"payload is not valid JSON"
#define HDUP	"duplicate member in header"
#define PDUP	"duplicate member in payload"
#define UIDBAD	"bad user_id"
#define KIDBAD	"unknown kid"
#define OFFER	"jwk, jku, x5u or x5c header"

static const struct tcase cases[] = {
	/* Positive. */
	{ "plain token", S_KEY, HDR, GOOD, &r0, NULL },
	{ "header members reordered", S_KEY,
	  "{\"typ\":\"JWT\",\"alg\":\"HS256\"}", GOOD, &r0, NULL },
	{ "header without typ", S_KEY, "{\"alg\":\"HS256\"}", GOOD, &r0, NULL },
	{ "header with whitespace", S_KEY, " { \"alg\" : \"HS256\" } ",
	  GOOD, &r0, NULL },
	{ "our kid, members reordered", S_KEY,
	  "{\"kid\":\"" KID "\",\"alg\":\"HS256\"}", GOOD, &r0, NULL },
	{ "unknown kid with our signature", S_KEY,
	  "{\"alg\":\"HS256\",\"kid\":\"k1\"}", GOOD, &r0, KIDBAD },
	{ "kid not a string", S_KEY,
	  "{\"alg\":\"HS256\",\"kid\":1}", GOOD, &r0, KIDBAD },
	{ "header U+0000 in a kid value (lib/json.h: valid)", S_KEY,
	  "{\"alg\":\"HS256\",\"kid\":\"" KID "\\u0000\"}", GOOD, &r0,
	  KIDBAD },
	{ "header alg \"HS256\\u0000\"", S_KEY,
	  "{\"alg\":\"HS256\\u0000\"}", GOOD, &r0, ALG },
	{ "typ other than JWT ignored", S_KEY,
	  "{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}", GOOD, &r0, NULL },
	{ "names differing in case are not duplicates", S_KEY, HDR,
	  "{" UID "," EXP ",\"a\":1,\"A\":2}", &r0, NULL },
	{ "one name in two objects is not a duplicate", S_KEY, HDR,
	  "{" UID "," EXP ",\"x\":{\"a\":1},\"y\":{\"a\":[{\"a\":1}]}}",
	  &r0, NULL },
	{ "escaped names that differ are not duplicates", S_KEY, HDR,
	  "{" UID "," EXP ",\"\\u0061\":1,\"\\u0062\":2}", &r0, NULL },
	{ "exp as a finite double", S_KEY, HDR,
	  "{" UID ",\"exp\":4102444800.5}", &r0, NULL },
	{ "exp one second ahead", S_KEY, HDR,
	  "{" UID ",\"exp\":1700000101}", &r0, NULL },
	{ "exp within leeway", S_KEY, HDR, "{" UID ",\"exp\":1700000091}",
	  &rlee, NULL },
	{ "nbf now", S_KEY, HDR, "{" UID "," EXP ",\"nbf\":1700000100}",
	  &r0, NULL },
	{ "nbf future within leeway", S_KEY, HDR,
	  "{" UID "," EXP ",\"nbf\":1700000110}", &rlee, NULL },
	{ "iat future within leeway", S_KEY, HDR,
	  "{" UID "," EXP ",\"iat\":1700000110}", &rlee, NULL },
	{ "user_id INT64_MAX", S_KEY, HDR,
	  "{\"user_id\":9223372036854775807," EXP "}", &r0, NULL },
	{ "user_id \"9223372036854775807\"", S_KEY, HDR,
	  "{\"user_id\":\"9223372036854775807\"," EXP "}", &r0, NULL },
	{ "aud string equal", S_KEY, HDR,
	  "{" UID "," EXP ",\"aud\":\"api\"}", &raud, NULL },
	{ "aud list containing it", S_KEY, HDR,
	  "{" UID "," EXP ",\"aud\":[\"web\",\"api\"]}", &raud, NULL },
	{ "iss equal", S_KEY, HDR,
	  "{" UID "," EXP ",\"iss\":\"https://auth.example\"}", &riss, NULL },
	{ "token_type equal", S_KEY, HDR,
	  "{\"token_type\":\"access\"," UID "," EXP "}", &racc, NULL },

	/* alg: RFC 8725 section 3.1. */
	{ "alg none, no signature", S_NONE, "{\"alg\":\"none\"}", GOOD, &r0,
	  ALG },
	{ "alg None, no signature", S_NONE, "{\"alg\":\"None\"}", GOOD, &r0,
	  ALG },
	{ "alg NONE, no signature", S_NONE, "{\"alg\":\"NONE\"}", GOOD, &r0,
	  ALG },
	{ "alg none, our signature", S_KEY,
	  "{\"alg\":\"none\",\"typ\":\"JWT\"}", GOOD, &r0, ALG },
	{ "alg None, our signature", S_KEY, "{\"alg\":\"None\"}", GOOD, &r0,
	  ALG },
	{ "alg NONE, junk signature", S_JUNK, "{\"alg\":\"NONE\"}", GOOD,
	  &r0, ALG },
	{ "alg HS384 on an HS256 key", S_KEY, "{\"alg\":\"HS384\"}", GOOD,
	  &r0, ALG },
	{ "alg HS512 on an HS256 key", S_KEY, "{\"alg\":\"HS512\"}", GOOD,
	  &r0, ALG },
	{ "alg RS256", S_KEY, "{\"alg\":\"RS256\"}", GOOD, &r0, ALG },
	{ "alg ES256", S_KEY, "{\"alg\":\"ES256\"}", GOOD, &r0, ALG },
	{ "alg hs256 lower case", S_KEY, "{\"alg\":\"hs256\"}", GOOD, &r0,
	  ALG },
	{ "alg with trailing space", S_KEY, "{\"alg\":\"HS256 \"}", GOOD,
	  &r0, ALG },
	{ "alg not a string", S_KEY, "{\"alg\":256}", GOOD, &r0, ALG },
	{ "alg as a list", S_KEY, "{\"alg\":[\"HS256\"]}", GOOD, &r0, ALG },
	{ "alg null", S_KEY, "{\"alg\":null}", GOOD, &r0, ALG },
	{ "alg missing", S_KEY, "{\"typ\":\"JWT\"}", GOOD, &r0,
	  "alg missing" },
	{ "crit header", S_KEY,
	  "{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}", GOOD, &r0,
	  "crit header" },
	{ "crit empty list", S_KEY, "{\"alg\":\"HS256\",\"crit\":[]}", GOOD,
	  &r0, "crit header" },

	/* Key-finding header fields pick no key from outside the set, and
	   jwk, jku, x5u, x5c are refused outright (RFC 8725 3.10). */
	{ "kid /dev/null, foreign signature", S_OTHER,
	  "{\"alg\":\"HS256\",\"kid\":\"/dev/null\"}", GOOD, &r0, KIDBAD },
	{ "kid path traversal, foreign signature", S_OTHER,
	  "{\"alg\":\"HS256\",\"kid\":\"../../../../../../dev/null\"}", GOOD,
	  &r0, KIDBAD },
	{ "kid SQL injection, foreign signature", S_OTHER,
	  "{\"alg\":\"HS256\",\"kid\":\"' OR 1=1 --\"}", GOOD, &r0, KIDBAD },
	{ "kid SQL union, foreign signature", S_OTHER,
	  "{\"alg\":\"HS256\",\"kid\":\"x' UNION SELECT 'other-secret\"}",
	  GOOD, &r0, KIDBAD },
	{ "jku, foreign signature", S_OTHER,
	  "{\"alg\":\"HS256\",\"jku\":\"https://evil.example/jwks.json\"}",
	  GOOD, &r0, OFFER },
	{ "jwk with the attacker's key, foreign signature", S_OTHER,
	  "{\"alg\":\"HS256\",\"jwk\":{\"kty\":\"oct\",\"k\":"
	  "\"b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldC1vdGhlciE\"}}", GOOD, &r0,
	  OFFER },
	{ "jku with our kid and our signature", S_KEY,
	  "{\"alg\":\"HS256\",\"kid\":\"" KID "\",\"jku\":\"https://a.example/k\"}",
	  GOOD, &r0, OFFER },
	{ "x5c with our signature", S_KEY,
	  "{\"alg\":\"HS256\",\"x5c\":[\"MIIB\"]}", GOOD, &r0, OFFER },
	{ "x5u, foreign signature", S_OTHER,
	  "{\"alg\":\"HS256\",\"x5u\":\"https://evil.example/cert.pem\"}",
	  GOOD, &r0, OFFER },
	{ "x5c, foreign signature", S_OTHER,
	  "{\"alg\":\"HS256\",\"x5c\":[\"MIIBIjANBgkqhkiG9w0BAQEFAAOC\"]}",
	  GOOD, &r0, OFFER },
	{ "plain header, foreign signature", S_OTHER, HDR, GOOD, &r0, SIG },
	{ "stripped signature", S_NONE, HDR, GOOD, &r0, SIGLEN },
	{ "junk signature of the right length", S_JUNK, HDR, GOOD, &r0, SIG },

	/* Header and payload must be JSON objects. */
	{ "header an array", S_KEY, "[\"HS256\"]", GOOD, &r0, HNOBJ },
	{ "header a string", S_KEY, "\"HS256\"", GOOD, &r0, HNOBJ },
	{ "header a number", S_KEY, "256", GOOD, &r0, HNOBJ },
	{ "header null", S_KEY, "null", GOOD, &r0, HNOBJ },
	{ "header empty", S_KEY, "", GOOD, &r0, HJSON },
	{ "header not JSON", S_KEY, "alg=HS256", GOOD, &r0, HJSON },
	{ "header with trailing bytes", S_KEY, HDR "x", GOOD, &r0, HJSON },
	{ "header object twice", S_KEY, HDR HDR, GOOD, &r0, HJSON },
	{ "payload an array", S_KEY, HDR, "[42]", &r0, PNOBJ },
	{ "payload a string", S_KEY, HDR, "\"42\"", &r0, PNOBJ },
	{ "payload a number", S_KEY, HDR, "42", &r0, PNOBJ },
	{ "payload true", S_KEY, HDR, "true", &r0, PNOBJ },
	{ "payload empty", S_KEY, HDR, "", &r0, PJSON },
	{ "payload unterminated", S_KEY, HDR, "{" UID "," EXP, &r0, PJSON },
	{ "payload with trailing bytes", S_KEY, HDR, GOOD "x", &r0, PJSON },
	{ "payload with a second object", S_KEY, HDR, GOOD "{}", &r0, PJSON },
	{ "payload trailing comma", S_KEY, HDR, "{" UID "," EXP ",}", &r0,
	  PJSON },
	{ "payload single quotes", S_KEY, HDR, "{'user_id':42," EXP "}", &r0,
	  PJSON },
	{ "payload comment", S_KEY, HDR, "{" UID ",/**/" EXP "}", &r0,
	  PJSON },
	{ "payload NaN", S_KEY, HDR, "{" UID ",\"exp\":NaN}", &r0, PJSON },
	{ "payload Infinity", S_KEY, HDR, "{" UID ",\"exp\":Infinity}", &r0,
	  PJSON },
	{ "payload number \"1.\"", S_KEY, HDR, "{" UID ",\"exp\":1.}", &r0,
	  PJSON },
	{ "payload leading zero", S_KEY, HDR, "{" UID ",\"exp\":04102444800}",
	  &r0, PJSON },
	{ "payload hex number", S_KEY, HDR, "{" UID ",\"exp\":0x7fffffff}",
	  &r0, PJSON },
	{ "payload TRUE", S_KEY, HDR, "{" UID "," EXP ",\"a\":TRUE}", &r0,
	  PJSON },
	{ "payload raw tab in a string", S_KEY, HDR,
	  "{" UID "," EXP ",\"a\":\"x\ty\"}", &r0, PJSON },
	{ "payload bad escape", S_KEY, HDR, "{" UID "," EXP ",\"a\":\"\\x\"}",
	  &r0, PJSON },
	{ "payload short \\u escape", S_KEY, HDR,
	  "{" UID "," EXP ",\"a\":\"\\u12\"}", &r0, PJSON },
	{ "payload \\u0000 in a name", S_KEY, HDR,
	  "{" UID ",\"exp\\u0000x\":1," EXP "}", &r0, PJSON },
	{ "payload invalid UTF-8", S_KEY, HDR,
	  "{" UID "," EXP ",\"a\":\"\xff\xfe\"}", &r0, PJSON },
	{ "payload overlong UTF-8", S_KEY, HDR,
	  "{" UID "," EXP ",\"a\":\"\xc0\xaf\"}", &r0, PJSON },
	{ "payload overlong 3-byte UTF-8", S_KEY, HDR,
	  "{" UID "," EXP ",\"a\":\"\xe0\x80\xaf\"}", &r0, PJSON },
	{ "payload UTF-8 surrogate", S_KEY, HDR,
	  "{" UID "," EXP ",\"a\":\"\xed\xa0\x80\"}", &r0, PJSON },
	{ "payload UTF-8 over U+10FFFF", S_KEY, HDR,
	  "{" UID "," EXP ",\"a\":\"\xf4\x90\x80\x80\"}", &r0, PJSON },
	{ "payload truncated UTF-8", S_KEY, HDR,
	  "{" UID "," EXP ",\"a\":\"\xe2\x82\"}", &r0, PJSON },
	{ "payload UTF-8 outside a string", S_KEY, HDR,
	  "{" UID "," EXP ",\"a\":\xc3\xa9}", &r0, PJSON },
	{ "payload lone high surrogate escape", S_KEY, HDR,
	  "{" UID "," EXP ",\"a\":\"\\ud83d\"}", &r0, PJSON },
	{ "payload lone low surrogate escape", S_KEY, HDR,
	  "{" UID "," EXP ",\"a\":\"\\ude00\"}", &r0, PJSON },
	{ "payload reversed surrogate escapes", S_KEY, HDR,
	  "{" UID "," EXP ",\"a\":\"\\ude00\\ud83d\"}", &r0, PJSON },
	{ "payload valid UTF-8 of every length", S_KEY, HDR,
	  "{" UID "," EXP ",\"a\":\"\x7f\xc3\xa9\xe2\x82\xac"
	  "\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xef\xbf\xbd\"}", &r0, NULL },
	{ "payload nested 17 deep", S_KEY, HDR,
	  "{" UID "," EXP ",\"a\":[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]}", &r0,
	  PJSON },
	{ "payload nested 16 deep", S_KEY, HDR,
	  "{" UID "," EXP ",\"a\":[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]}", &r0,
	  NULL },

	/* Duplicate member names: RFC 7515 section 4, RFC 7519 section 4. */
	{ "duplicate alg in header", S_KEY,
	  "{\"alg\":\"HS256\",\"alg\":\"HS256\"}", GOOD, &r0, HDUP },
	{ "duplicate alg none then HS256", S_KEY,
	  "{\"alg\":\"none\",\"alg\":\"HS256\"}", GOOD, &r0, HDUP },
	{ "escaped duplicate alg in header", S_KEY,
	  "{\"alg\":\"none\",\"\\u0061lg\":\"HS256\"}", GOOD, &r0, HDUP },
	{ "duplicate typ in header", S_KEY,
	  "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"typ\":\"JWT\"}", GOOD, &r0,
	  HDUP },
	{ "duplicate user_id in payload", S_KEY, HDR,
	  "{\"user_id\":1," UID "," EXP "}", &r0, PDUP },
	{ "duplicate exp in payload", S_KEY, HDR,
	  "{" UID ",\"exp\":1," EXP "}", &r0, PDUP },
	{ "escaped duplicate {\"a\":1,\"\\u0061\":2}", S_KEY, HDR,
	  "{" UID "," EXP ",\"a\":1,\"\\u0061\":2}", &r0, PDUP },
	{ "escaped duplicate upper-case hex \\u0041", S_KEY, HDR,
	  "{" UID "," EXP ",\"A\":1,\"\\u0041\":2}", &r0, PDUP },
	{ "escaped duplicate \\/ and /", S_KEY, HDR,
	  "{" UID "," EXP ",\"a/b\":1,\"a\\/b\":2}", &r0, PDUP },
	{ "escaped duplicate user_id", S_KEY, HDR,
	  "{" UID "," EXP ",\"user\\u005fid\":7}", &r0, PDUP },
	{ "escaped duplicate, non-ASCII", S_KEY, HDR,
	  "{" UID "," EXP ",\"\xc3\xa9\":1,\"\\u00e9\":2}", &r0, PDUP },
	{ "escaped duplicate, surrogate pair", S_KEY, HDR,
	  "{" UID "," EXP ",\"\xf0\x9f\x98\x80\":1,\"\\ud83d\\ude00\":2}",
	  &r0, PDUP },
	{ "duplicate in a nested object", S_KEY, HDR,
	  "{" UID "," EXP ",\"x\":{\"a\":1,\"a\":2}}", &r0, PDUP },
	{ "duplicate in an object in an array", S_KEY, HDR,
	  "{" UID "," EXP ",\"x\":[1,{\"a\":1,\"a\":2}]}", &r0, PDUP },
	{ "duplicate inside an overwritten value", S_KEY, HDR,
	  "{" UID "," EXP ",\"x\":{\"a\":1,\"a\":2},\"x\":1}", &r0, PDUP },
	{ "duplicate empty names", S_KEY, HDR,
	  "{" UID "," EXP ",\"\":1,\"\":2}", &r0, PDUP },

	/* user_id. */
	{ "user_id float 1.0", S_KEY, HDR, "{\"user_id\":1.0," EXP "}", &r0,
	  UIDBAD },
	{ "user_id float 42.0", S_KEY, HDR, "{\"user_id\":42.0," EXP "}", &r0,
	  UIDBAD },
	{ "user_id exponent 4.2e1", S_KEY, HDR, "{\"user_id\":4.2e1," EXP "}",
	  &r0, UIDBAD },
	{ "user_id negative", S_KEY, HDR, "{\"user_id\":-42," EXP "}", &r0,
	  UIDBAD },
	{ "user_id 0", S_KEY, HDR, "{\"user_id\":0," EXP "}", &r0, UIDBAD },
	{ "user_id -0", S_KEY, HDR, "{\"user_id\":-0," EXP "}", &r0, UIDBAD },
	{ "user_id 2^63", S_KEY, HDR,
	  "{\"user_id\":9223372036854775808," EXP "}", &r0, UIDBAD },
	{ "user_id 2^64-1", S_KEY, HDR,
	  "{\"user_id\":18446744073709551615," EXP "}", &r0, UIDBAD },
	{ "user_id beyond 2^64", S_KEY, HDR,
	  "{\"user_id\":99999999999999999999999," EXP "}", &r0, UIDBAD },
	{ "user_id -2^63", S_KEY, HDR,
	  "{\"user_id\":-9223372036854775808," EXP "}", &r0, UIDBAD },
	{ "user_id \"0\"", S_KEY, HDR, "{\"user_id\":\"0\"," EXP "}", &r0,
	  UIDBAD },
	{ "user_id \"042\"", S_KEY, HDR, "{\"user_id\":\"042\"," EXP "}", &r0,
	  UIDBAD },
	{ "user_id \"+42\"", S_KEY, HDR, "{\"user_id\":\"+42\"," EXP "}", &r0,
	  UIDBAD },
	{ "user_id \"-42\"", S_KEY, HDR, "{\"user_id\":\"-42\"," EXP "}", &r0,
	  UIDBAD },
	{ "user_id \" 42\"", S_KEY, HDR, "{\"user_id\":\" 42\"," EXP "}", &r0,
	  UIDBAD },
	{ "user_id \"42 \"", S_KEY, HDR, "{\"user_id\":\"42 \"," EXP "}", &r0,
	  UIDBAD },
	{ "user_id \"4.2\"", S_KEY, HDR, "{\"user_id\":\"4.2\"," EXP "}", &r0,
	  UIDBAD },
	{ "user_id \"42.0\"", S_KEY, HDR, "{\"user_id\":\"42.0\"," EXP "}",
	  &r0, UIDBAD },
	{ "user_id \"1e2\"", S_KEY, HDR, "{\"user_id\":\"1e2\"," EXP "}", &r0,
	  UIDBAD },
	{ "user_id \"0x2a\"", S_KEY, HDR, "{\"user_id\":\"0x2a\"," EXP "}",
	  &r0, UIDBAD },
	{ "user_id \"\"", S_KEY, HDR, "{\"user_id\":\"\"," EXP "}", &r0,
	  UIDBAD },
	{ "user_id \"9223372036854775808\"", S_KEY, HDR,
	  "{\"user_id\":\"9223372036854775808\"," EXP "}", &r0, UIDBAD },
	{ "user_id \"99999999999999999999\"", S_KEY, HDR,
	  "{\"user_id\":\"99999999999999999999\"," EXP "}", &r0, UIDBAD },
	{ "user_id null", S_KEY, HDR, "{\"user_id\":null," EXP "}", &r0,
	  UIDBAD },
	{ "user_id true", S_KEY, HDR, "{\"user_id\":true," EXP "}", &r0,
	  UIDBAD },
	{ "user_id false", S_KEY, HDR, "{\"user_id\":false," EXP "}", &r0,
	  UIDBAD },
	{ "user_id [42]", S_KEY, HDR, "{\"user_id\":[42]," EXP "}", &r0,
	  UIDBAD },
	{ "user_id {}", S_KEY, HDR, "{\"user_id\":{}," EXP "}", &r0, UIDBAD },
	{ "user_id missing", S_KEY, HDR, "{" EXP "}", &r0, UIDBAD },

	/* exp, nbf, iat: RFC 7519 sections 4.1.4-4.1.6, PyJWT semantics. */
	{ "exp missing", S_KEY, HDR, "{" UID "}", &r0, "exp missing" },
	{ "exp a string", S_KEY, HDR, "{" UID ",\"exp\":\"" FAR "\"}", &r0,
	  "exp is not a number" },
	{ "exp true", S_KEY, HDR, "{" UID ",\"exp\":true}", &r0,
	  "exp is not a number" },
	{ "exp null", S_KEY, HDR, "{" UID ",\"exp\":null}", &r0,
	  "exp is not a number" },
	{ "exp a list", S_KEY, HDR, "{" UID ",\"exp\":[" FAR "]}", &r0,
	  "exp is not a number" },
	{ "exp 1e400 (infinite)", S_KEY, HDR, "{" UID ",\"exp\":1e400}", &r0,
	  "exp is not a number" },
	{ "exp in the past", S_KEY, HDR, "{" UID ",\"exp\":1700000099}", &r0,
	  "expired" },
	{ "exp exactly now", S_KEY, HDR, "{" UID ",\"exp\":1700000100}", &r0,
	  "expired" },
	{ "exp now + 0.5 truncates to now", S_KEY, HDR,
	  "{" UID ",\"exp\":1700000100.5}", &r0, "expired" },
	{ "exp 0", S_KEY, HDR, "{" UID ",\"exp\":0}", &r0, "expired" },
	{ "exp negative", S_KEY, HDR, "{" UID ",\"exp\":-1}", &r0, "expired" },
	{ "exp -1e300", S_KEY, HDR, "{" UID ",\"exp\":-1e300}", &r0,
	  "expired" },
	{ "exp exactly now - leeway", S_KEY, HDR,
	  "{" UID ",\"exp\":1700000090}", &rlee, "expired" },
	{ "nbf future", S_KEY, HDR, "{" UID "," EXP ",\"nbf\":1700000101}",
	  &r0, "not yet valid (nbf)" },
	{ "nbf future beyond leeway", S_KEY, HDR,
	  "{" UID "," EXP ",\"nbf\":1700000111}", &rlee,
	  "not yet valid (nbf)" },
	{ "nbf a string", S_KEY, HDR, "{" UID "," EXP ",\"nbf\":\"0\"}", &r0,
	  "nbf is not a number" },
	{ "nbf null", S_KEY, HDR, "{" UID "," EXP ",\"nbf\":null}", &r0,
	  "nbf is not a number" },
	{ "iat future", S_KEY, HDR, "{" UID "," EXP ",\"iat\":1700000101}",
	  &r0, "issued in the future (iat)" },
	{ "iat future beyond leeway", S_KEY, HDR,
	  "{" UID "," EXP ",\"iat\":1700000111}", &rlee,
	  "issued in the future (iat)" },
	{ "iat a string", S_KEY, HDR, "{" UID "," EXP ",\"iat\":\"0\"}", &r0,
	  "iat is not a number" },
	{ "iat false", S_KEY, HDR, "{" UID "," EXP ",\"iat\":false}", &r0,
	  "iat is not a number" },

	/* token_type, iss, aud: RFC 8725 sections 3.8, 3.9, 3.11. */
	{ "token_type refresh as access", S_KEY, HDR,
	  "{\"token_type\":\"refresh\"," UID "," EXP "}", &racc,
	  "wrong token_type" },
	{ "token_type missing", S_KEY, HDR, GOOD, &racc, "wrong token_type" },
	{ "token_type not a string", S_KEY, HDR,
	  "{\"token_type\":1," UID "," EXP "}", &racc, "wrong token_type" },
	{ "token_type with a suffix", S_KEY, HDR,
	  "{\"token_type\":\"accessx\"," UID "," EXP "}", &racc,
	  "wrong token_type" },
	{ "token_type prefix", S_KEY, HDR,
	  "{\"token_type\":\"acces\"," UID "," EXP "}", &racc,
	  "wrong token_type" },
	{ "iss missing", S_KEY, HDR, GOOD, &riss, "wrong iss" },
	{ "iss wrong", S_KEY, HDR,
	  "{" UID "," EXP ",\"iss\":\"https://evil.example\"}", &riss,
	  "wrong iss" },
	{ "iss a list", S_KEY, HDR,
	  "{" UID "," EXP ",\"iss\":[\"https://auth.example\"]}", &riss,
	  "wrong iss" },
	{ "aud missing", S_KEY, HDR, GOOD, &raud, "wrong aud" },
	{ "aud wrong", S_KEY, HDR, "{" UID "," EXP ",\"aud\":\"web\"}", &raud,
	  "wrong aud" },
	{ "aud list without it", S_KEY, HDR,
	  "{" UID "," EXP ",\"aud\":[\"web\",\"apix\"]}", &raud, "wrong aud" },
	{ "aud empty list", S_KEY, HDR, "{" UID "," EXP ",\"aud\":[]}", &raud,
	  "wrong aud" },
	{ "aud list with a non-string", S_KEY, HDR,
	  "{" UID "," EXP ",\"aud\":[\"api\",1]}", &raud, "wrong aud" },
	{ "aud a number", S_KEY, HDR, "{" UID "," EXP ",\"aud\":1}", &raud,
	  "wrong aud" },
	{ "aud nested list", S_KEY, HDR,
	  "{" UID "," EXP ",\"aud\":[[\"api\"]]}", &raud, "wrong aud" },
	{ "aud present, no audience configured", S_KEY, HDR,
	  "{" UID "," EXP ",\"aud\":\"api\"}", &r0, "wrong aud" },
};

static void
test_table(void)
{
	const struct tcase	*t;
	size_t			 i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = &cases[i];
		n = mk(t->how, t->hdr, t->pl);
		if (t->why == NULL)
			admit(n, t->r, strstr(t->pl, "9223372036854775807") ?
			    INT64_MAX : 42, t->name);
		else
			refuse(n, t->r, t->why, t->name);
	}
}

/* ---------------------------------------------------------------- */
/* Edits of a valid token's text                                     */
/* ---------------------------------------------------------------- */

/* Offsets of the two dots in tok. */
static void
dots(size_t len, size_t *d1, size_t *d2)
{
	const char	*p = memchr(tok, '.', len);

	*d1 = (size_t)(p - tok);
	p = memchr(p + 1, '.', len - *d1 - 1);
	*d2 = (size_t)(p - tok);
}

/* Inserts s at offset at in tok (length len); returns the new length. */
static size_t
insert(size_t len, size_t at, const char *s, size_t sn)
{
	memmove(tok + at + sn, tok + at, len - at + 1);
	memcpy(tok + at, s, sn);
	return len + sn;
}

static const char abc[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Flips the 6-bit value of the character at i to another canonical one. */
static void
flip(size_t i)
{
	tok[i] = tok[i] == 'A' ? 'B' : 'A';
}

/* Sets the lowest bit of the last character of a partial group at i. */
static void
spoil_spare(size_t i)
{
	tok[i] = abc[(strchr(abc, tok[i]) - abc) | 1];
}

static void
test_segments(void)
{
	size_t	 n, d1, d2;

	n = mk(S_KEY, HDR, GOOD);
	admit(n, &r0, 42, "base token");
	refuse(n - 1, &r0, NULL, "last character cut");

	/* Segment counts. */
	refuse(0, &r0, "not three segments", "empty token");
	refuse(use("abc"), &r0, "not three segments", "1 segment");
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	refuse(d2, &r0, "not three segments", "2 segments (signature cut)");
	n = mk(S_KEY, HDR, GOOD);
	n = insert(n, n, ".", 1);
	refuse(n, &r0, "not three segments", "4 segments (trailing dot)");
	n = mk(S_KEY, HDR, GOOD);
	n = insert(n, n, ".AAAA", 5);
	refuse(n, &r0, "not three segments", "4 segments");
	n = insert(n, n, ".AAAA", 5);
	refuse(n, &r0, "not three segments", "5 segments");
	refuse(use(".."), &r0, NULL, "three empty segments");
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	n = insert(n, d1 + 1, ".", 1);
	refuse(n, &r0, "not three segments", "4 segments, empty payload");
}

static void
test_base64(void)
{
	size_t	 n, d1, d2;

	/* Padding in each segment. */
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	n = insert(n, d1, "=", 1);
	refuse(n, &r0, "header is not canonical base64url", "padding in header");
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	n = insert(n, d2, "==", 2);
	refuse(n, &r0, "payload is not canonical base64url",
	    "padding in payload");
	n = mk(S_KEY, HDR, GOOD);
	n = insert(n, n, "=", 1);
	refuse(n, &r0, NULL, "padding in signature");

	/* '+', '/', whitespace, NUL, where '-' or a letter was. */
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	tok[d1 + 4] = '+';
	refuse(n, &r0, "payload is not canonical base64url", "'+' in payload");
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	tok[d1 + 4] = '/';
	refuse(n, &r0, "payload is not canonical base64url", "'/' in payload");
	n = mk(S_KEY, HDR, GOOD);
	tok[3] = '/';
	refuse(n, &r0, "header is not canonical base64url", "'/' in header");
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	tok[d2 + 3] = '+';
	refuse(n, &r0, "signature is not canonical base64url",
	    "'+' in signature");
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	tok[d2 + 3] = '/';
	refuse(n, &r0, "signature is not canonical base64url",
	    "'/' in signature");
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	n = insert(n, d1 + 8, " ", 1);
	refuse(n, &r0, NULL, "space in payload");
	n = mk(S_KEY, HDR, GOOD);
	n = insert(n, n, "\n", 1);
	refuse(n, &r0, NULL, "newline after the token");
	n = mk(S_KEY, HDR, GOOD);
	n = insert(n, 0, " ", 1);
	refuse(n, &r0, NULL, "space before the token");
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	n = insert(n, d2 + 4, "\r\n", 2);
	refuse(n, &r0, NULL, "CRLF in signature");
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	n = insert(n, d1 + 8, "\t", 1);
	refuse(n, &r0, NULL, "tab in payload");
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	tok[d1 + 5] = '\0';
	refuse(n, &r0, "payload is not canonical base64url", "NUL in payload");
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	tok[d2 + 5] = '\0';
	refuse(n, &r0, "signature is not canonical base64url",
	    "NUL in signature");
	n = mk(S_KEY, HDR, GOOD);
	n = insert(n, n, "\0", 1);
	refuse(n, &r0, NULL, "NUL after the token");

	/* Non-zero spare bits: HS256's 32 bytes end in a 3-char group. */
	n = mk(S_KEY, HDR, GOOD);
	spoil_spare(n - 1);
	refuse(n, &r0, "signature is not canonical base64url",
	    "non-zero spare bits in signature");
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	ok(strlen(GOOD) % 3 != 0, "GOOD ends in a partial group");
	spoil_spare(d2 - 1);
	refuse(n, &r0, "payload is not canonical base64url",
	    "non-zero spare bits in payload");
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	n = insert(n, d2, "AAAA", (5 - (d2 - d1 - 1) % 4) % 4);
	refuse(n, &r0, "payload is not canonical base64url",
	    "payload length 1 mod 4");
}

static void
test_signature(void)
{
	size_t	 n, d1, d2;
	char	 save[128];

	/* Short, long and foreign signatures. */
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	{
		unsigned char	 mac[64];
		size_t		 ml;

		jwt_hmac(key, tok, d2, mac, sizeof(mac), &ml);
		n = d2 + 1 + b64_encode(mac, 16, tok + d2 + 1);
	}
	refuse(n, &r0, SIGLEN, "short signature (first 16 bytes of the MAC)");
	n = mk(S_KEY, HDR, GOOD);
	n = insert(n, n, "AAAA", 4);
	refuse(n, &r0, SIGLEN, "long signature (35 bytes)");
	n = mk(S_KEY, HDR, GOOD);
	n = insert(n, n, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 96);
	refuse(n, &r0, SIGLEN, "long signature (over 64 bytes)");
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	flip(d2 + 10);
	refuse(n, &r0, SIG, "one signature character changed");

	/* An HS512 signature under the right key, with an HS256 header. */
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	{
		unsigned char	 mac[64];
		size_t		 ml;

		jwt_hmac(key512, tok, d2, mac, sizeof(mac), &ml);
		n = d2 + 1 + b64_encode(mac, ml, tok + d2 + 1);
	}
	refuse(n, &r0, SIGLEN, "HS512 signature on an HS256 token");

	/* Tampered header: typ changed, signature kept. */
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	memcpy(save, tok + d1, n - d1 + 1);
	d1 = b64_encode((const unsigned char *)"{\"alg\":\"HS256\",\"typ\":\"JWS\"}",
	    27, tok);
	memcpy(tok + d1, save, strlen(save) + 1);
	refuse(strlen(tok), &r0, SIG, "tampered header");

	/* Tampered payload: user_id 42 -> 1, signature kept. */
	n = mk(S_KEY, HDR, GOOD);
	dots(n, &d1, &d2);
	memcpy(save, tok + d2, n - d2 + 1);
	n = mk(S_KEY, HDR, "{\"user_id\":1," EXP "}");
	dots(n, &d1, &d2);
	memcpy(tok + d2, save, strlen(save) + 1);
	refuse(strlen(tok), &r0, SIG, "tampered payload (user_id 42 -> 1)");

	/* Tampered exp, the classic. */
	n = mk(S_KEY, HDR, "{" UID ",\"exp\":1700000101}");
	dots(n, &d1, &d2);
	memcpy(save, tok + d2, n - d2 + 1);
	n = mk(S_KEY, HDR, "{" UID ",\"exp\":4700000101}");
	dots(n, &d1, &d2);
	memcpy(tok + d2, save, strlen(save) + 1);
	refuse(strlen(tok), &r0, SIG, "tampered payload (exp extended)");
}

/* Tokens around JWT_MAX. */
static void
test_size(void)
{
	static char	 pl[JWT_MAX], pl2[JWT_MAX];
	char		*out;
	size_t		 n, fill, hlen = 36, siglen = 43;
	int		 found = 0;

	/*
	 * {UID,EXP,"p":"xxx"}: find the fill that makes the token exactly
	 * JWT_MAX bytes long, if base64 rounding allows one.
	 */
	for (fill = 7000; fill > 5000 && !found; fill--) {
		n = (size_t)snprintf(pl, sizeof(pl), "{" UID "," EXP
		    ",\"p\":\"%*s\"}", (int)fill, "");
		if (hlen + 1 + B64_ENCLEN(n) + 1 + siglen == JWT_MAX)
			found = 1;
	}
	ok(found, "payload for an 8192-byte token found");
	n = mk(S_KEY, HDR, pl);
	is_int(n, JWT_MAX, "token length");
	admit(n, &r0, 42, "token of exactly JWT_MAX bytes accepted");


	/* One more payload byte: two or so more base64 characters. */
	memmove(pl + 1, pl, strlen(pl) + 1);
	pl[0] = ' ';
	n = mk(S_KEY, HDR, pl);
	ok(n > JWT_MAX, "token over JWT_MAX");
	refuse(n, &r0, "token too long", "token over 8 KiB, good signature");

	n = mk(S_KEY, HDR, GOOD);
	memset(tok + n, 'A', JWT_MAX + 1 - n);
	refuse(JWT_MAX + 1, &r0, "token too long", "8193 bytes of junk");

	out = malloc(3 * JWT_MAX);
	is_int(jwt_sign(key, pl, strlen(pl), out, 3 * JWT_MAX, &n),
	    SVC_TOOBIG, "sign: a token over JWT_MAX refused");
	is_int(jwt_sign(key, out, 2 * JWT_MAX, out, 3 * JWT_MAX, &n),
	    SVC_TOOBIG, "sign: a payload over JWT_MAX refused");
	free(out);

	/*
	 * Our header carries the kid: a shorter payload, and base64
	 * rounding may leave JWT_MAX itself out of reach: the longest
	 * token at most JWT_MAX long.
	 */
	out = malloc(JWT_MAX + 1);
	hlen = strlen(py_access_kid) - strlen(strchr(py_access_kid, '.'));
	for (found = 0, fill = 7000; fill > 5000 && !found; fill--) {
		n = (size_t)snprintf(pl2, sizeof(pl2), "{" UID "," EXP
		    ",\"p\":\"%*s\"}", (int)fill, "");
		if (hlen + 1 + B64_ENCLEN(n) + 1 + siglen <= JWT_MAX)
			found = 1;
	}
	ok(found && jwt_sign(key, pl2, strlen(pl2), out, JWT_MAX + 1, &n) ==
	    SVC_OK && n >= JWT_MAX - 2, "sign: the longest token that fits "
	    "JWT_MAX (%zu bytes)", n);
	free(out);
}

/* Claims handed back: borrowed strings only when strings. */
static void
test_claims(void)
{
	struct jwt_claims	 c;
	const char		*why;
	size_t			 n;

	n = mk(S_KEY, HDR, "{" UID "," EXP ",\"jti\":7,\"username\":null,"
	    "\"fp\":[\"x\"]}");
	ok(verify(key, tok, n, &r0, &c, &why) == SVC_OK &&
	    c.jti == NULL && c.username == NULL && c.fp == NULL &&
	    c.iat == 0 && c.exp == 4102444800LL,
	    "non-string jti/username/fp come back NULL; iat 0 when absent");
	jwt_claims_free(&c);

	n = mk(S_KEY, HDR, "{\"user_id\":\"42\"," EXP ",\"iat\":1.5e9,"
	    "\"username\":\"b\\u00e9a\"}");
	ok(verify(key, tok, n, &r0, &c, &why) == SVC_OK &&
	    c.user_id == 42 && c.iat == 1500000000LL &&
	    strcmp(c.username, "b\xc3\xa9" "a") == 0,
	    "string user_id, double iat, escaped username");
	jwt_claims_free(&c);

	n = mk(S_KEY, HDR, GOOD);
	ok(verify(key, tok, n, &r0, &c, NULL) == SVC_OK,
	    "why may be NULL on success");
	jwt_claims_free(&c);
	ok(verify(other, tok, n, &r0, &c, NULL) == SVC_DENIED,
	    "why may be NULL on refusal");

	/* Extreme clock values must not overflow. */
	{
		struct jwt_rules	 r = { 0, 0, NULL, NULL, NULL, 0 };

		r.now = -9223372036854775807LL - 1;
		r.leeway = 9223372036854775807LL;
		ok(verify(key, tok, n, &r, &c, &why) == SVC_OK,
		    "huge leeway saturates");
		jwt_claims_free(&c);
		r.now = NOW;
		r.leeway = -9223372036854775807LL - 1;
		ok(verify(key, tok, n, &r, &c, &why) == SVC_OK,
		    "leeway LLONG_MIN counts as 0");
		jwt_claims_free(&c);
		r.now = 4102444800LL;
		ok(verify(key, tok, n, &r, &c, &why) == SVC_DENIED &&
		    strcmp(why, "expired") == 0,
		    "negative leeway does not extend an expired token");
	}
}

/* ---------------------------------------------------------------- */
/* The two readers                                                   */
/* ---------------------------------------------------------------- */

#define F	JWT_VIA_FAST
#define T	JWT_VIA_TREE
#define NUL0	"string claim holds U+0000"

/*
 * Payloads that jwt_verify_claims's flat reader reads (F) or leaves to
 * the json-c tree (T), each with a verdict (NULL: accepted).  Both
 * readers feed one claims check, so whatever the reader, jwt_verify
 * (always the tree) and jwt_verify_claims must hand back the same
 * verdict, reason and claims.
 */
static const struct rcase {
	const char		*name;
	const char		*pl;
	const struct jwt_rules	*r;
	enum jwt_via		 via;	/* jwt_verify_claims's reader */
	const char		*why;
} rcases[] = {
	{ "PyJWT access claims", PY_ACCESS_PAYLOAD, &racc, F, NULL },
	{ "all claims", "{\"token_type\":\"refresh\",\"user_id\":\"42\","
	  "\"username\":\"al\xc3\xa9" "\",\"iat\":1700000000,\"nbf\":1700000000,"
	  EXP ",\"jti\":\"j\",\"fp\":\"f\",\"iss\":\"https://auth.example\","
	  "\"x\":true,\"y\":null,\"z\":-5}", &rref, F, NULL },
	{ "whitespace everywhere", " {\n\t\"user_id\" : 42 ,\r" EXP " } ",
	  &r0, F, NULL },
	{ "iss equal", "{" UID "," EXP ",\"iss\":\"https://auth.example\"}",
	  &riss, F, NULL },
	{ "iss wrong", "{" UID "," EXP ",\"iss\":\"https://auth.exampl\"}",
	  &riss, F, "wrong iss" },
	{ "aud string equal", "{" UID "," EXP ",\"aud\":\"api\"}", &raud, F,
	  NULL },
	{ "aud string, no audience", "{" UID "," EXP ",\"aud\":\"api\"}",
	  &r0, F, "wrong aud" },
	{ "aud null", "{" UID "," EXP ",\"aud\":null}", &raud, F,
	  "wrong aud" },
	{ "aud list", "{" UID "," EXP ",\"aud\":[\"api\"]}", &raud, T, NULL },
	{ "token_type wrong", "{\"token_type\":\"refresh\"," UID "," EXP "}",
	  &racc, F, "wrong token_type" },
	{ "token_type missing", GOOD, &racc, F, "wrong token_type" },
	{ "token_type a number", "{\"token_type\":1," UID "," EXP "}", &racc,
	  F, "wrong token_type" },
	{ "token_type escaped", "{\"token_type\":\"\\u0061ccess\"," UID ","
	  EXP "}", &racc, T, NULL },
	{ "empty object", "{}", &r0, F, "exp missing" },
	{ "exp missing", "{" UID "}", &r0, F, "exp missing" },
	{ "exp a string", "{" UID ",\"exp\":\"4102444800\"}", &r0, F,
	  "exp is not a number" },
	{ "exp null", "{" UID ",\"exp\":null}", &r0, F,
	  "exp is not a number" },
	{ "exp true", "{" UID ",\"exp\":true}", &r0, F,
	  "exp is not a number" },
	{ "exp now", "{" UID ",\"exp\":1700000100}", &r0, F, "expired" },
	{ "exp within leeway", "{" UID ",\"exp\":1700000091}", &rlee, F,
	  NULL },
	{ "exp past, allow_expired", "{" UID ",\"exp\":1}", &rexp, F, NULL },
	{ "exp negative", "{" UID ",\"exp\":-1}", &r0, F, "expired" },
	{ "exp 18 digits", "{" UID ",\"exp\":999999999999999999}", &r0, F,
	  NULL },
	{ "exp 19 digits", "{" UID ",\"exp\":9999999999999999999}", &r0, T,
	  NULL },
	{ "exp 20 digits", "{" UID ",\"exp\":99999999999999999999}", &r0, T,
	  NULL },
	{ "exp a double", "{" UID ",\"exp\":4102444800.9}", &r0, T, NULL },
	{ "exp with an exponent", "{" UID ",\"exp\":4.1e9}", &r0, T, NULL },
	{ "exp huge double", "{" UID ",\"exp\":1e300}", &r0, T, NULL },
	{ "exp -0", "{" UID ",\"exp\":-0}", &r0, F, "expired" },
	{ "nbf future", "{" UID "," EXP ",\"nbf\":1700000101}", &r0, F,
	  "not yet valid (nbf)" },
	{ "nbf future within leeway", "{" UID "," EXP ",\"nbf\":1700000110}",
	  &rlee, F, NULL },
	{ "nbf a string", "{" UID "," EXP ",\"nbf\":\"1\"}", &r0, F,
	  "nbf is not a number" },
	{ "nbf a double", "{" UID "," EXP ",\"nbf\":1.5}", &r0, T, NULL },
	{ "iat future", "{" UID "," EXP ",\"iat\":1700000101}", &r0, F,
	  "issued in the future (iat)" },
	{ "iat false", "{" UID "," EXP ",\"iat\":false}", &r0, F,
	  "iat is not a number" },
	{ "user_id missing", "{" EXP "}", &r0, F, "bad user_id" },
	{ "user_id 0", "{\"user_id\":0," EXP "}", &r0, F, "bad user_id" },
	{ "user_id -1", "{\"user_id\":-1," EXP "}", &r0, F, "bad user_id" },
	{ "user_id \"0\"", "{\"user_id\":\"0\"," EXP "}", &r0, F,
	  "bad user_id" },
	{ "user_id \"042\"", "{\"user_id\":\"042\"," EXP "}", &r0, F,
	  "bad user_id" },
	{ "user_id \"+42\"", "{\"user_id\":\"+42\"," EXP "}", &r0, F,
	  "bad user_id" },
	{ "user_id \" 42\"", "{\"user_id\":\" 42\"," EXP "}", &r0, F,
	  "bad user_id" },
	{ "user_id \"\"", "{\"user_id\":\"\"," EXP "}", &r0, F,
	  "bad user_id" },
	{ "user_id null", "{\"user_id\":null," EXP "}", &r0, F,
	  "bad user_id" },
	{ "user_id true", "{\"user_id\":true," EXP "}", &r0, F,
	  "bad user_id" },
	{ "user_id 42.0", "{\"user_id\":42.0," EXP "}", &r0, T,
	  "bad user_id" },
	{ "user_id 4.2e1", "{\"user_id\":4.2e1," EXP "}", &r0, T,
	  "bad user_id" },
	{ "user_id 18 digits", "{\"user_id\":123456789012345678," EXP "}",
	  &r0, F, NULL },
	{ "user_id INT64_MAX", "{\"user_id\":9223372036854775807," EXP "}",
	  &r0, T, NULL },
	{ "user_id INT64_MAX + 1", "{\"user_id\":9223372036854775808," EXP
	  "}", &r0, T, "bad user_id" },
	{ "user_id \"INT64_MAX\"", "{\"user_id\":\"9223372036854775807\","
	  EXP "}", &r0, F, NULL },
	{ "user_id \"INT64_MAX + 1\"", "{\"user_id\":"
	  "\"9223372036854775808\"," EXP "}", &r0, F, "bad user_id" },
	{ "user_id 20-digit string", "{\"user_id\":"
	  "\"10000000000000000000\"," EXP "}", &r0, F, "bad user_id" },
	{ "user_id escaped \"42\"", "{\"user_id\":\"\\u00342\"," EXP "}", &r0,
	  T, NULL },
	{ "user_id a list", "{\"user_id\":[42]," EXP "}", &r0, T,
	  "bad user_id" },
	{ "username escaped", "{" UID "," EXP ",\"username\":\"b\\u00e9a\"}",
	  &r0, T, NULL },
	{ "username raw UTF-8", "{" UID "," EXP ",\"username\":\"b\xc3\xa9"
	  "a\"}", &r0, F, NULL },
	{ "username null, jti a number, fp false", "{" UID "," EXP
	  ",\"username\":null,\"jti\":7,\"fp\":false}", &r0, F, NULL },
	{ "fp a list", "{" UID "," EXP ",\"fp\":[\"x\"]}", &r0, T, NULL },
	{ "escape in a member nobody reads", "{" UID "," EXP
	  ",\"note\":\"a\\nb\"}", &r0, F, NULL },
	{ "U+0000 in a member nobody reads", "{" UID "," EXP
	  ",\"note\":\"a\\u0000b\"}", &r0, F, NULL },
	{ "U+0000 in username", "{" UID "," EXP
	  ",\"username\":\"al\\u0000ice\"}", &r0, T, NUL0 },
	{ "U+0000 in jti", "{" UID "," EXP ",\"jti\":\"\\u0000\"}", &r0, T,
	  NUL0 },
	{ "U+0000 in fp", "{" UID "," EXP ",\"fp\":\"ab\\u0000\"}", &r0, T,
	  NUL0 },
	{ "U+0000 in token_type", "{\"token_type\":\"access\\u0000\","
	  UID "," EXP "}", &racc, T, "wrong token_type" },
	{ "U+0000 in user_id", "{\"user_id\":\"42\\u0000\"," EXP "}", &r0,
	  T, "bad user_id" },
	{ "escaped member name", "{" UID ",\"\\u0065xp\":1}", &r0, T,
	  "expired" },
	{ "nested member", "{" UID "," EXP ",\"x\":{}}", &r0, T, NULL },
	{ "duplicate member", "{" UID "," EXP "," UID "}", &r0, T,
	  "duplicate member in payload" },
	{ "duplicate by escape", "{" UID "," EXP ",\"\\u0075ser_id\":7}", &r0,
	  T, "duplicate member in payload" },
	{ "not an object", "[42]", &r0, T,
	  "payload is not a JSON object" },
	{ "not JSON", "{" UID "," EXP ",}", &r0, T,
	  "payload is not valid JSON" },
	{ "trailing bytes", GOOD "x", &r0, T, "payload is not valid JSON" },
	{ "NaN", "{" UID ",\"exp\":NaN}", &r0, T, "payload is not valid JSON" },
	{ "leading zero", "{" UID ",\"exp\":04102444800}", &r0, T,
	  "payload is not valid JSON" },
};

#undef F
#undef T
#undef NUL0

/* 1 when a and b are both NULL or the same string. */
static int
same_str(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Every claim of a equals that of b. */
static int
same_claims(const struct jwt_claims *a, const struct jwt_claims *b)
{
	return a->user_id == b->user_id && a->exp == b->exp &&
	    a->nbf == b->nbf && a->iat == b->iat &&
	    same_str(a->jti, b->jti) && same_str(a->username, b->username) &&
	    same_str(a->fp, b->fp);
}

static void
test_readers(void)
{
	struct jwt_claims	 ct, cf;
	const struct rcase	*t;
	const char		*wt, *wf;
	enum svc_err		 rt, rf;
	size_t			 i, n;

	for (i = 0; i < sizeof(rcases) / sizeof(rcases[0]); i++) {
		t = &rcases[i];
		n = mk(S_KEY, HDR, t->pl);
		wt = wf = NULL;
		rt = jwt_verify(key, tok, n, t->r, &ct, &wt);
		rf = jwt_verify_claims(key, tok, n, t->r, &cf, &wf);
		ok(ct.via == JWT_VIA_TREE && cf.via == t->via,
		    "readers: %s: jwt_verify read by %d, jwt_verify_claims "
		    "by %d (want %d)", t->name, ct.via, cf.via, t->via);
		ok(rt == rf && same_str(wt, wf) && (t->why == NULL ?
		    rt == SVC_OK : rt == SVC_DENIED && same_str(wt, t->why)),
		    "readers: %s: one verdict (%d \"%s\", %d \"%s\")", t->name,
		    rt, wt == NULL ? "" : wt, rf, wf == NULL ? "" : wf);
		ok(same_claims(&ct, &cf), "readers: %s: every claim equal "
		    "(user_id %lld/%lld exp %lld/%lld nbf %lld/%lld "
		    "iat %lld/%lld)", t->name, ct.user_id, cf.user_id, ct.exp,
		    cf.exp, ct.nbf, cf.nbf, ct.iat, cf.iat);
		jwt_claims_free(&ct);
		jwt_claims_free(&cf);
	}
}

/* What each reader hands back, checked by value, not only by agreement. */
static void
test_reader_values(void)
{
	static const char	 pl[] = "{\"token_type\":\"refresh\","
	    "\"user_id\":\"42\",\"username\":\"al\",\"iat\":1700000000,"
	    "\"nbf\":1700000001,\"exp\":4102444800,\"jti\":\"j1\","
	    "\"fp\":\"f1\"}";
	struct jwt_claims	 c;
	size_t			 n;
	int			 i;

	n = mk(S_KEY, HDR, pl);
	for (i = 0; i < 2; i++) {
		ok((i ? jwt_verify_claims : jwt_verify)(key, tok, n, &rref,
		    &c, NULL) == SVC_OK &&
		    c.via == (i ? JWT_VIA_FAST : JWT_VIA_TREE) &&
		    (c.payload == NULL) == i && c.user_id == 42 &&
		    c.iat == 1700000000LL && c.nbf == 1700000001LL &&
		    c.exp == 4102444800LL && same_str(c.username, "al") &&
		    same_str(c.jti, "j1") && same_str(c.fp, "f1"),
		    "reader values: %s", i ? "flat reader" : "tree");
		jwt_claims_free(&c);
	}
	n = mk(S_KEY, HDR, "{\"token_type\":\"access\"," UID "," EXP "}");
	ok(jwt_verify_claims(key, tok, n, &rref, &c, NULL) == SVC_DENIED &&
	    c.via == JWT_VIA_FAST && c.payload == NULL && c.user_id == 0,
	    "reader values: a flat refusal keeps via, nothing else");
	n = mk(S_OTHER, HDR, GOOD);
	ok(jwt_verify_claims(key, tok, n, &r0, &c, NULL) == SVC_DENIED &&
	    c.via == JWT_VIA_NONE, "reader values: a bad signature: no reader");
}

/* Logout accepts an expired refresh token: allow_expired, and no more. */
static void
test_allow_expired(void)
{
	static const char past[] = "{\"user_id\":1,\"exp\":1600000000}";
	static const char noexp[] = "{\"user_id\":1}";
	struct jwt_claims c = { 0 };
	const char *why = NULL;
	size_t n;

	ok(jwt_sign(key, past, strlen(past), tok, sizeof(tok), &n) == SVC_OK,
	    "allow_expired: sign an expired payload");
	ok(verify(key, tok, n, &r0, &c, &why) == SVC_DENIED &&
	    strcmp(why, "expired") == 0, "allow_expired off: expired refused");
	ok(verify(key, tok, n, &rexp, &c, &why) == SVC_OK &&
	    c.exp == 1600000000, "allow_expired on: expired accepted");
	jwt_claims_free(&c);
	ok(verify(other, tok, n, &rexp, &c, &why) == SVC_DENIED,
	    "allow_expired on: a foreign signature still refused");
	ok(jwt_sign(key, noexp, strlen(noexp), tok, sizeof(tok), &n) ==
	    SVC_OK && verify(key, tok, n, &rexp, &c, &why) == SVC_DENIED &&
	    strcmp(why, "exp missing") == 0,
	    "allow_expired on: exp still required");
}

/* ---------------------------------------------------------------- */
/* Asymmetric keys, kid, key sets (issue 15)                         */
/* ---------------------------------------------------------------- */

/* Fixed keys, made with Python's cryptography for these tests. */
static const char pem_es256[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSS0FyP/POI6GsNs/\n"
    "t08dfAX992Es0Fl1rFriHmCdeoChRANCAASpZmwT+4jMJsDhW7klgRYZIReheQOY\n"
    "k6AlEadn3ZRAZ0MU6Le6FrnjGNxHTviDpXqyJ39Ic4AnbI0U/WRw7McL\n"
    "-----END PRIVATE KEY-----\n"
    ;
static const char pem_eddsa[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJBgIaYVSycwn48lEo2k6zwRA0sZFwygXoo5WDxloqGC\n"
    "-----END PRIVATE KEY-----\n"
    ;
static const char pem_rsa1024[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBALyyDAvMRLy9Kwhd\n"
    "Kli6JJO5oPxlvgsF/zdd6OJFT2PuQth8gh7qBkkFYaAC4PvpSMXKrmSxasaWow0R\n"
    "uQvH90sIkHnbBHrWSQDqrmvk7H1tqSy/QviufpAdoAfbultBbOABbAo0rj9YLn6p\n"
    "daPqDGphTf2iVrS5x9B+QjCWGr1zAgMBAAECgYEAuL+Cd9KpwjlcdrXxDipCQbjP\n"
    "3A8pgNWASg9SQqgl0Ouo2xkctXPgb4IrUWVALqT7sVx+XuwuZP176wHdMaG5hjZW\n"
    "av6vMrIuE49htAjbLJ49KtawYRL5xRKyJH1bttOSev4LJnBXCJI7jol9EHM/lNcV\n"
    "iSDC6QgvFCGdcjyBwyECQQD2MLnonDrZuiSNJmLZUUATfaY2nlGd63HuMfsHYfjx\n"
    "+P3JAv47KTU0Dn14afPuSBV5zvqfyZOFdthas+SjoXELAkEAxDbXsmeK0aZ28U2U\n"
    "zv+vazDT1HETSFrIqUboKqP+w29C62ComjuiZaqgQ0erCPj4hGpmfqc7F8QRyiIr\n"
    "cpj2OQJBALRXrVgAWfv0p6HeZLrdEhs1B/UqtI8CUksywbj+w+Y9h2sgjiu4XAju\n"
    "NGto8g+zLkg0ntM+TpqOHJ8U+IAFW1ECQB/Vqg9W/03ejUO/S5p+H27rwCKiqfc+\n"
    "S3ozd+2bJ/V7cscPqqtDa6jFEzV3RkexZVjOjoyUA2FqvVwnSRdRu/kCQC09lNva\n"
    "94gXiCwuxJb+nfSg+VQG9swf8hQCT+PPmVAz6lUHTF5Z3Ww+0984/rmR/i+ADMJJ\n"
    "kKEE0ZXV83DDw1c=\n"
    "-----END PRIVATE KEY-----\n"
    ;
static const char pem_p384_pub[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE1YpPeuA60hT8P4EY2s0OxAy5KLtMXEDy\n"
    "fBBI1hGcJZ7THkka6bbLay0SeSsL0SliEfJ1CdJhOiMdfPzILF9EGSMMYmHKwS9K\n"
    "xM9cyi3byRbgceQqulo9J0iCvkB319Fv\n"
    "-----END PUBLIC KEY-----\n"
    ;
static const char pem_encrypted[] =
    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
    "MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAjJmR8lBJQemwICCAAw\n"
    "DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEMtTkXWxiEZedjIHI+xGTcsEgZA3\n"
    "Aq7S1QDuC6aLNt7EQ1g4aW6JayEhAwnPNtpa+Qu0oaki1bBgIOY/5brdCVbx8MTV\n"
    "0Fl/Rg360SVYe+ZQmYcjtS2Gm/tx6TpOJrj/wV7kFXgvk/gRXW7DRT81oekdYI+3\n"
    "Tmd15iIYIvBiTR3JRZ2KVkNK8JA0mD46J4DxJltDTm2cJqcMJPzx4jeVpdK9Ris=\n"
    "-----END ENCRYPTED PRIVATE KEY-----\n"
    ;

/* RFC 7638 section 3.1's example RSA key and its thumbprint. */
static const char pem_rfc7638[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0vx7agoebGcQSuuPiLJX\n"
    "ZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tS\n"
    "oc/BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ/2W+5JsGY4Hc5n9yBXArwl93lqt\n"
    "7/RN5w6Cf0h4QyQ5v+65YGjQR0/FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0\n"
    "zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt+bFTWhAI4vMQFh6WeZu0f\n"
    "M4lFd2NcRwr3XPksINHaQ+G/xBniIqbw0Ls1jF44+csFCur+kEgU8awapJzKnqDK\n"
    "gwIDAQAB\n"
    "-----END PUBLIC KEY-----\n";
#define RFC7638_KID	"NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"

static struct jwt_key	*kes, *ked, *krs;	/* private: sign */
static struct jwt_key	*kes_pub;		/* kes's public half */

static struct jwt_key *
pem_key(const char *pem)
{
	struct jwt_key	*k = NULL;

	if (jwt_key_pem(&k, pem, strlen(pem), NULL) != SVC_OK)
		return NULL;
	return k;
}

/* jwt_sign of GOOD with k into tok; the length, or 0. */
static size_t
sign_good(struct jwt_key *k)
{
	size_t	 n = 0;

	if (jwt_sign(k, GOOD, strlen(GOOD), tok, sizeof(tok), &n) != SVC_OK)
		return 0;
	return n;
}

/* Replaces the signature of the token in tok by sig; the new length. */
static size_t
resign(size_t len, const unsigned char *sig, size_t siglen)
{
	char	*dot = memchr(tok, '.', len);

	dot = memchr(dot + 1, '.', len - (size_t)(dot + 1 - tok));
	return (size_t)(dot + 1 - tok) + b64_encode(sig, siglen, dot + 1);
}

/* The signature bytes of the token in tok, into sig; their count. */
static size_t
sigof(size_t len, unsigned char *sig, size_t sigsz)
{
	const char	*dot = strrchr(tok, '.');
	size_t		 n = 0;

	(void)len;
	if (b64_decode(dot + 1, strlen(dot + 1), sig, sigsz, &n) != SVC_OK)
		abort();
	return n;
}

/* hdr "." GOOD with HMAC-SHA256 under hk: the key-confusion forgery. */
static size_t
mk_hmac(struct jwt_key *hk, const char *hdr)
{
	unsigned char	 mac[64];
	size_t		 o, n;

	o = b64_encode((const unsigned char *)hdr, strlen(hdr), tok);
	tok[o++] = '.';
	o += b64_encode((const unsigned char *)GOOD, strlen(GOOD), tok + o);
	if (jwt_hmac(hk, tok, o, mac, sizeof(mac), &n) != SVC_OK)
		abort();
	tok[o++] = '.';
	return o + b64_encode(mac, n, tok + o);
}

/* A fresh RS256 key: 0, or -1. */
static int
keygen_rsa(struct jwt_key **k)
{
	char	*pem = NULL;
	size_t	 n;

	*k = NULL;
	if (jwt_keygen(JWT_RS256, &pem, &n) == SVC_OK)
		*k = pem_key(pem);
	free(pem);
	return *k != NULL ? 0 : -1;
}

/* The public half of k as its own key, through its PEM. */
static struct jwt_key *
public_of(struct jwt_key *k)
{
	struct jwt_key	*pub;
	char		*pem = NULL;
	size_t		 n;

	if (jwt_key_public_pem(k, &pem, &n) != SVC_OK)
		return NULL;
	pub = pem_key(pem);
	free(pem);
	return pub;
}

static void
test_key_loading(void)
{
	struct jwt_key	*k = (struct jwt_key *)1;
	const char	*why = NULL;
	char		*pem = NULL;
	size_t		 n;

	k = pem_key(pem_rfc7638);
	ok(k != NULL && strcmp(jwt_key_kid(k), RFC7638_KID) == 0 &&
	    jwt_key_alg(k) == JWT_RS256 && !jwt_key_private(k),
	    "kid: RFC 7638 section 3.1's thumbprint of its example key");
	jwt_key_free(k);
	ok(jwt_key_alg(kes) == JWT_ES256 && jwt_key_private(kes) &&
	    jwt_key_alg(ked) == JWT_EDDSA && jwt_key_alg(krs) == JWT_RS256,
	    "key_pem: the type gives the algorithm");
	ok(kes_pub != NULL && !jwt_key_private(kes_pub) &&
	    strcmp(jwt_key_kid(kes), jwt_key_kid(kes_pub)) == 0,
	    "key_public_pem: the public half, the same kid");
	is_int(jwt_key_pem(&k, pem_rsa1024, strlen(pem_rsa1024), &why),
	    SVC_BADINPUT, "key_pem refuses RSA of 1024 bits");
	ok(k == NULL && why != NULL && strstr(why, "2048") != NULL,
	    "key_pem: RSA refusal says why, key NULL");
	is_int(jwt_key_pem(&k, pem_p384_pub, strlen(pem_p384_pub), &why),
	    SVC_BADINPUT, "key_pem refuses an EC key on P-384");
	is_int(jwt_key_pem(&k, pem_encrypted, strlen(pem_encrypted), &why),
	    SVC_BADINPUT, "key_pem refuses an encrypted PEM, no prompt");
	is_int(jwt_key_pem(&k, SECRET, strlen(SECRET), &why), SVC_BADINPUT,
	    "key_pem refuses a secret");
	is_int(jwt_keygen(JWT_HS256, &pem, &n), SVC_BADINPUT,
	    "keygen refuses an HMAC alg");
	ok(jwt_keygen(JWT_EDDSA, &pem, &n) == SVC_OK &&
	    (k = pem_key(pem)) != NULL && jwt_key_private(k) &&
	    jwt_key_alg(k) == JWT_EDDSA, "keygen EdDSA: a private PEM");
	jwt_key_free(k);
	free(pem);
	k = NULL;
	is_int(jwt_sign(kes_pub, GOOD, strlen(GOOD), tok, sizeof(tok), &n),
	    SVC_BADINPUT, "sign: a public key cannot sign");
	is_int(jwt_hmac(kes, "x", 1, (unsigned char *)tok, 64, &n),
	    SVC_BADINPUT, "hmac: an EC key is no secret");
}

/* Sign with each algorithm, verify with the private and public key. */
static void
test_key_roundtrip(void)
{
	struct jwt_key	*keys[3] = { kes, ked, krs };
	unsigned char	 sig[1024];
	size_t		 i, n;
	char		 hdr[160];

	for (i = 0; i < 3; i++) {
		n = sign_good(keys[i]);
		admit_k(keys[i], n, &r0, 42, jwt_alg_name(jwt_key_alg(keys[i])));
		snprintf(hdr, sizeof(hdr),
		    "{\"alg\":\"%s\",\"kid\":\"%s\",\"typ\":\"JWT\"}",
		    jwt_alg_name(jwt_key_alg(keys[i])), jwt_key_kid(keys[i]));
		b64_encode((const unsigned char *)hdr, strlen(hdr),
		    (char *)sig);
		ok(n > 0 && strncmp(tok, (char *)sig, strlen((char *)sig)) ==
		    0, "%s: header is alg, kid, typ",
		    jwt_alg_name(jwt_key_alg(keys[i])));
	}
	n = sign_good(kes);
	ok(sigof(n, sig, sizeof(sig)) == 64, "ES256: signature is 64 bytes");
	admit_k(kes_pub, n, &r0, 42, "ES256 token, verified by the public key");
	n = sign_good(ked);
	ok(sigof(n, sig, sizeof(sig)) == 64, "EdDSA: signature is 64 bytes");
	n = sign_good(kes);
	tok[n - 2] = tok[n - 2] == 'A' ? 'B' : 'A';
	refuse_k(kes, n, &r0, NULL, "ES256 token, signature altered");
	n = sign_good(ked);
	refuse_k(kes, n, &r0, KIDBAD, "EdDSA token, ES256 key");
}

/* ES256: r||s only, each in 1..n-1 (CVE-2022-21449). */
static void
test_es256_signature(void)
{
	static const unsigned char n256[32] = {
		0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
		0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
	};
	unsigned char	 sig[64], bad[80], *p = bad;
	ECDSA_SIG	*es;
	size_t		 n;
	int		 dn;

	n = sign_good(kes);
	sigof(n, sig, sizeof(sig));
	/* The same signature in DER, as OpenSSL itself would write it. */
	es = ECDSA_SIG_new();
	ECDSA_SIG_set0(es, BN_bin2bn(sig, 32, NULL),
	    BN_bin2bn(sig + 32, 32, NULL));
	dn = i2d_ECDSA_SIG(es, &p);
	ECDSA_SIG_free(es);
	refuse_k(kes, resign(n, bad, (size_t)dn), &r0,
	    "ES256 signature is DER, not r||s", "ES256 signature in DER form");
	refuse_k(kes, resign(n, sig, 63), &r0, SIGLEN,
	    "ES256 signature of 63 bytes");
	memcpy(bad, sig, 64);
	bad[64] = 0;
	refuse_k(kes, resign(n, bad, 65), &r0, SIGLEN,
	    "ES256 signature of 65 bytes");
#define RANGE	"ES256 r or s is 0 or not below the order"
	memset(bad, 0, 64);
	refuse_k(kes, resign(n, bad, 64), &r0, RANGE,
	    "ES256 r = s = 0 (psychic signature)");
	memcpy(bad, sig, 64);
	memset(bad, 0, 32);
	refuse_k(kes, resign(n, bad, 64), &r0, RANGE, "ES256 r = 0");
	memcpy(bad, sig, 64);
	memset(bad + 32, 0, 32);
	refuse_k(kes, resign(n, bad, 64), &r0, RANGE, "ES256 s = 0");
	memcpy(bad, n256, 32);
	memcpy(bad + 32, sig + 32, 32);
	refuse_k(kes, resign(n, bad, 64), &r0, RANGE, "ES256 r = n");
	memcpy(bad, sig, 32);
	memcpy(bad + 32, n256, 32);
	refuse_k(kes, resign(n, bad, 64), &r0, RANGE, "ES256 s = n");
	memset(bad + 32, 0xff, 32);
	refuse_k(kes, resign(n, bad, 64), &r0, RANGE, "ES256 s = 2^256 - 1");
	/* r < n still, s + n overflows 256 bits: only s itself is valid. */
	n = resign(n, sig, 64);
	admit_k(kes, n, &r0, 42, "ES256 the original r||s again");
}

/* tok with its header replaced by hdr, signature kept; the length. */
static size_t
rehead(size_t len, const char *hdr)
{
	static char	 rest[3 * JWT_MAX];
	const char	*dot = memchr(tok, '.', len);
	size_t		 n = len - (size_t)(dot - tok), o;

	memcpy(rest, dot, n);
	o = b64_encode((const unsigned char *)hdr, strlen(hdr), tok);
	memcpy(tok + o, rest, n);
	tok[o + n] = '\0';
	return o + n;
}

/* The DER (SubjectPublicKeyInfo) of a public PEM into der; its size. */
static size_t
pem_to_der(const char *pem, size_t n, unsigned char *der)
{
	BIO		*bio = BIO_new_mem_buf(pem, (int)n);
	EVP_PKEY	*pk = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	unsigned char	*p = der;
	int		 len = pk != NULL ? i2d_PUBKEY(pk, &p) : -1;

	EVP_PKEY_free(pk);
	BIO_free(bio);
	if (len <= 0)
		abort();
	return (size_t)len;
}

/*
 * The token names the algorithm, the key names its own: another
 * family, or an HS256 MAC keyed with our public key (PEM, DER or JWK
 * spelling, the classic RS256/HS256 confusion), is refused.
 */
static void
test_confusion(void)
{
	static const char *const names[] = { "PEM", "DER", "JWK" };
	static const char *const algs[] = { "RS256", "EdDSA", "HS256",
	    "HS512", "ES384", "none" };
	struct jwt_key	*hk = NULL;
	char		*pem = NULL, *jwks = NULL, hdr[160], name[80];
	unsigned char	 der[256];
	const char	*spell[3];
	size_t		 len[3], n, i, j;

	if (jwt_key_public_pem(kes, &pem, &len[0]) != SVC_OK ||
	    jwt_jwks(kes, &jwks, &len[2]) != SVC_OK)
		abort();
	spell[0] = pem;
	len[1] = pem_to_der(pem, len[0], der);
	spell[1] = (const char *)der;
	spell[2] = jwks;
	for (i = 0; i < 3; i++) {
		if (jwt_key_new(&hk, JWT_HS256, (const unsigned char *)spell[i],
		    len[i]) != SVC_OK)
			abort();
		for (j = 0; j < 2; j++) {
			snprintf(hdr, sizeof(hdr), j ? "{\"alg\":\"HS256\","
			    "\"kid\":\"%s\"}" : "{\"alg\":\"HS256\"}",
			    jwt_key_kid(kes));
			snprintf(name, sizeof(name), "HS256 keyed with the "
			    "%s public key, %s", names[i], j ? "its kid" :
			    "no kid");
			refuse_k(kes_pub, mk_hmac(hk, hdr), &r0, ALG, name);
		}
		jwt_key_free(hk);
	}
	free(pem);
	free(jwks);
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		snprintf(hdr, sizeof(hdr), "{\"alg\":\"%s\",\"kid\":\"%s\"}",
		    algs[i], jwt_key_kid(kes));
		n = rehead(sign_good(kes), hdr);
		snprintf(name, sizeof(name), "alg %s with an ES256 key's kid",
		    algs[i]);
		refuse_k(kes, n, &r0, ALG, name);
	}
	snprintf(hdr, sizeof(hdr), "{\"alg\":\"ES256\",\"kid\":\"%s\"}",
	    jwt_key_kid(kes));
	/* Control: the right alg passes the header, to the signature. */
	refuse_k(kes, rehead(sign_good(kes), hdr), &r0, SIG,
	    "control: alg ES256 with its kid respelt reaches the signature");
}

/*
 * A set: the first key signs, the others verify.  The kid picks, only
 * among the set; without kid only a set of one reads a token.
 */
static void
test_key_set(void)
{
	struct jwt_key	*set = NULL, *k = NULL;
	char		*json = NULL, hdr[160];
	size_t		 n, i;
	static const char *const priv[] = { "\"d\"", "\"p\"", "\"q\"",
	    "\"dp\"", "\"dq\"", "\"qi\"", "\"k\"" };

	set = pem_key(pem_eddsa);
	k = pem_key(pem_es256);
	ok(set != NULL && k != NULL && jwt_key_add(set, k) == SVC_OK,
	    "set: EdDSA signs, ES256 verifies");
	k = pem_key(pem_es256);
	ok(jwt_key_add(set, k) == SVC_BADINPUT, "set: the same kid twice "
	    "refused");
	jwt_key_free(k);
	ok(jwt_key_new(&k, JWT_HS256, (const unsigned char *)SECRET,
	    strlen(SECRET)) == SVC_OK && jwt_key_add(set, k) == SVC_OK,
	    "set: and an HS256 secret verifies");

	admit_k(set, sign_good(kes), &r0, 42, "set: a token of a verify key");
	admit_k(set, sign_good(ked), &r0, 42, "set: a token of the signer");
	admit_k(set, mk(S_KEY, "{\"alg\":\"HS256\",\"kid\":\"" KID "\"}",
	    GOOD), &r0, 42, "set: a token of the verify secret");
	refuse_k(set, mk(S_KEY, HDR, GOOD), &r0,
	    "kid missing with several keys",
	    "set: absent kid with several keys (PyJWT's default header)");
	refuse_k(set, mk(S_KEY, "{\"alg\":\"HS256\"}", GOOD), &r0,
	    "kid missing with several keys",
	    "set: absent kid with several keys (respelt header)");
	snprintf(hdr, sizeof(hdr), "{\"alg\":\"ES256\"}");
	refuse_k(set, rehead(sign_good(kes), hdr), &r0,
	    "kid missing with several keys", "set: ES256 without kid");
	refuse_k(set, sign_good(krs), &r0, KIDBAD,
	    "set: unknown kid (a key not in the set)");
	refuse_k(set, mk(S_OTHER, "{\"alg\":\"HS256\",\"kid\":\"" KID "\"}",
	    GOOD), &r0, SIG, "set: our secret's kid, another secret's MAC");
	/* The header passes; the signature covers the old header. */
	refuse_k(kes, rehead(sign_good(kes), "{\"alg\":\"ES256\"}"), &r0,
	    SIG, "one key: absent kid passes the header (PyJWT interop)");

	ok(jwt_jwks(set, &json, &n) == SVC_OK && strstr(json, "\"OKP\"") &&
	    strstr(json, "\"EC\"") && strstr(json, jwt_key_kid(kes)) &&
	    strstr(json, jwt_key_kid(ked)) && strstr(json, KID) == NULL &&
	    strstr(json, "\"oct\"") == NULL && strstr(json, "\"use\":\"sig\""),
	    "jwks: both public keys, the secret never");
	for (i = 0; i < sizeof(priv) / sizeof(priv[0]); i++)
		ok(json != NULL && strstr(json, priv[i]) == NULL,
		    "jwks: no private member %s", priv[i]);
	free(json);
	ok(jwt_jwks(krs, &json, &n) == SVC_OK && strstr(json, "\"RSA\"") &&
	    strstr(json, "\"n\"") && strstr(json, "\"e\"") &&
	    strstr(json, "\"d\"") == NULL && strstr(json, "\"p\"") == NULL &&
	    strstr(json, "\"qi\"") == NULL, "jwks: RSA n, e, nothing private");
	free(json);
	ok(jwt_jwks(key, &json, &n) == SVC_OK &&
	    strcmp(json, "{\"keys\":[]}") == 0, "jwks: an HS256 set is empty");
	free(json);
	jwt_key_free(set);
}

/*
 * Rotation (README): B verify-only beside A; then B signs, A verifies;
 * then A is gone.  Tokens of each step pass until A is removed.
 */
static void
test_rotation(void)
{
	struct jwt_key	*a = pem_key(pem_es256), *b = pem_key(pem_eddsa);
	struct jwt_key	*s1 = pem_key(pem_es256), *s2 = pem_key(pem_eddsa);
	struct jwt_key	*s3 = pem_key(pem_eddsa);
	static char	 ta[2 * JWT_MAX], tb[2 * JWT_MAX];
	size_t		 na, nb;

	ok(jwt_key_add(s1, b) == SVC_OK && jwt_key_add(s2, a) == SVC_OK,
	    "rotation: step 1 (A signs, B verifies), step 2 (B signs, A "
	    "verifies)");
	na = sign_good(s1);
	memcpy(ta, tok, na + 1);
	admit_k(s1, na, &r0, 42, "rotation step 1: A's token");
	admit_k(s2, na, &r0, 42, "rotation step 2: A's token still good");
	nb = sign_good(s2);
	memcpy(tb, tok, nb + 1);
	admit_k(s1, nb, &r0, 42, "rotation step 1 set reads B's token");
	memcpy(tok, ta, na + 1);
	refuse_k(s3, na, &r0, KIDBAD, "rotation step 3: A removed, A's token "
	    "refused");
	memcpy(tok, tb, nb + 1);
	admit_k(s3, nb, &r0, 42, "rotation step 3: B's token good");
	jwt_key_free(s1);
	jwt_key_free(s2);
	jwt_key_free(s3);
}

/* ---------------------------------------------------------------- */
/* The cache of verified signatures (lib/vcache.h)                   */
/* ---------------------------------------------------------------- */

/* {"user_id":uid,"exp":exp} signed by k into tok; the length. */
static size_t
sign_uid(struct jwt_key *k, long long uid, long long exp)
{
	char	 pl[128];
	size_t	 n = 0;

	snprintf(pl, sizeof(pl), "{\"user_id\":%lld,\"exp\":%lld}", uid, exp);
	if (jwt_sign(k, pl, strlen(pl), tok, sizeof(tok), &n) != SVC_OK)
		abort();
	return n;
}

/*
 * verify, for rc, *why and c->cached (whether the signature came from
 * the cache); c holds nothing else after it.
 */
static enum svc_err
verify_c(struct jwt_key *k, size_t len, const struct jwt_rules *r,
    struct jwt_claims *c, const char **why)
{
	enum svc_err	 rc;

	int		 cached;

	*why = NULL;
	rc = verify(k, tok, len, r, c, why);
	/* jwt_claims_free zeroes all of c: cached is kept. */
	cached = c->cached;
	if (rc == SVC_OK)
		jwt_claims_free(c);
	c->cached = cached;
	return rc;
}

static int
why_is(const char *why, const char *want)
{
	return why != NULL && strcmp(why, want) == 0;
}

/*
 * A verified ES256 token verifies again from the cache, with the same
 * claims; its claims are still checked on each hit (exp on the fixed
 * clock, token_type); one signature byte changed is a miss, refused.
 */
static void
test_cache_hit(void)
{
	struct jwt_key		*k = pem_key(pem_es256);
	struct jwt_rules	 late = r0;
	struct jwt_claims	 c;
	struct vcache_stats	 st;
	const char		*why;
	long long		 uid, exp;
	size_t			 n;
	char			*sig, was;

	n = sign_uid(k, 42, NOW + 100);
	ok(verify(k, tok, n, &r0, &c, &why) == SVC_OK && !c.cached &&
	    c.user_id == 42, "cache: first ES256 verify is a miss");
	jwt_claims_free(&c);
	jwt_cache_stats(k, &st);
	ok(st.misses == 1 && st.hits == 0 && st.fills == 1 && st.entries == 1,
	    "cache: the verified token is remembered");
	ok(verify(k, tok, n, &r0, &c, &why) == SVC_OK && c.cached,
	    "cache: the same token again is a hit");
	uid = c.user_id;
	exp = c.exp;
	ok(uid == 42 && exp == NOW + 100 && c.key == k &&
	    (fast || c.payload != NULL) && c.via != JWT_VIA_NONE,
	    "cache: a hit reads the same claims from the payload");
	jwt_claims_free(&c);
	jwt_cache_stats(k, &st);
	ok(st.hits == 1 && st.fills == 1, "cache: a hit fills nothing");

	late.now = NOW + 100;
	ok(verify_c(k, n, &late, &c, &why) == SVC_DENIED && c.cached &&
	    why_is(why, "expired"), "cache: a cached token past its exp is "
	    "refused on a hit");
	ok(verify_c(k, n, &rref, &c, &why) == SVC_DENIED && c.cached &&
	    why_is(why, "wrong token_type"),
	    "cache: a hit still checks token_type");
	ok(verify_c(k, n, &rexp, &c, &why) == SVC_OK && c.cached,
	    "cache: a hit, allow_expired");

	sig = strrchr(tok, '.') + 10;
	was = *sig;
	*sig = *sig == 'A' ? 'B' : 'A';
	ok(verify_c(k, n, &r0, &c, &why) == SVC_DENIED && !c.cached &&
	    why_is(why, "bad signature"), "cache: one signature byte "
	    "changed after the good token was cached: a miss, refused");
	*sig = was;
	ok(verify_c(k, n, &r0, &c, &why) == SVC_OK && c.cached,
	    "cache: the good token still hits");
	jwt_key_free(k);
}

/*
 * The cache belongs to its key set: a new set without the key that
 * verified a cached token refuses it, and jwt_key_add empties it.
 */
static void
test_cache_keyset(void)
{
	struct jwt_key		*set = pem_key(pem_es256), *k;
	struct jwt_claims	 c;
	struct vcache_stats	 st;
	const char		*why;
	size_t			 n;

	if (jwt_key_add(set, pem_key(pem_eddsa)) != SVC_OK)
		abort();
	k = pem_key(pem_eddsa);
	n = sign_uid(k, 7, NOW + 100);
	jwt_key_free(k);
	ok(verify_c(set, n, &r0, &c, &why) == SVC_OK && !c.cached &&
	    verify_c(set, n, &r0, &c, &why) == SVC_OK && c.cached,
	    "cache: EdDSA token of a two-key set cached");
	jwt_key_free(set);
	/* Likely at the same address as the old set: nothing carries. */
	set = pem_key(pem_es256);
	ok(verify_c(set, n, &r0, &c, &why) == SVC_DENIED && !c.cached &&
	    why_is(why, "unknown kid"), "cache: a new key set without the "
	    "EdDSA key refuses the token it had cached");
	n = sign_uid(set, 7, NOW + 100);
	ok(verify_c(set, n, &r0, &c, &why) == SVC_OK &&
	    verify_c(set, n, &r0, &c, &why) == SVC_OK && c.cached,
	    "cache: ES256 token cached by a set of one");
	if (jwt_key_add(set, pem_key(pem_eddsa)) != SVC_OK)
		abort();
	jwt_cache_stats(set, &st);
	ok(st.entries == 0 && st.hits == 0, "cache: key_add empties it");
	ok(verify_c(set, n, &r0, &c, &why) == SVC_OK && !c.cached,
	    "cache: after key_add the token is verified again");
	jwt_cache_clear(set);
	jwt_cache_stats(set, &st);
	ok(st.entries == 0 && verify_c(set, n, &r0, &c, &why) == SVC_OK &&
	    !c.cached && verify_c(set, n, &r0, &c, &why) == SVC_OK &&
	    c.cached, "cache: cache_clear empties it, and it fills again");
	jwt_key_free(set);
}

/* Filling past VCACHE_SIZE evicts and never grows; HS256 never. */
static void
test_cache_bound(void)
{
	struct jwt_key		*k = pem_key(pem_eddsa);
	struct jwt_claims	 c;
	struct vcache_stats	 st;
	const char		*why;
	size_t			 i, n, total = VCACHE_SIZE + VCACHE_SIZE / 2;
	int			 bad = 0;

	for (i = 0; i < total; i++) {
		n = sign_uid(k, (long long)i + 1, NOW + 100 + (long long)i);
		if (verify_c(k, n, &r0, &c, &why) != SVC_OK || c.cached)
			bad++;
	}
	jwt_cache_stats(k, &st);
	ok(bad == 0 && st.fills == total && st.entries <= VCACHE_SIZE &&
	    st.entries > VCACHE_SIZE / 2 &&
	    st.entries + st.evictions == total,
	    "cache: %zu tokens into %d entries: %zu kept, %llu evicted",
	    total, VCACHE_SIZE, st.entries, st.evictions);
	ok(verify_c(k, n, &r0, &c, &why) == SVC_OK && c.cached,
	    "cache: the last token filled hits");
	jwt_key_free(k);

	n = sign_uid(key, 42, NOW + 100);
	ok(verify_c(key, n, &r0, &c, &why) == SVC_OK && !c.cached &&
	    verify_c(key, n, &r0, &c, &why) == SVC_OK && !c.cached,
	    "cache: HS256 verifies twice, never cached");
	jwt_cache_stats(key, &st);
	ok(st.hits == 0 && st.misses == 0 && st.fills == 0,
	    "cache: HS256 never looks it up");
}

static void
test_cache(void)
{
	test_cache_hit();
	test_cache_keyset();
	test_cache_bound();
}

static void
test_keys(void)
{
	test_key_loading();
	test_key_roundtrip();
	test_es256_signature();
	test_confusion();
	test_key_set();
	test_rotation();
	test_cache();
}

int
main(void)
{
	/* The programs sign and verify under this set-up: so do the tests. */
	if (app_openssl_init() != 0) {
		printf("Bail out! app_openssl_init\n");
		return 1;
	}
	if (jwt_key_new(&key, JWT_HS256, (const unsigned char *)SECRET,
	    strlen(SECRET)) != SVC_OK ||
	    jwt_key_new(&other, JWT_HS256, (const unsigned char *)OTHER,
	    strlen(OTHER)) != SVC_OK ||
	    jwt_key_new(&key384, JWT_HS384, (const unsigned char *)SECRET,
	    strlen(SECRET)) != SVC_OK ||
	    jwt_key_new(&key512, JWT_HS512, (const unsigned char *)SECRET,
	    strlen(SECRET)) != SVC_OK) {
		printf("Bail out! jwt_key_new\n");
		return 1;
	}
	if ((kes = pem_key(pem_es256)) == NULL ||
	    (ked = pem_key(pem_eddsa)) == NULL || keygen_rsa(&krs) != 0 ||
	    (kes_pub = public_of(kes)) == NULL) {
		printf("Bail out! asymmetric keys\n");
		return 1;
	}
	test_alg_and_keys();
	test_readers();
	test_reader_values();
	for (fast = 0; fast < 2; fast++) {
		verify = fast ? jwt_verify_claims : jwt_verify;
		printf("# %s\n", fast ? "jwt_verify_claims (fast path)" :
		    "jwt_verify");
		test_hmac();
		test_sign();
		test_pyjwt();
		test_table();
		test_segments();
		test_base64();
		test_signature();
		test_size();
		test_claims();
		test_allow_expired();
		test_keys();
	}
	jwt_key_free(kes);
	jwt_key_free(ked);
	jwt_key_free(krs);
	jwt_key_free(kes_pub);
	jwt_key_free(key);
	jwt_key_free(other);
	jwt_key_free(key384);
	jwt_key_free(key512);
	return tap_done();
}
