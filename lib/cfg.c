/*
 * cfg.c: the INI-style configuration file.
 *
 *	# a comment; so is a line starting with ';'
 *	[jwt]
 *	secret_file = secret.key
 *	issuer = "https://auth.example.com"
 *
 * Comments take whole lines only, so that '#' and ';' may appear in
 * values (passwords).  Whitespace around keys and values is trimmed;
 * double quotes around a value keep its spaces and are removed (no
 * escapes inside).  Every key is in cfg_keys below, with its type,
 * bounds and default.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cfg.h"
#include "pw.h"

#define CFG_FILE_MAX	(64 * 1024)	/* config, secret and password */
#define CFG_LINE_MAX	1024
#define CFG_SECS_MAX	(10LL * 366 * 86400)	/* ten years */
#define CFG_IDENT_MAX	64		/* MariaDB's identifier limit */

enum cfg_kind {
	KIND_STR,	/* char *; empty means NULL where the default is */
	KIND_UINT,	/* unsigned, decimal */
	KIND_BOOL,	/* int, 0 or 1 */
	KIND_SECS,	/* long long, decimal with an optional s/m/h/d */
	KIND__MAX
};

struct cfg_key {
	const char	*section;
	const char	*name;
	enum cfg_kind	 kind;
	size_t		 off;	/* of the field in struct cfg */
	const char	*def_str;	/* KIND_STR */
	long long	 def;		/* the others */
	long long	 min, max;
};

#define F(f)	offsetof(struct cfg, f)
#define STR(s, k, f, d)		{ s, k, KIND_STR, F(f), d, 0, 0, 0 }
#define UINT(s, k, f, d, lo, hi) { s, k, KIND_UINT, F(f), NULL, d, lo, hi }
#define BOOL(s, k, f, d)	{ s, k, KIND_BOOL, F(f), NULL, d, 0, 1 }
#define SECS(s, k, f, d, lo, hi) { s, k, KIND_SECS, F(f), NULL, d, lo, hi }

/* Every key, as documented in cfg.h and jwtauth.conf.example. */
static const struct cfg_key cfg_keys[] = {
	STR("database", "host", db_host, "localhost"),
	UINT("database", "port", db_port, 3306, 1, 65535),
	STR("database", "socket", db_socket, NULL),
	STR("database", "name", db_name, "jwtauth"),
	STR("database", "user", db_user, "jwtauth"),
	STR("database", "password", db_password, ""),
	STR("database", "password_file", db_password_file, NULL),
	UINT("database", "connect_timeout", db_connect_timeout, 2, 1, 3600),
	UINT("database", "timeout", db_timeout, 5, 1, 3600),
	STR("database", "users_table", users_table, "auth_user"),

	STR("jwt", "algorithm", jwt_algorithm, "HS256"),
	STR("jwt", "secret_file", secret_file, NULL),
	STR("jwt", "private_key_file", private_key_file, NULL),
	STR("jwt", "verify_key_files", verify_key_files, NULL),
	STR("jwt", "verify_secret_files", verify_secret_files, NULL),
	SECS("jwt", "access_ttl", access_ttl, 3600, 1, CFG_SECS_MAX),
	SECS("jwt", "refresh_ttl", refresh_ttl, 604800, 1, CFG_SECS_MAX),
	SECS("jwt", "leeway", leeway, 0, 0, 86400),
	STR("jwt", "issuer", issuer, NULL),
	STR("jwt", "audience", audience, NULL),
	SECS("jwt", "refresh_reuse_grace", refresh_reuse_grace, 0, 0, 3600),

	STR("password", "algorithm", pw_algorithm, "pbkdf2_sha256"),
	UINT("password", "pbkdf2_iterations", pbkdf2_iterations,
	    PW_PBKDF2_DEFAULT_ITERATIONS, 1, 100000000),
	UINT("password", "max_cost_factor", pw_max_cost_factor, 4, 1, 1000),

	BOOL("login", "update_last_login", update_last_login, 1),
	BOOL("login", "upgrade_hash", upgrade_hash, 1),
	UINT("login", "max_failures_per_user", max_fail_user, 5, 0, 1000000),
	UINT("login", "max_failures_per_address", max_fail_addr, 100, 0,
	    1000000),
	SECS("login", "failure_window", fail_window, 900, 1, 7 * 86400),
	STR("login", "trusted_proxies", trusted_proxies, NULL),
	STR("login", "proxy_header", proxy_header, "X-Forwarded-For"),

	BOOL("register", "enabled", register_enabled, 0),
};

#define CFG_NKEYS	(sizeof(cfg_keys) / sizeof(cfg_keys[0]))

static const char *const cfg_sections[] = {
	"database", "jwt", "password", "login", "register",
};

#define CFG_NSECTIONS	(sizeof(cfg_sections) / sizeof(cfg_sections[0]))

/*
 * HMAC keys at least as long as the hash output (RFC 7518, 3.2: "A key
 * of the same size as the hash output or larger MUST be used").  The
 * others sign with private_key_file; their secret_file keys the
 * password fingerprint (an HMAC-SHA-256).
 */
static const struct cfg_alg {
	const char	*name;
	size_t		 secret_min;
	int		 pem;		/* signs with private_key_file */
} cfg_algs[] = {
	{ "HS256", CFG_SECRET_MIN, 0 },
	{ "HS384", 48, 0 },
	{ "HS512", 64, 0 },
	{ "RS256", CFG_SECRET_MIN, 1 },
	{ "ES256", CFG_SECRET_MIN, 1 },
	{ "EdDSA", CFG_SECRET_MIN, 1 },
};

#define CFG_NALGS	(sizeof(cfg_algs) / sizeof(cfg_algs[0]))

/* What the parser carries from line to line. */
struct cfg_state {
	unsigned	 lineno;
	int		 section;	/* into cfg_sections, or -1 */
	unsigned	 seen[CFG_NKEYS]; /* line of each key, 0: unset */
};

/*
 * Formats a one-line reason into err.  Names and values in it come from
 * the file, so control characters become '?' and the line stays one.
 */
__attribute__((format(printf, 3, 4)))
static void
cfg_errf(char *err, size_t errsz, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	if (vsnprintf(err, errsz, fmt, ap) < 0)
		err[0] = '\0';
	va_end(ap);
	for (p = err; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static void *
cfg_field(struct cfg *cfg, const struct cfg_key *k)
{
	return (char *)cfg + k->off;
}

/* Sets every default; SVC_NOMEM if a string could not be copied. */
static enum svc_err
cfg_defaults(struct cfg *cfg)
{
	const struct cfg_key *k;
	size_t		 i;
	char		**sp;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < CFG_NKEYS; i++) {
		k = &cfg_keys[i];
		switch (k->kind) {
		case KIND_STR:
			sp = cfg_field(cfg, k);
			if (k->def_str != NULL &&
			    (*sp = strdup(k->def_str)) == NULL)
				return SVC_NOMEM;
			break;
		case KIND_UINT:
			*(unsigned *)cfg_field(cfg, k) = (unsigned)k->def;
			break;
		case KIND_BOOL:
			*(int *)cfg_field(cfg, k) = (int)k->def;
			break;
		case KIND_SECS:
			*(long long *)cfg_field(cfg, k) = k->def;
			break;
		default:
			abort();
		}
	}
	return SVC_OK;
}

/*
 * Decimal digits of s into *v, at most max, then one optional unit
 * letter from units (each worth mult[i]).  SVC_BADINPUT when s is not
 * a number; SVC_TOOBIG when it is beyond max.
 */
static enum svc_err
cfg_number(const char *s, const char *units, const long long *mult,
    long long max, long long *v)
{
	const char	*u;
	long long	 n = 0;

	if (*s < '0' || *s > '9')
		return SVC_BADINPUT;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (n > (LLONG_MAX - (*s - '0')) / 10)
			return SVC_TOOBIG;
		n = n * 10 + (*s - '0');
	}
	if (*s != '\0') {
		if (units == NULL || (u = strchr(units, *s)) == NULL ||
		    s[1] != '\0')
			return SVC_BADINPUT;
		if (n > LLONG_MAX / mult[u - units])
			return SVC_TOOBIG;
		n *= mult[u - units];
	}
	if (n > max)
		return SVC_TOOBIG;
	*v = n;
	return SVC_OK;
}

/* yes/no, true/false, on/off, 1/0, any case; -1 for anything else. */
static int
cfg_bool(const char *s)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t		 i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

static enum svc_err
cfg_set_str(struct cfg *cfg, const struct cfg_key *k, const char *val)
{
	char	**sp = cfg_field(cfg, k), *copy = NULL;

	/* An empty value unsets a key whose default is unset. */
	if (val[0] != '\0' || k->def_str != NULL)
		if ((copy = strdup(val)) == NULL)
			return SVC_NOMEM;
	if (*sp != NULL) {
		OPENSSL_cleanse(*sp, strlen(*sp));
		free(*sp);
	}
	*sp = copy;
	return SVC_OK;
}

/* Stores val in k's field, or writes why not to err. */
static enum svc_err
cfg_set(struct cfg *cfg, const struct cfg_key *k, const char *val,
    const struct cfg_state *st, char *err, size_t errsz)
{
	static const long long mult[] = { 1, 60, 3600, 86400 };
	long long	 n = 0;
	enum svc_err	 rc;
	int		 b;

	switch (k->kind) {
	case KIND_STR:
		if ((rc = cfg_set_str(cfg, k, val)) != SVC_OK)
			cfg_errf(err, errsz, "line %u: out of memory",
			    st->lineno);
		return rc;
	case KIND_BOOL:
		if ((b = cfg_bool(val)) == -1) {
			cfg_errf(err, errsz, "line %u: [%s] %s: \"%s\" is "
			    "not yes/no/true/false/on/off/1/0", st->lineno,
			    k->section, k->name, val);
			return SVC_BADINPUT;
		}
		*(int *)cfg_field(cfg, k) = b;
		return SVC_OK;
	case KIND_UINT:
	case KIND_SECS:
		rc = cfg_number(val, k->kind == KIND_SECS ? "smhd" : NULL,
		    mult, k->max, &n);
		if (rc == SVC_OK && n < k->min)
			rc = SVC_TOOBIG;
		break;
	default:
		abort();
	}
	if (rc == SVC_BADINPUT) {
		cfg_errf(err, errsz, "line %u: [%s] %s: \"%s\" is not %s",
		    st->lineno, k->section, k->name, val,
		    k->kind == KIND_SECS ? "a number of seconds (optionally "
		    "with s, m, h or d)" : "a number");
		return rc;
	}
	if (rc != SVC_OK) {
		cfg_errf(err, errsz, "line %u: [%s] %s: \"%s\" is out of "
		    "range %lld..%lld", st->lineno, k->section, k->name, val,
		    k->min, k->max);
		return SVC_BADINPUT;
	}
	if (k->kind == KIND_UINT)
		*(unsigned *)cfg_field(cfg, k) = (unsigned)n;
	else
		*(long long *)cfg_field(cfg, k) = n;
	return SVC_OK;
}

/* Trims spaces and tabs at both ends of s, in place. */
static char *
cfg_trim(char *s)
{
	size_t	 n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* "[name]": makes name the current section. */
static enum svc_err
cfg_section(struct cfg_state *st, char *line, char *err, size_t errsz)
{
	char	*end, *name;
	size_t	 i;

	if ((end = strchr(line, ']')) == NULL) {
		cfg_errf(err, errsz, "line %u: section header without ']'",
		    st->lineno);
		return SVC_BADINPUT;
	}
	if (end[1] != '\0') {
		cfg_errf(err, errsz, "line %u: text after ']'", st->lineno);
		return SVC_BADINPUT;
	}
	*end = '\0';
	name = cfg_trim(line + 1);
	for (i = 0; i < CFG_NSECTIONS; i++)
		if (strcmp(name, cfg_sections[i]) == 0) {
			st->section = (int)i;
			return SVC_OK;
		}
	cfg_errf(err, errsz, "line %u: unknown section [%s]", st->lineno,
	    name);
	return SVC_BADINPUT;
}

/*
 * The value after '=': trimmed, and a pair of double quotes around it
 * removed.  NULL for an opening quote that is never closed.
 */
static char *
cfg_value(char *s)
{
	size_t	 n;

	s = cfg_trim(s);
	if (s[0] != '"')
		return s;
	n = strlen(s);
	if (n < 2 || s[n - 1] != '"')
		return NULL;
	s[n - 1] = '\0';
	return s + 1;
}

/* "key = value" in the current section. */
static enum svc_err
cfg_pair(struct cfg *cfg, struct cfg_state *st, char *line,
    char *err, size_t errsz)
{
	const char	*sect;
	char		*eq, *name, *val;
	size_t		 i;

	if ((eq = strchr(line, '=')) == NULL) {
		cfg_errf(err, errsz, "line %u: expected \"key = value\", "
		    "\"[section]\" or a comment", st->lineno);
		return SVC_BADINPUT;
	}
	*eq = '\0';
	name = cfg_trim(line);
	if (name[0] == '\0') {
		cfg_errf(err, errsz, "line %u: no key before '='", st->lineno);
		return SVC_BADINPUT;
	}
	if (st->section < 0) {
		cfg_errf(err, errsz, "line %u: key \"%s\" before any "
		    "[section]", st->lineno, name);
		return SVC_BADINPUT;
	}
	sect = cfg_sections[st->section];
	for (i = 0; i < CFG_NKEYS; i++)
		if (strcmp(cfg_keys[i].section, sect) == 0 &&
		    strcmp(cfg_keys[i].name, name) == 0)
			break;
	if (i == CFG_NKEYS) {
		cfg_errf(err, errsz, "line %u: unknown key \"%s\" in [%s]",
		    st->lineno, name, sect);
		return SVC_BADINPUT;
	}
	if (st->seen[i] != 0) {
		cfg_errf(err, errsz, "line %u: duplicate key \"%s\" in [%s] "
		    "(first on line %u)", st->lineno, name, sect, st->seen[i]);
		return SVC_BADINPUT;
	}
	st->seen[i] = st->lineno;
	/* The value is never quoted back: it may be a password. */
	if ((val = cfg_value(eq + 1)) == NULL) {
		cfg_errf(err, errsz, "line %u: [%s] %s: unterminated '\"'",
		    st->lineno, sect, name);
		return SVC_BADINPUT;
	}
	return cfg_set(cfg, &cfg_keys[i], val, st, err, errsz);
}

/* One line, without its end of line, as a C string. */
static enum svc_err
cfg_line(struct cfg *cfg, struct cfg_state *st, char *line,
    char *err, size_t errsz)
{
	line = cfg_trim(line);
	if (line[0] == '\0' || line[0] == '#' || line[0] == ';')
		return SVC_OK;
	if (line[0] == '[')
		return cfg_section(st, line, err, errsz);
	return cfg_pair(cfg, st, line, err, errsz);
}

/* ------------------------------------------------------------------ */
/* Values derived from others: the trusted proxies and their header.   */

/* The line of key name in [login], for messages (0: not set). */
static unsigned
cfg_line_of(const struct cfg_state *st, const char *name)
{
	size_t	 i;

	for (i = 0; i < CFG_NKEYS; i++)
		if (strcmp(cfg_keys[i].section, "login") == 0 &&
		    strcmp(cfg_keys[i].name, name) == 0)
			return st->seen[i];
	return 0;
}

/*
 * One entry of trusted_proxies: an IPv4 or IPv6 address, optionally
 * with "/bits".  Returns 0 on success.
 */
static int
cfg_net_parse(const char *s, struct cfg_net *n)
{
	char		 buf[INET6_ADDRSTRLEN + 8], *slash;
	long long	 bits = -1, max;

	if (strlen(s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, strlen(s) + 1);
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash = '\0';
		if (cfg_number(slash + 1, NULL, NULL, 128, &bits) != SVC_OK)
			return -1;
	}
	memset(n, 0, sizeof(*n));
	if (inet_pton(AF_INET, buf, n->addr) == 1) {
		n->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, n->addr) == 1) {
		n->family = AF_INET6;
		max = 128;
	} else
		return -1;
	if (bits > max)
		return -1;
	n->bits = bits < 0 ? (unsigned)max : (unsigned)bits;
	return 0;
}

/* trusted_proxies: a comma- or space-separated list. */
static enum svc_err
cfg_proxies(struct cfg *cfg, const struct cfg_state *st, char *err,
    size_t errsz)
{
	char		 item[CFG_LINE_MAX + 1];
	const char	*p = cfg->trusted_proxies;
	size_t		 n;

	cfg->nproxies = 0;
	while (p != NULL && *p != '\0') {
		p += strspn(p, ", \t");
		if ((n = strcspn(p, ", \t")) == 0)
			break;
		memcpy(item, p, n);
		item[n] = '\0';
		p += n;
		if (cfg->nproxies == CFG_PROXIES_MAX) {
			cfg_errf(err, errsz, "line %u: [login] trusted_proxies: "
			    "more than %d entries",
			    cfg_line_of(st, "trusted_proxies"),
			    CFG_PROXIES_MAX);
			return SVC_BADINPUT;
		}
		if (cfg_net_parse(item, &cfg->proxies[cfg->nproxies]) != 0) {
			cfg_errf(err, errsz, "line %u: [login] trusted_proxies: "
			    "\"%s\" is not an IP address or network",
			    cfg_line_of(st, "trusted_proxies"), item);
			return SVC_BADINPUT;
		}
		cfg->nproxies++;
	}
	return SVC_OK;
}

/*
 * proxy_header, a header name (RFC 9110 5.1: a token; we take letters,
 * digits and '-'), as the CGI variable that carries it (RFC 3875
 * 4.1.18): "X-Forwarded-For" -> "HTTP_X_FORWARDED_FOR".
 */
static enum svc_err
cfg_proxy_header(struct cfg *cfg, const struct cfg_state *st, char *err,
    size_t errsz)
{
	const char	*h = cfg->proxy_header;
	size_t		 i, n = h != NULL ? strlen(h) : 0;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '-')
			break;
	if (n == 0 || n > CFG_HEADER_MAX || i < n) {
		cfg_errf(err, errsz, "line %u: [login] proxy_header: \"%s\" is "
		    "not a header name (letters, digits and '-', at most %d)",
		    cfg_line_of(st, "proxy_header"), h != NULL ? h : "",
		    CFG_HEADER_MAX);
		return SVC_BADINPUT;
	}
	memcpy(cfg->proxy_param, "HTTP_", 5);
	for (i = 0; i < n; i++)
		cfg->proxy_param[5 + i] = h[i] == '-' ? '_' :
		    (char)toupper((unsigned char)h[i]);
	cfg->proxy_param[5 + n] = '\0';
	return SVC_OK;
}

static enum svc_err
cfg_derive(struct cfg *cfg, const struct cfg_state *st, char *err,
    size_t errsz)
{
	enum svc_err	 rc;

	if ((rc = cfg_proxies(cfg, st, err, errsz)) != SVC_OK)
		return rc;
	return cfg_proxy_header(cfg, st, err, errsz);
}

enum svc_err
cfg_parse(struct cfg *cfg, const char *text, size_t len,
    char *err, size_t errsz)
{
	struct cfg_state st;
	char		 line[CFG_LINE_MAX + 1];
	const char	*eol;
	size_t		 pos = 0, n;
	enum svc_err	 rc;

	if (err != NULL && errsz > 0)
		err[0] = '\0';
	memset(&st, 0, sizeof(st));
	st.section = -1;
	if ((rc = cfg_defaults(cfg)) != SVC_OK) {
		cfg_errf(err, errsz, "out of memory");
		goto out;
	}
	/* A UTF-8 byte order mark, as some Windows editors write. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		st.lineno++;
		eol = memchr(text + pos, '\n', len - pos);
		n = (eol != NULL ? (size_t)(eol - text) : len) - pos;
		if (n > CFG_LINE_MAX) {
			cfg_errf(err, errsz, "line %u: longer than %d bytes",
			    st.lineno, CFG_LINE_MAX);
			rc = SVC_BADINPUT;
			goto out;
		}
		if (memchr(text + pos, '\0', n) != NULL) {
			cfg_errf(err, errsz, "line %u: NUL byte", st.lineno);
			rc = SVC_BADINPUT;
			goto out;
		}
		memcpy(line, text + pos, n);
		pos += n + (eol != NULL ? 1 : 0);
		if (n > 0 && line[n - 1] == '\r')
			n--;
		line[n] = '\0';
		if ((rc = cfg_line(cfg, &st, line, err, errsz)) != SVC_OK)
			goto out;
	}
	rc = cfg_derive(cfg, &st, err, errsz);
out:
	OPENSSL_cleanse(line, sizeof(line));
	if (rc != SVC_OK)
		cfg_free(cfg);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Files: the config itself, the secret, the database password.        */

/*
 * Reads the regular file at path, at most max bytes, into a new
 * NUL-terminated buffer (*buf, *len; the caller frees it).  On failure
 * writes why (without the path) and leaves *buf NULL.
 */
static enum svc_err
cfg_slurp(const char *path, size_t max, int secret, char **buf,
    size_t *len, char *why, size_t whysz)
{
	struct stat	 sb;
	char		*p = NULL;
	size_t		 cap, got = 0;
	ssize_t		 r;
	enum svc_err	 rc = SVC_IO;
	int		 fd = -1;

	*buf = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1) {
		snprintf(why, whysz, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(why, whysz, "not a regular file");
		goto out;
	}
	/*
	 * A secret that others may read, or anyone but its owner may
	 * replace, is no secret: refuse it rather than run on it.  Group
	 * read stays allowed, for the web server's group.
	 */
	if (secret && (sb.st_mode & (S_IRWXO | S_IWGRP | S_IXGRP)) != 0) {
		snprintf(why, whysz, "mode %04o: must not be readable by "
		    "others nor writable by the group (chmod 640)",
		    (unsigned)(sb.st_mode & 07777));
		rc = SVC_BADINPUT;
		goto out;
	}
	if (sb.st_size < 0 || (unsigned long long)sb.st_size > max) {
		snprintf(why, whysz, "over %zu bytes", max);
		rc = SVC_TOOBIG;
		goto out;
	}
	/* One byte more than the size, to notice a file that grew. */
	cap = (size_t)sb.st_size + 1;
	if ((p = malloc(cap + 1)) == NULL) {
		snprintf(why, whysz, "out of memory");
		rc = SVC_NOMEM;
		goto out;
	}
	while (got < cap) {
		if ((r = read(fd, p + got, cap - got)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(why, whysz, "%s", strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (got == cap) {
		snprintf(why, whysz, "changed while being read");
		goto out;
	}
	p[got] = '\0';
	*buf = p;
	*len = got;
	p = NULL;
	rc = SVC_OK;
out:
	if (p != NULL) {
		OPENSSL_cleanse(p, cap + 1);
		free(p);
	}
	if (fd != -1)
		close(fd);
	return rc;
}

/*
 * file as named in the config: absolute, or relative to the directory
 * of the config at path.  Returns a new string, NULL when out of memory.
 */
static char *
cfg_resolve(const char *path, const char *file)
{
	const char	*slash;
	char		*out;
	size_t		 dirlen, sz;

	if (file[0] == '/' || (slash = strrchr(path, '/')) == NULL)
		return strdup(file);
	dirlen = (size_t)(slash - path) + 1;
	sz = dirlen + strlen(file) + 1;
	if ((out = malloc(sz)) == NULL)
		return NULL;
	memcpy(out, path, dirlen);
	memcpy(out + dirlen, file, sz - dirlen);
	return out;
}

/* Cuts one final "\n" or "\r\n", as editors and `echo` leave one. */
static void
cfg_chomp(char *buf, size_t *len)
{
	if (*len > 0 && buf[*len - 1] == '\n') {
		buf[--*len] = '\0';
		if (*len > 0 && buf[*len - 1] == '\r')
			buf[--*len] = '\0';
	}
}

/*
 * Reads a secret file named in the config at path into *buf and *len, the
 * final newline cut.  On failure writes "<path>: <key>: <file>: why".
 */
static enum svc_err
cfg_secret(const char *path, const char *key, const char *file,
    char **buf, size_t *len, char *err, size_t errsz)
{
	char		 why[128];
	char		*full;
	enum svc_err	 rc;

	if ((full = cfg_resolve(path, file)) == NULL) {
		cfg_errf(err, errsz, "%s: out of memory", path);
		return SVC_NOMEM;
	}
	rc = cfg_slurp(full, CFG_FILE_MAX, 1, buf, len, why, sizeof(why));
	if (rc != SVC_OK)
		cfg_errf(err, errsz, "%s: %s: %s: %s", path, key, full, why);
	else
		cfg_chomp(*buf, len);
	free(full);
	return rc;
}

/* The JWT key: required, and long enough for the algorithm. */
static enum svc_err
cfg_load_secret(struct cfg *cfg, const char *path, size_t min,
    char *err, size_t errsz)
{
	char		*buf = NULL, *full = NULL;
	size_t		 len = 0;
	enum svc_err	 rc;

	if (cfg->secret_file == NULL) {
		cfg_errf(err, errsz, "%s: [jwt] secret_file is required",
		    path);
		return SVC_BADINPUT;
	}
	rc = cfg_secret(path, "secret_file", cfg->secret_file, &buf, &len,
	    err, errsz);
	if (rc != SVC_OK)
		return rc;
	if (len < min) {
		full = cfg_resolve(path, cfg->secret_file);
		cfg_errf(err, errsz, "%s: secret_file: %s is %zu bytes, need "
		    "at least %zu", path, full != NULL ? full :
		    cfg->secret_file, len, min);
		free(full);
		OPENSSL_cleanse(buf, len);
		free(buf);
		return SVC_BADINPUT;
	}
	cfg->secret = (unsigned char *)buf;
	cfg->secret_len = len;
	return SVC_OK;
}

/*
 * The mode rule of secrets (cfg_slurp) for a verify_key_files entry
 * that turns out to hold a private key.  Returns 0, or -1 with why.
 */
static int
cfg_private_mode(const char *full, const struct cfg_blob *b, char *why,
    size_t whysz)
{
	struct stat	 sb;

	if (strstr(b->data, "PRIVATE KEY-----") == NULL)
		return 0;
	if (stat(full, &sb) == -1) {
		snprintf(why, whysz, "%s", strerror(errno));
		return -1;
	}
	if ((sb.st_mode & (S_IRWXO | S_IWGRP | S_IXGRP)) != 0) {
		snprintf(why, whysz, "mode %04o: must not be readable by "
		    "others nor writable by the group (chmod 640)",
		    (unsigned)(sb.st_mode & 07777));
		return -1;
	}
	return 0;
}

/*
 * One key file of [jwt] into b: kind 0 a private key, 1 a verify key
 * (public, or private under the same mode rule), 2 a verify secret of
 * at least min bytes, its final newline cut.  On failure err names
 * the config, the key and the file.
 */
static enum svc_err
cfg_key_file(const char *path, const char *key, const char *file,
    int kind, size_t min, struct cfg_blob *b, char *err, size_t errsz)
{
	char		 why[128];
	enum svc_err	 rc;

	if ((b->file = cfg_resolve(path, file)) == NULL) {
		cfg_errf(err, errsz, "%s: out of memory", path);
		return SVC_NOMEM;
	}
	rc = cfg_slurp(b->file, CFG_FILE_MAX, kind != 1, &b->data, &b->len,
	    why, sizeof(why));
	if (rc == SVC_OK && kind == 1 &&
	    cfg_private_mode(b->file, b, why, sizeof(why)) == -1)
		rc = SVC_BADINPUT;
	if (rc == SVC_OK && kind == 2) {
		cfg_chomp(b->data, &b->len);
		if (b->len < min) {
			snprintf(why, sizeof(why), "%zu bytes, need at least "
			    "%zu", b->len, min);
			rc = SVC_BADINPUT;
		}
	}
	if (rc != SVC_OK)
		cfg_errf(err, errsz, "%s: %s: %s: %s", path, key, b->file, why);
	return rc;
}

/*
 * A space-separated list of key files into bs (*n of them, at most
 * CFG_KEYS_MAX).  Returns SVC_OK, or an error with err set.
 */
static enum svc_err
cfg_key_list(const char *path, const char *key, const char *list,
    int kind, size_t min, struct cfg_blob *bs, size_t *n, char *err,
    size_t errsz)
{
	char		*copy, *word, *save = NULL;
	enum svc_err	 rc = SVC_OK;

	*n = 0;
	if (list == NULL)
		return SVC_OK;
	if ((copy = strdup(list)) == NULL) {
		cfg_errf(err, errsz, "%s: out of memory", path);
		return SVC_NOMEM;
	}
	for (word = strtok_r(copy, " \t", &save); word != NULL && rc ==
	    SVC_OK; word = strtok_r(NULL, " \t", &save)) {
		if (*n == CFG_KEYS_MAX) {
			cfg_errf(err, errsz, "%s: [jwt] %s: more than %d "
			    "files", path, key, CFG_KEYS_MAX);
			rc = SVC_BADINPUT;
			break;
		}
		rc = cfg_key_file(path, key, word, kind, min, &bs[(*n)++],
		    err, errsz);
	}
	free(copy);
	return rc;
}

/* private_key_file, verify_key_files and verify_secret_files. */
static enum svc_err
cfg_load_keys(struct cfg *cfg, const char *path, size_t min, char *err,
    size_t errsz)
{
	enum svc_err	 rc;

	if (cfg->private_key_file != NULL &&
	    (rc = cfg_key_file(path, "private_key_file",
	    cfg->private_key_file, 0, 0, &cfg->private_key, err,
	    errsz)) != SVC_OK)
		return rc;
	if ((rc = cfg_key_list(path, "verify_key_files",
	    cfg->verify_key_files, 1, 0, cfg->verify_keys,
	    &cfg->nverify_keys, err, errsz)) != SVC_OK)
		return rc;
	return cfg_key_list(path, "verify_secret_files",
	    cfg->verify_secret_files, 2, min, cfg->verify_secrets,
	    &cfg->nverify_secrets, err, errsz);
}

/* The database password from password_file, when one is named. */
static enum svc_err
cfg_load_password(struct cfg *cfg, const char *path, char *err,
    size_t errsz)
{
	char		*buf = NULL;
	size_t		 len = 0;
	enum svc_err	 rc;

	if (cfg->db_password_file == NULL)
		return SVC_OK;
	if (cfg->db_password != NULL && cfg->db_password[0] != '\0') {
		cfg_errf(err, errsz, "%s: [database] password and "
		    "password_file are both set", path);
		return SVC_BADINPUT;
	}
	rc = cfg_secret(path, "password_file", cfg->db_password_file, &buf,
	    &len, err, errsz);
	if (rc != SVC_OK)
		return rc;
	/* The client library takes a C string: a NUL would cut it. */
	if (memchr(buf, '\0', len) != NULL) {
		cfg_errf(err, errsz, "%s: password_file: holds a NUL byte",
		    path);
		OPENSSL_cleanse(buf, len);
		free(buf);
		return SVC_BADINPUT;
	}
	free(cfg->db_password);
	cfg->db_password = buf;
	return SVC_OK;
}

/* ^[A-Za-z_][A-Za-z0-9_]{0,63}$: safe to paste into SQL unquoted. */
static int
cfg_is_ident(const char *s)
{
	size_t	 i;

	if (s == NULL || s[0] == '\0' || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (i >= CFG_IDENT_MAX || !((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/*
 * The names [password] algorithm takes, ", " between, into buf: read
 * from pwalg's table, so that the message cannot fall behind it.
 */
static void
cfg_pw_alg_names(char *buf, size_t bufsz)
{
	const char	*name;
	size_t		 len = 0;
	int		 i, n;

	buf[0] = '\0';
	for (i = 0; i < PW_ALG__MAX; i++) {
		if ((name = pw_alg_django((enum pw_alg)i)) == NULL)
			continue;
		n = snprintf(buf + len, bufsz - len, "%s%s",
		    len > 0 ? ", " : "", name);
		if (n < 0 || (size_t)n >= bufsz - len)
			break;
		len += (size_t)n;
	}
}

/*
 * The checks that span keys or need other modules.  Sets *secret_min
 * from the JWT algorithm.
 */
static enum svc_err
cfg_check(const struct cfg *cfg, const char *path, size_t *secret_min,
    char *err, size_t errsz)
{
	enum pw_alg	 alg;
	char		 names[128];
	size_t		 i;

	for (i = 0; i < CFG_NALGS; i++)
		if (cfg->jwt_algorithm != NULL &&
		    strcmp(cfg->jwt_algorithm, cfg_algs[i].name) == 0)
			break;
	if (i == CFG_NALGS) {
		cfg_errf(err, errsz, "%s: [jwt] algorithm \"%s\" is not one "
		    "of HS256, HS384, HS512, RS256, ES256, EdDSA", path,
		    cfg->jwt_algorithm != NULL ? cfg->jwt_algorithm : "");
		return SVC_BADINPUT;
	}
	*secret_min = cfg_algs[i].secret_min;
	if (cfg_algs[i].pem != (cfg->private_key_file != NULL)) {
		cfg_errf(err, errsz, cfg_algs[i].pem ? "%s: [jwt] "
		    "private_key_file is required with algorithm %s" :
		    "%s: [jwt] private_key_file is for RS256, ES256 and "
		    "EdDSA, not %s", path, cfg_algs[i].name);
		return SVC_BADINPUT;
	}
	if (pw_alg_parse(cfg->pw_algorithm, &alg) != SVC_OK) {
		cfg_pw_alg_names(names, sizeof(names));
		cfg_errf(err, errsz, "%s: [password] algorithm \"%s\" is not "
		    "one of %s", path,
		    cfg->pw_algorithm != NULL ? cfg->pw_algorithm : "", names);
		return SVC_BADINPUT;
	}
	/* The table name is pasted into SQL: no quoting can be trusted. */
	if (!cfg_is_ident(cfg->users_table)) {
		cfg_errf(err, errsz, "%s: [database] users_table \"%s\" is not "
		    "an identifier of at most %d letters, digits and '_'",
		    path, cfg->users_table != NULL ? cfg->users_table : "",
		    CFG_IDENT_MAX);
		return SVC_BADINPUT;
	}
	return SVC_OK;
}

enum svc_err
cfg_load(struct cfg *cfg, const char *path, char *err, size_t errsz)
{
	char		 why[256], perr[CFG_LINE_MAX];
	char		*text = NULL;
	size_t		 len = 0, secret_min = CFG_SECRET_MIN;
	enum svc_err	 rc;

	memset(cfg, 0, sizeof(*cfg));
	if (err != NULL && errsz > 0)
		err[0] = '\0';
	if ((rc = cfg_slurp(path, CFG_FILE_MAX, 0, &text, &len, why,
	    sizeof(why))) != SVC_OK) {
		cfg_errf(err, errsz, "%s: %s", path, why);
		goto out;
	}
	if ((rc = cfg_parse(cfg, text, len, perr, sizeof(perr))) != SVC_OK) {
		cfg_errf(err, errsz, "%s: %s", path, perr);
		goto out;
	}
	if ((rc = cfg_check(cfg, path, &secret_min, err, errsz)) != SVC_OK ||
	    (rc = cfg_load_secret(cfg, path, secret_min, err,
	    errsz)) != SVC_OK ||
	    (rc = cfg_load_keys(cfg, path, secret_min, err,
	    errsz)) != SVC_OK ||
	    (rc = cfg_load_password(cfg, path, err, errsz)) != SVC_OK)
		goto out;
	rc = SVC_OK;
out:
	if (text != NULL) {
		/* It may hold the database password. */
		OPENSSL_cleanse(text, len);
		free(text);
	}
	if (rc != SVC_OK)
		cfg_free(cfg);
	return rc;
}

enum svc_err
cfg_read_key(const char *file, struct cfg_blob *b, char *err, size_t errsz)
{
	char		 why[128];
	enum svc_err	 rc = SVC_NOMEM;

	memset(b, 0, sizeof(*b));
	if ((b->file = strdup(file)) == NULL)
		snprintf(why, sizeof(why), "out of memory");
	else if ((rc = cfg_slurp(file, CFG_FILE_MAX, 0, &b->data, &b->len,
	    why, sizeof(why))) == SVC_OK &&
	    cfg_private_mode(file, b, why, sizeof(why)) == -1)
		rc = SVC_BADINPUT;
	if (rc != SVC_OK) {
		cfg_errf(err, errsz, "%s: %s", file, why);
		cfg_blob_free(b);
	}
	return rc;
}

void
cfg_blob_free(struct cfg_blob *b)
{
	if (b->data != NULL) {
		OPENSSL_cleanse(b->data, b->len);
		free(b->data);
	}
	free(b->file);
	memset(b, 0, sizeof(*b));
}

void
cfg_free(struct cfg *cfg)
{
	size_t	 i;
	char	**sp;

	if (cfg == NULL)
		return;
	if (cfg->secret != NULL) {
		OPENSSL_cleanse(cfg->secret, cfg->secret_len);
		free(cfg->secret);
	}
	cfg_blob_free(&cfg->private_key);
	for (i = 0; i < CFG_KEYS_MAX; i++) {
		cfg_blob_free(&cfg->verify_keys[i]);
		cfg_blob_free(&cfg->verify_secrets[i]);
	}
	for (i = 0; i < CFG_NKEYS; i++) {
		if (cfg_keys[i].kind != KIND_STR)
			continue;
		sp = cfg_field(cfg, &cfg_keys[i]);
		if (*sp == NULL)
			continue;
		/* Cheap for the rest; needed for the password. */
		OPENSSL_cleanse(*sp, strlen(*sp));
		free(*sp);
	}
	memset(cfg, 0, sizeof(*cfg));
}

const char *
cfg_path(void)
{
	const char	*p = getenv("JWTAUTH_CONFIG");

	return p != NULL && p[0] != '\0' ? p : CFG_DEFAULT_PATH;
}
