/*
 * test-pw.c: Django's PBKDF2 hashes.  The vectors were made with
 * Debian 12's python3-django (3.2) make_password and hasher.encode,
 * with small iteration counts so that the test stays fast.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "pw.h"
#include "tap.h"

/* tap.h's is_int evaluates got twice; a call passed here runs once. */
static void
is_once(long long got, long long want, const char *name)
{
	is_int(got, want, name);
}

static const struct vector {
	const char	*name;
	const char	*password;
	const char	*encoded;
} vectors[] = {
	{ "django sha256 1000", "password123",
	  "pbkdf2_sha256$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "django sha1 1000", "password123",
	  "pbkdf2_sha1$1000$abc$3qCNz1f2vRXFjzPbqzR4vh2IwDY=" },
	{ "django sha256 empty password", "",
	  "pbkdf2_sha256$1000$emptysalt$Th/GgYSDV3N4Zpkx3TpFlR/PPyCUSrZ7QQFwKxyd/oo=" },
	{ "django sha256 utf-8 password",
	  "p\xc3\xa4ssw\xc3\xb6rd \xe2\x98\x83",
	  "pbkdf2_sha256$1000$Zq3x9TfLmN0pQrStUvWxYz$NL+KcX1Vu7aRm249JX9LcsF9j4y0In+/zhdlBSKyI9Q=" },
	{ "django sha1 '$' in password", "pa$$word",
	  "pbkdf2_sha1$1000$saltsalt$e887ssxerLgg1VKkzSzzs1kYAmQ=" },
	{ "django sha256 7 iterations", "password123",
	  "pbkdf2_sha256$7$seasalt$ojajDgvwgFMr3NbXM9JJLu9Hu0u6DJHl9OSOpaBNyLk=" },
	{ "django sha1 1 iteration", "password123",
	  "pbkdf2_sha1$1$seasalt$sl0XBig7DkeKM6kpgkT98d/5eAM=" },
	{ "django sha256 random salt", "password123",
	  "pbkdf2_sha256$1000$ADjKfIGXkhqivfRYN2dZEC$s0n0CcEgZm8fcko3SYvqhEcWzxyrLjrTayD3MyRP+Ug=" },
};

#define NVEC	(sizeof(vectors) / sizeof(vectors[0]))

/* Made by Django for "x" * 300. */
static const char long_hash[] =
    "pbkdf2_sha256$1000$longpw$SxhY+lUITw2ZrXPch7LY8gpLIiKrHIfjRSAvBbL8trQ=";

static const struct malformed {
	const char	*name;
	const char	*encoded;
} malformed[] = {
	{ "empty string", "" },
	{ "no dollar", "pbkdf2_sha256" },
	{ "unknown algorithm", "pbkdf2_sha512$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "md5 algorithm", "md5$abc$0123456789abcdef0123456789abcdef" },
	{ "algorithm case", "PBKDF2_SHA256$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "missing hash field", "pbkdf2_sha256$1000$abc" },
	{ "empty hash", "pbkdf2_sha256$1000$abc$" },
	{ "empty salt", "pbkdf2_sha256$1000$$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "empty iterations", "pbkdf2_sha256$$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "zero iterations", "pbkdf2_sha256$0$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "negative iterations", "pbkdf2_sha256$-1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "leading zero iterations", "pbkdf2_sha256$01000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "plus sign iterations", "pbkdf2_sha256$+1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "hex iterations", "pbkdf2_sha256$0x3e8$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "iterations over 100M", "pbkdf2_sha256$100000001$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "iterations overflow", "pbkdf2_sha256$99999999999999999999$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "space in iterations", "pbkdf2_sha256$ 1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "hash too short", "pbkdf2_sha256$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cg=" },
	{ "hash too long", "pbkdf2_sha256$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgwA=" },
	{ "hash without padding", "pbkdf2_sha256$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw" },
	{ "hash base64url", "pbkdf2_sha256$1000$abc$w7fmysQbs9GO6XvtzEilJ_JnVFQ4F-Mzrv6Mnny5cgw=" },
	{ "padding inside hash", "pbkdf2_sha256$1000$abc$w7fmysQbs9GO6Xv=zEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "sha1 length hash for sha256", "pbkdf2_sha256$1000$abc$3qCNz1f2vRXFjzPbqzR4vh2IwDY=" },
	{ "sha256 length hash for sha1", "pbkdf2_sha1$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "fifth field", "pbkdf2_sha256$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=$x" },
	{ "newline after hash", "pbkdf2_sha256$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=\n" },
	{ "control char in salt", "pbkdf2_sha256$1000$a\tc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "leading space", " pbkdf2_sha256$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "bcrypt_sha256 (not supported yet)", "bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234" },
};

#define NMAL	(sizeof(malformed) / sizeof(malformed[0]))

static int	 nwarn;
static char	 lastwarn[1024];

/* Counts log lines and keeps the last, to see what pw_verify logs. */
static void
sink(void *arg, const char *line, size_t len)
{
	(void)arg;
	nwarn++;
	snprintf(lastwarn, sizeof(lastwarn), "%.*s", (int)len, line);
}

static void
test_vectors(void)
{
	const struct vector *v;
	char		 x300[301];
	size_t		 i;

	for (i = 0; i < NVEC; i++) {
		v = &vectors[i];
		is_once(pw_verify(v->password, strlen(v->password), v->encoded),
		    SVC_OK, v->name);
		is_once(pw_verify("wrong", 5, v->encoded), SVC_DENIED,
		    v->name);
	}
	memset(x300, 'x', 300);
	x300[300] = '\0';
	is_once(pw_verify(x300, 300, long_hash), SVC_OK,
	    "django 300-byte password");
	is_once(pw_verify(x300, 299, long_hash), SVC_DENIED,
	    "299 of the 300 bytes refused");
	is_once(pw_verify("password1234", 11, vectors[0].encoded), SVC_OK,
	    "len, not NUL, ends the password");
	is_once(pw_verify("Password123", 11, vectors[0].encoded), SVC_DENIED,
	    "case differs: refused");
	is_once(pw_verify("password12", 10, vectors[0].encoded), SVC_DENIED,
	    "prefix refused");
	is_once(pw_verify("", 0, vectors[0].encoded), SVC_DENIED,
	    "empty password refused");
	is_once(pw_verify(NULL, 0, vectors[2].encoded), SVC_OK,
	    "NULL, 0 is the empty password");
	/* A flipped last character before the padding. */
	is_once(pw_verify("password123", 11,
	    "pbkdf2_sha256$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgx="),
	    SVC_DENIED, "one bit off in the hash refused");
	is_once(pw_verify("password123", 11,
	    "pbkdf2_sha256$1001$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw="),
	    SVC_DENIED, "other iteration count refused");
	is_once(pw_verify("password123", 11,
	    "pbkdf2_sha1$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw="),
	    SVC_DENIED, "sha256 hash relabelled sha1 refused");
}

static void
test_unusable(void)
{
	struct pw_parsed pp;

	is_once(pw_parse("!", &pp), SVC_OK, "'!' parses");
	is_int(pp.alg, PW_UNUSABLE, "'!' is PW_UNUSABLE");
	is_once(pw_parse("!algIGHs90yoBnzMuVImrb0pIkNrGv4kJQJ3baivC", &pp),
	    SVC_OK, "django unusable parses");
	is_int(pp.alg, PW_UNUSABLE, "django unusable is PW_UNUSABLE");
	is_once(pw_verify("", 0, "!"), SVC_DENIED, "'!' matches empty");
	is_once(pw_verify("!", 1, "!"), SVC_DENIED, "'!' matches '!'");
	is_once(pw_verify("password123", 11, "!pbkdf2_sha256$1000$abc$"
	    "w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw="), SVC_DENIED,
	    "'!' before a good hash matches nothing");
}

static void
test_malformed(void)
{
	struct pw_parsed pp;
	char		 big[PW_ENCODED_MAX + 128];
	size_t		 i;
	int		 before;

	for (i = 0; i < NMAL; i++) {
		is_once(pw_parse(malformed[i].encoded, &pp), SVC_BADINPUT,
		    malformed[i].name);
		is_once(pw_verify("password123", 11, malformed[i].encoded),
		    SVC_DENIED, malformed[i].name);
	}
	is_once(pw_parse(NULL, &pp), SVC_BADINPUT, "NULL hash");
	is_once(pw_verify("x", 1, NULL), SVC_DENIED, "NULL hash denied");

	/* Over PW_ENCODED_MAX, with a salt that would be fine otherwise. */
	snprintf(big, sizeof(big), "pbkdf2_sha256$1000$%0*d$%s",
	    PW_ENCODED_MAX, 0, "w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=");
	is_once(pw_parse(big, &pp), SVC_BADINPUT, "over PW_ENCODED_MAX");

	/* pw_verify warned once, without the hash, for all of these. */
	is_int(nwarn, 1, "malformed hashes logged once");
	ok(strstr(lastwarn, "malformed") != NULL &&
	    strstr(lastwarn, "pbkdf2") == NULL &&
	    strstr(lastwarn, "w7fm") == NULL, "warning names no hash: %s",
	    lastwarn);
	before = nwarn;
	pw_verify("x", 1, "garbage");
	is_int(nwarn, before, "still once");
}

static void
test_parse(void)
{
	struct pw_parsed pp;
	enum pw_alg	 alg;

	is_once(pw_parse(vectors[0].encoded, &pp), SVC_OK, "parse sha256");
	is_int(pp.alg, PW_PBKDF2_SHA256, "parse: alg");
	is_int(pp.iterations, 1000, "parse: iterations");
	ok(pp.salt_len == 3 && memcmp(pp.salt, "abc", 3) == 0,
	    "parse: salt");
	ok(pp.hash_len == 44 && memcmp(pp.hash, "w7fm", 4) == 0,
	    "parse: hash");
	is_once(pw_parse(vectors[1].encoded, &pp), SVC_OK, "parse sha1");
	is_int(pp.alg, PW_PBKDF2_SHA1, "parse sha1: alg");
	is_int(pp.hash_len, 28, "parse sha1: hash length");
	is_once(pw_parse("pbkdf2_sha256$100000000$abc$w7fmysQbs9GO6XvtzEilJ/"
	    "JnVFQ4F+Mzrv6Mnny5cgw=", &pp), SVC_OK, "100M iterations parse");
	is_int(pp.iterations, 100000000, "100M iterations value");
	is_once(pw_parse("pbkdf2_sha256$1$a b$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+"
	    "Mzrv6Mnny5cgw=", &pp), SVC_OK, "space in salt parses");

	is_once(pw_alg_parse("pbkdf2_sha256", &alg), SVC_OK, "alg sha256");
	is_int(alg, PW_PBKDF2_SHA256, "alg sha256 value");
	is_once(pw_alg_parse("pbkdf2_sha1", &alg), SVC_OK, "alg sha1");
	is_int(alg, PW_PBKDF2_SHA1, "alg sha1 value");
	is_once(pw_alg_parse("argon2", &alg), SVC_BADINPUT, "alg argon2");
	is_once(pw_alg_parse("pbkdf2_sha2566", &alg), SVC_BADINPUT,
	    "alg longer name");
	is_once(pw_alg_parse("pbkdf2_sha", &alg), SVC_BADINPUT,
	    "alg prefix");
	is_once(pw_alg_parse("", &alg), SVC_BADINPUT, "alg empty");
	is_once(pw_alg_parse("!", &alg), SVC_BADINPUT, "alg '!'");
	is_once(pw_alg_parse(NULL, &alg), SVC_BADINPUT, "alg NULL");
}

static void
test_rehash(void)
{
	const struct pw_policy p1000 = { PW_PBKDF2_SHA256, 1000 };
	const struct pw_policy p2000 = { PW_PBKDF2_SHA256, 2000 };
	const struct pw_policy sha1 = { PW_PBKDF2_SHA1, 1000 };
	const char	*good22 = vectors[7].encoded;

	is_once(pw_needs_rehash(good22, &p1000), 0, "same alg and cost");
	is_once(pw_needs_rehash(good22, &p2000), 1, "other iterations");
	is_once(pw_needs_rehash(good22, &sha1), 1, "other algorithm");
	is_once(pw_needs_rehash(vectors[1].encoded, &p1000), 1,
	    "sha1 under a sha256 policy");
	is_once(pw_needs_rehash(vectors[0].encoded, &p1000), 1,
	    "short salt (Django must_update_salt)");
	is_once(pw_needs_rehash(vectors[3].encoded, &p1000), 0,
	    "22-char salt");
	is_once(pw_needs_rehash("!", &p1000), 0, "unusable: no rehash");
	is_once(pw_needs_rehash("garbage", &p1000), 0, "malformed: no rehash");
	is_once(pw_needs_rehash(good22, NULL), 0, "no policy: no rehash");
}

static void
test_make(void)
{
	const struct pw_policy pol = { PW_PBKDF2_SHA256, 1000 };
	const struct pw_policy pol1 = { PW_PBKDF2_SHA1, 3 };
	const struct pw_policy bad = { PW_UNUSABLE, 1000 };
	const struct pw_policy zero = { PW_PBKDF2_SHA256, 0 };
	struct pw_parsed pp;
	char		 a[PW_ENCODED_MAX], b[PW_ENCODED_MAX];
	size_t		 i;
	int		 alnum = 1;

	is_once(pw_make("s3cret pass", 11, &pol, a, sizeof(a)), SVC_OK,
	    "make sha256");
	ok(strncmp(a, "pbkdf2_sha256$1000$", 19) == 0, "make: prefix %s", a);
	is_once(pw_verify("s3cret pass", 11, a), SVC_OK, "make: round trip");
	is_once(pw_verify("s3cret pasS", 11, a), SVC_DENIED,
	    "make: wrong password");
	is_once(pw_parse(a, &pp), SVC_OK, "make: parses");
	is_int(pp.salt_len, 22, "make: salt is 22 chars");
	for (i = 0; i < pp.salt_len; i++)
		if (!((pp.salt[i] >= 'a' && pp.salt[i] <= 'z') ||
		    (pp.salt[i] >= 'A' && pp.salt[i] <= 'Z') ||
		    (pp.salt[i] >= '0' && pp.salt[i] <= '9')))
			alnum = 0;
	ok(alnum, "make: salt is [A-Za-z0-9]");
	is_once(pw_needs_rehash(a, &pol), 0, "make: no rehash");
	is_once(pw_make("s3cret pass", 11, &pol, b, sizeof(b)), SVC_OK,
	    "make again");
	ok(strcmp(a, b) != 0, "make: two salts differ");

	is_once(pw_make("", 0, &pol1, a, sizeof(a)), SVC_OK, "make sha1");
	ok(strncmp(a, "pbkdf2_sha1$3$", 14) == 0, "make sha1: prefix");
	is_once(pw_verify("", 0, a), SVC_OK, "make sha1: round trip");

	is_once(pw_make("x", 1, &bad, a, sizeof(a)), SVC_BADINPUT,
	    "make unusable refused");
	is_int(a[0], '\0', "make refused: out empty");
	is_once(pw_make("x", 1, &zero, a, sizeof(a)), SVC_BADINPUT,
	    "make 0 iterations refused");
	is_once(pw_make("x", 1, NULL, a, sizeof(a)), SVC_BADINPUT,
	    "make NULL policy refused");
	is_once(pw_make("x", 1, &pol, a, 64), SVC_BADINPUT,
	    "make small buffer refused");
}

static void
test_dummy(void)
{
	const struct pw_policy pol = { PW_PBKDF2_SHA256, 1000 };
	const struct pw_policy bad = { PW_ALG__MAX, 1000 };

	/* Nothing to check but that it returns and leaks nothing. */
	pw_dummy("password123", 11, &pol);
	pw_dummy(NULL, 0, &pol);
	pw_dummy("x", 1, &bad);
	ok(1, "pw_dummy returns");
}

int
main(void)
{
	log_init("test-pw");
	log_set_sink(sink, NULL);
	test_vectors();
	test_unusable();
	test_malformed();
	test_parse();
	test_rehash();
	test_make();
	test_dummy();
	return tap_done();
}
