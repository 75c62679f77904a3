/*
 * jwtauth-admin: the operator's command: schema migrations, users,
 * hashes and secrets.  One table of commands drives the dispatch, the
 * help and the usage errors.  Messages go to stderr in the style of
 * err(3): "jwtauth-admin: <command>: <what>".  Exit status 0 on
 * success, 1 on failure, 2 on a usage error.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "b64.h"
#include "cfg.h"
#include "db.h"
#include "log.h"
#include "pw.h"
#include "throttle.h"
#include "tokens.h"
#include "users.h"

#define PROGNAME	"jwtauth-admin"
#ifndef SQL_DIR
#define SQL_DIR		"/usr/local/share/jwtauth/sql"
#endif
#define SQL_FILE_MAX	(256 * 1024)	/* bytes of one migration file */
#define PASSWORD_MAX	4096
#define PURGE_BATCH	10000	/* rows per DELETE */

/* What a command needs before it runs. */
enum admin_need {
	ADMIN_NOTHING,		/* no config, no database */
	ADMIN_CFG_IF_ANY,	/* the config when it can be read */
	ADMIN_CFG,		/* the config, no database */
	ADMIN_DB,		/* the config and a connection */
	ADMIN_USERS,		/* and the users statements */
};

struct admin_cmd;

struct admin {
	const struct admin_cmd *cmd;
	int		 flag;		/* the command's option was given */
	const char	*optval;	/* and its value, if it takes one */
	const char	*alg;		/* genkey --alg */
	char		**argv;		/* the operands, cmd->nargs of them */
	struct cfg	 cfg;
	int		 have_cfg;
	struct db	*db;
	struct users	 users;
	const char	*sql_dir;
};

struct admin_cmd {
	const char	*name;
	int		(*run)(struct admin *);
	const char	*opts;		/* its one option for getopt(3): "i",
					   "s:" (takes a value), or "" */
	int		 nargs;		/* operands after the option */
	enum admin_need	 need;
	const char	*args;		/* the synopsis after the name */
	const char	*help;		/* lines of the help, '\n' apart */
};

static int	cmd_migrate(struct admin *);
static int	cmd_createuser(struct admin *);
static int	cmd_passwd(struct admin *);
static int	cmd_activate(struct admin *);
static int	cmd_deactivate(struct admin *);
static int	cmd_list(struct admin *);
static int	cmd_purge(struct admin *);
static int	cmd_hash(struct admin *);
static int	cmd_genkey(struct admin *);
static int	cmd_pubkey(struct admin *);
static int	cmd_jwks(struct admin *);
static int	cmd_help(struct admin *);

static const struct admin_cmd admin_cmds[] = {
	{ "migrate", cmd_migrate, "s:", 0, ADMIN_DB, "[-s sqldir]",
	    "apply the SQL migrations not yet applied,\n"
	    "in name order; a file holds at most 256 KiB" },
	{ "createuser", cmd_createuser, "i", 2, ADMIN_USERS,
	    "[-i] USER EMAIL",
	    "add an active user; -i: succeed if USER\nexists" },
	{ "passwd", cmd_passwd, "", 1, ADMIN_USERS, "USER",
	    "set USER's password (ends USER's tokens)" },
	{ "activate", cmd_activate, "", 1, ADMIN_USERS, "USER",
	    "let USER log in again" },
	{ "deactivate", cmd_deactivate, "", 1, ADMIN_USERS, "USER",
	    "refuse USER's logins and tokens" },
	{ "list", cmd_list, "", 0, ADMIN_USERS, "",
	    "every user: id, username, email, active,\nlast_login (UTC)" },
	{ "purge", cmd_purge, "", 0, ADMIN_DB, "",
	    "delete expired refresh tokens and login\n"
	    "failures out of the window" },
	{ "hash", cmd_hash, "", 0, ADMIN_CFG_IF_ANY, "",
	    "print a Django-format hash of a password" },
	{ "genkey", cmd_genkey, "f", 1, ADMIN_NOTHING,
	    "[-f] [--alg ALG] FILE",
	    "write a new random secret to FILE (mode\n0600), or with --alg"
	    " RS256|ES256|EdDSA a\nnew private key (PEM); -f: overwrite" },
	{ "pubkey", cmd_pubkey, "", 1, ADMIN_NOTHING, "FILE",
	    "print the public key (PEM) of the key in\nFILE" },
	{ "jwks", cmd_jwks, "", 0, ADMIN_CFG, "",
	    "print the JWKS the config publishes" },
	{ "help", cmd_help, "", 0, ADMIN_NOTHING, "", "this text" },
};

#define ADMIN_NCMDS	(sizeof(admin_cmds) / sizeof(admin_cmds[0]))

/* ---- messages ----------------------------------------------------- */

/* err(3)'s warnx with the command named: "jwtauth-admin: CMD: what". */
__attribute__((format(printf, 2, 3)))
static void
admin_warnx(const struct admin *a, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROGNAME ": %s: ", a->cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* "  name args" and its help, the help's lines in one column. */
static void
usage_cmd(FILE *f, const struct admin_cmd *c)
{
	char synopsis[64];
	const char *h = c->help;
	size_t n;

	snprintf(synopsis, sizeof(synopsis), "%s%s%s", c->name,
	    c->args[0] != '\0' ? " " : "", c->args);
	fprintf(f, "  %-28s ", synopsis);
	for (;;) {
		n = strcspn(h, "\n");
		fprintf(f, "%.*s\n", (int)n, h);
		if (h[n] == '\0')
			break;
		h += n + 1;
		fprintf(f, "  %-28s ", "");
	}
}

/* The whole usage, made from the table: stdout for help, else stderr. */
static void
usage(FILE *f)
{
	size_t i;

	fputs("usage: " PROGNAME " [-c config] command [arguments]\n"
	    "commands:\n", f);
	for (i = 0; i < ADMIN_NCMDS; i++)
		usage_cmd(f, &admin_cmds[i]);
	fputs("Passwords are read from the terminal without echo, else one "
	    "line of\nstdin.  The config is -c, else $JWTAUTH_CONFIG, else "
	    CFG_DEFAULT_PATH ".\n"
	    "Exit status: 0 done, 1 failed (a message says why), 2 usage "
	    "error.\n", f);
}

/* A command's wrong arguments: its own synopsis, and status 2. */
static int
usage_error(const struct admin_cmd *c)
{
	fprintf(stderr, "usage: " PROGNAME " [-c config] %s%s%s\n", c->name,
	    c->args[0] != '\0' ? " " : "", c->args);
	return 2;
}

static const struct admin_cmd *
admin_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < ADMIN_NCMDS; i++)
		if (strcmp(name, admin_cmds[i].name) == 0)
			return &admin_cmds[i];
	return NULL;
}

/* ---- set-up ------------------------------------------------------- */

/*
 * Parses the command's option and counts its operands: argv[0] is the
 * command.  0 when they fit the table, else -1.
 */
static int
admin_args(struct admin *a, int argc, char **argv)
{
	static const struct option alg[] = {
		{ "alg", required_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	char opts[8];
	int ch, genkey = a->cmd->run == cmd_genkey;

	snprintf(opts, sizeof(opts), "+%s", a->cmd->opts);
	opterr = 0;
	optind = 0;	/* glibc: 0 rescans from scratch (getopt(3)) */
	/* --alg is genkey's alone. */
	while ((ch = getopt_long(argc, argv, opts, genkey ? alg : alg + 1,
	    NULL)) != -1) {
		if (ch == '?' || ch == ':')
			return -1;
		if (ch == 'A') {
			a->alg = optarg;
			continue;
		}
		a->flag = 1;
		a->optval = optarg;
	}
	if (argc - optind != a->cmd->nargs)
		return -1;
	a->argv = argv + optind;
	return 0;
}

static int
admin_config(struct admin *a, const char *path)
{
	char err[512];

	if (cfg_load(&a->cfg, path, err, sizeof(err)) != SVC_OK) {
		admin_warnx(a, "%s", err);
		return 1;
	}
	a->have_cfg = 1;
	return 0;
}

/* Whatever the command's need says, or a message and 1. */
static int
admin_open(struct admin *a, const char *config)
{
	enum admin_need need = a->cmd->need;

	if (need == ADMIN_NOTHING)
		return 0;
	if (need == ADMIN_CFG_IF_ANY)
		return access(config, R_OK) == 0 ? admin_config(a, config) : 0;
	if (admin_config(a, config))
		return 1;
	if (need == ADMIN_CFG)
		return 0;
	if (db_new(&a->db, &a->cfg) != SVC_OK) {
		admin_warnx(a, "out of memory");
		return 1;
	}
	/* Registered before connecting: prepared with the connection. */
	if (need == ADMIN_USERS &&
	    users_init(&a->users, a->db, a->cfg.users_table) != SVC_OK) {
		admin_warnx(a, "out of statements");
		return 1;
	}
	if (db_connect(a->db) != SVC_OK) {
		admin_warnx(a, "cannot connect to the database %s",
		    a->cfg.db_name);
		return 1;
	}
	return 0;
}

/*
 * Reads a password: from the terminal without echo, else one line of
 * stdin.  The trailing newline is cut.  Returns its length, or -1.
 */
static ssize_t
read_password(char *buf, size_t size, const char *prompt)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO);
	size_t len;

	if (tty) {
		fputs(prompt, stderr);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	if (fgets(buf, (int)size, stdin) == NULL)
		buf[0] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	return len == 0 ? -1 : (ssize_t)len;
}

/* ---- migrate ------------------------------------------------------ */

static int
sql_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 8 && name[0] >= '0' && name[0] <= '9' &&
	    strcmp(name + n - 4, ".sql") == 0;
}

/* Byte order, whatever the locale: 002 runs before 010. */
static int
sql_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* raw with each {{users_table}} made table; NULL when out of memory. */
static char *
sql_subst(const char *raw, const char *table)
{
	static const char mark[] = "{{users_table}}";
	size_t ml = sizeof(mark) - 1, tl = strlen(table), n = 0;
	const char *p, *q;
	char *out, *o;

	for (p = raw; (p = strstr(p, mark)) != NULL; p += ml)
		n++;
	if ((out = malloc(strlen(raw) - n * ml + n * tl + 1)) == NULL)
		return NULL;
	for (p = raw, o = out; (q = strstr(p, mark)) != NULL; p = q + ml) {
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, table, tl);
		o += tl;
	}
	strcpy(o, p);
	return out;
}

/*
 * Reads path into buf (SQL_FILE_MAX + 1 bytes) as a string.  A file
 * over SQL_FILE_MAX, or with a NUL byte, is refused: a migration runs
 * whole or not at all, never cut.  0, else a message and 1.
 */
static int
sql_load(struct admin *a, const char *path, char *buf)
{
	FILE *f;
	size_t n;
	int rc = 1;

	if ((f = fopen(path, "r")) == NULL) {
		admin_warnx(a, "%s: %s", path, strerror(errno));
		return 1;
	}
	n = fread(buf, 1, SQL_FILE_MAX + 1, f);
	if (ferror(f))
		admin_warnx(a, "%s: %s", path, strerror(errno));
	else if (n > SQL_FILE_MAX)
		admin_warnx(a, "%s: longer than the limit of %d bytes", path,
		    SQL_FILE_MAX);
	else if (memchr(buf, '\0', n) != NULL)
		admin_warnx(a, "%s: a NUL byte", path);
	else {
		buf[n] = '\0';
		rc = 0;
	}
	fclose(f);
	return rc;
}

/*
 * The migration at path as text to run, {{users_table}} substituted,
 * into *out (the caller frees).  0, else a message and 1.
 */
static int
sql_read(struct admin *a, const char *path, char **out)
{
	char *raw;
	int rc = 1;

	*out = NULL;
	if ((raw = malloc(SQL_FILE_MAX + 1)) == NULL) {
		admin_warnx(a, "out of memory");
		return 1;
	}
	if (sql_load(a, path, raw) != 0)
		goto out;
	if ((*out = sql_subst(raw, a->cfg.users_table)) == NULL) {
		admin_warnx(a, "out of memory");
		goto out;
	}
	rc = 0;
out:
	free(raw);
	return rc;
}

/* Applies sql_dir/name unless the ledger has it; 0, else 1. */
static int
migrate_one(struct admin *a, struct db_migrations *m, const char *name)
{
	char path[4096], err[512], *text = NULL;
	int applied = 0, n, rc = 1;
	enum svc_err e;

	if ((e = db_migration_applied(m, name, &applied)) != SVC_OK) {
		admin_warnx(a, "%s: %s", name, svc_strerror(e));
		return 1;
	}
	if (applied)
		return 0;
	n = snprintf(path, sizeof(path), "%s/%s", a->sql_dir, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		admin_warnx(a, "%s: the path is too long", name);
		return 1;
	}
	if (sql_read(a, path, &text) != 0)
		return 1;
	if (db_run_script(a->db, text, err, sizeof(err)) != SVC_OK)
		admin_warnx(a, "%s: %s", path, err);
	else if ((e = db_migration_record(m, name)) != SVC_OK)
		admin_warnx(a, "%s: applied, but not recorded: %s", name,
		    svc_strerror(e));
	else {
		printf("applied %s\n", name);
		rc = 0;
	}
	free(text);
	return rc;
}

/*
 * migrate [-s DIR]: each file not yet applied, in name order, up to the
 * first that fails.
 */
static int
cmd_migrate(struct admin *a)
{
	struct db_migrations m;
	struct dirent **names = NULL;
	int i, n, rc = 0;

	if (a->optval != NULL)
		a->sql_dir = a->optval;
	if (db_migrations_init(&m, a->db) != SVC_OK) {
		admin_warnx(a, "cannot set up the table jwtauth_migration");
		return 1;
	}
	if ((n = scandir(a->sql_dir, &names, NULL, sql_cmp)) < 0) {
		admin_warnx(a, "%s: %s", a->sql_dir, strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (rc == 0 && sql_name_ok(names[i]->d_name))
			rc = migrate_one(a, &m, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* ---- users -------------------------------------------------------- */

/* The config's hashing policy into p, or a message and 1. */
static int
admin_policy(struct admin *a, struct pw_policy *p)
{
	if (pw_alg_parse(a->cfg.pw_algorithm, &p->alg) != SVC_OK) {
		admin_warnx(a, "[password] algorithm %s is not one that "
		    "jwtauth writes", a->cfg.pw_algorithm);
		return 1;
	}
	pw_policy_init(p, p->alg, a->cfg.pbkdf2_iterations);
	return 0;
}

/* The user named name into u, or a message; 0 when found. */
static int
find_user(struct admin *a, const char *name, struct user *u)
{
	enum svc_err rc;

	if ((rc = users_by_name(&a->users, name, u)) == SVC_OK)
		return 0;
	if (rc == SVC_NOTFOUND)
		admin_warnx(a, "%s: no such user", name);
	else
		admin_warnx(a, "%s: %s", name, svc_strerror(rc));
	return 1;
}

/*
 * Reads a password and hashes it with pol into hash (size bytes).
 * 0 on success, else a message and 1.
 */
static int
hash_password(struct admin *a, const struct pw_policy *pol, char *hash,
    size_t size)
{
	char pass[PASSWORD_MAX];
	ssize_t len;
	int rc;

	if ((len = read_password(pass, sizeof(pass), "Password: ")) < 0) {
		admin_warnx(a, "an empty password");
		return 1;
	}
	rc = pw_make(pass, (size_t)len, pol, hash, size) != SVC_OK;
	OPENSSL_cleanse(pass, sizeof(pass));
	if (rc)
		admin_warnx(a, "cannot make the hash");
	return rc;
}

/* A password read and hashed with the config's policy into hash. */
static int
new_hash(struct admin *a, char *hash)
{
	struct pw_policy pol;

	if (admin_policy(a, &pol))
		return 1;
	return hash_password(a, &pol, hash, PW_ENCODED_MAX);
}

/* createuser [-i] USER EMAIL */
static int
cmd_createuser(struct admin *a)
{
	char hash[PW_ENCODED_MAX];
	const char *name = a->argv[0], *email = a->argv[1];
	long long id;
	enum svc_err rc;

	if (new_hash(a, hash))
		return 1;
	rc = users_insert(&a->users, name, email, hash, &id);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (rc == SVC_CONFLICT && a->flag)
		return 0;
	if (rc == SVC_CONFLICT) {
		admin_warnx(a, "%s: the username is taken", name);
		return 1;
	}
	if (rc != SVC_OK) {
		admin_warnx(a, "%s: %s", name, svc_strerror(rc));
		return 1;
	}
	printf("created %s (id %lld)\n", name, id);
	return 0;
}

/* passwd USER: a new password, which also ends every token of USER. */
static int
cmd_passwd(struct admin *a)
{
	char hash[PW_ENCODED_MAX];
	const char *name = a->argv[0];
	struct user u;
	enum svc_err rc;

	if (find_user(a, name, &u))
		return 1;
	users_clear(&u);
	if (new_hash(a, hash))
		return 1;
	rc = users_set_password(&a->users, u.id, hash);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (rc != SVC_OK) {
		admin_warnx(a, "%s: %s", name, svc_strerror(rc));
		return 1;
	}
	printf("password changed for %s\n", name);
	return 0;
}

/* activate USER, deactivate USER (which ends every token of USER). */
static int
set_active(struct admin *a, int active)
{
	const char *name = a->argv[0];
	struct user u;
	enum svc_err rc;

	if (find_user(a, name, &u))
		return 1;
	users_clear(&u);
	if ((rc = users_set_active(&a->users, u.id, active)) != SVC_OK) {
		admin_warnx(a, "%s: %s", name, svc_strerror(rc));
		return 1;
	}
	printf("%s %s\n", active ? "activated" : "deactivated", name);
	return 0;
}

static int
cmd_activate(struct admin *a)
{
	return set_active(a, 1);
}

static int
cmd_deactivate(struct admin *a)
{
	return set_active(a, 0);
}

static int
list_one(void *arg, long long id, const char *username, const char *email,
    int is_active, const char *last_login)
{
	(void)arg;
	printf("%lld\t%s\t%s\t%s\t%s\n", id, username, email,
	    is_active ? "yes" : "no", last_login[0] != '\0' ? last_login :
	    "-");
	return 0;
}

/* list: one tab-separated line per user, after a header line. */
static int
cmd_list(struct admin *a)
{
	enum svc_err rc;

	printf("id\tusername\temail\tactive\tlast_login\n");
	if ((rc = users_list(&a->users, list_one, NULL)) != SVC_OK) {
		admin_warnx(a, "%s", svc_strerror(rc));
		return 1;
	}
	if (fflush(stdout) != 0) {
		admin_warnx(a, "stdout: %s", strerror(errno));
		return 1;
	}
	return 0;
}

/* ---- purge, hash, genkey, help ------------------------------------ */

/*
 * purge: expired refresh-token rows and login failures out of the
 * window, in batches so that no statement holds its locks for long.
 */
static int
cmd_purge(struct admin *a)
{
	struct tokens t;
	struct throttle th;
	unsigned long long n, tok = 0, fail = 0;
	enum svc_err rc;

	if ((rc = tokens_init(&t, &a->cfg, a->db)) != SVC_OK ||
	    (rc = throttle_init(&th, &a->cfg, a->db)) != SVC_OK) {
		admin_warnx(a, "%s", svc_strerror(rc));
		tokens_free(&t);
		return 1;
	}
	do {
		if ((rc = tokens_purge(&t, PURGE_BATCH, &n)) == SVC_OK)
			tok += n;
	} while (rc == SVC_OK && n == PURGE_BATCH);
	while (rc == SVC_OK) {
		if ((rc = throttle_purge(&th, PURGE_BATCH, &n)) == SVC_OK)
			fail += n;
		if (n < PURGE_BATCH)
			break;
	}
	tokens_free(&t);
	if (rc != SVC_OK) {
		admin_warnx(a, "%s", svc_strerror(rc));
		return 1;
	}
	printf("purged %llu refresh tokens and %llu login failures\n", tok,
	    fail);
	return 0;
}

/* hash: with the config's policy if there is a config, else Django's. */
static int
cmd_hash(struct admin *a)
{
	char hash[PW_ENCODED_MAX];
	struct pw_policy pol;

	/* Without a config: Django's default (zero fields: defaults). */
	memset(&pol, 0, sizeof(pol));
	pol.alg = PW_PBKDF2_SHA256;
	pol.iterations = PW_PBKDF2_DEFAULT_ITERATIONS;
	if (a->have_cfg && admin_policy(a, &pol))
		return 1;
	if (hash_password(a, &pol, hash, sizeof(hash)))
		return 1;
	puts(hash);
	return 0;
}

/*
 * Writes n bytes of text, a secret, to path with mode 0600: a new file
 * unless -f was given.  Returns 0, or 1 after a message.
 */
static int
write_secret(struct admin *a, const char *path, const char *text, size_t n)
{
	int fd = -1, flags, rc = 1;

	flags = O_WRONLY | O_CREAT | O_NOFOLLOW | (a->flag ? O_TRUNC : O_EXCL);
	if ((fd = open(path, flags, 0600)) < 0 || fchmod(fd, 0600) != 0 ||
	    write(fd, text, n) != (ssize_t)n) {
		admin_warnx(a, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0 && close(fd) != 0 && rc == 0) {
		admin_warnx(a, "%s: %s", path, strerror(errno));
		rc = 1;
	}
	return rc;
}

/* genkey --alg ALG [-f] FILE: a new private key, PKCS#8 PEM. */
static int
genkey_pem(struct admin *a)
{
	enum jwt_alg alg;
	char *pem = NULL;
	size_t n = 0;
	int rc;

	if (jwt_alg_parse(a->alg, &alg) != SVC_OK || jwt_alg_hmac(alg)) {
		admin_warnx(a, "--alg %s: not one of RS256, ES256, EdDSA",
		    a->alg);
		return 1;
	}
	if (jwt_keygen(alg, &pem, &n) != SVC_OK) {
		admin_warnx(a, "OpenSSL cannot make a %s key", a->alg);
		return 1;
	}
	rc = write_secret(a, a->argv[0], pem, n);
	OPENSSL_cleanse(pem, n);
	free(pem);
	return rc;
}

/* genkey [-f] FILE: 48 random bytes in base64, mode 0600. */
static int
cmd_genkey(struct admin *a)
{
	unsigned char raw[48];
	char text[B64_ENCLEN(48) + 2];
	size_t n;
	int rc;

	if (a->alg != NULL)
		return genkey_pem(a);
	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		admin_warnx(a, "no random bytes from OpenSSL");
		return 1;
	}
	n = b64_encode(raw, sizeof(raw), text);
	OPENSSL_cleanse(raw, sizeof(raw));
	text[n++] = '\n';
	rc = write_secret(a, a->argv[0], text, n);
	OPENSSL_cleanse(text, sizeof(text));
	return rc;
}

/* Writes n bytes to stdout; 0, or 1 after a message. */
static int
print_text(struct admin *a, const char *text, size_t n)
{
	if (fwrite(text, 1, n, stdout) != n || fflush(stdout) != 0) {
		admin_warnx(a, "stdout: %s", strerror(errno));
		return 1;
	}
	return 0;
}

/* pubkey FILE: the public PEM of a private (or public) key file. */
static int
cmd_pubkey(struct admin *a)
{
	struct cfg_blob b;
	struct jwt_key *k = NULL;
	const char *why = NULL;
	char *pem = NULL, err[512];
	size_t n = 0;
	int rc = 1;

	memset(&b, 0, sizeof(b));
	if (cfg_read_key(a->argv[0], &b, err, sizeof(err)) != SVC_OK) {
		admin_warnx(a, "%s", err);
		return 1;
	}
	if (jwt_key_pem(&k, b.data, b.len, &why) != SVC_OK)
		admin_warnx(a, "%s: %s", a->argv[0], why != NULL ? why :
		    "not a key");
	else if (jwt_key_public_pem(k, &pem, &n) != SVC_OK)
		admin_warnx(a, "%s: OpenSSL cannot write it", a->argv[0]);
	else
		rc = print_text(a, pem, n);
	free(pem);
	jwt_key_free(k);
	cfg_blob_free(&b);
	return rc;
}

/* jwks: what GET /api/.well-known/jwks.json answers, and a newline. */
static int
cmd_jwks(struct admin *a)
{
	struct tokens t;
	char *json = NULL;
	size_t n = 0;
	enum svc_err rc;
	int status = 1;

	/* No statement is prepared: tokens_init only registers them. */
	if (db_new(&a->db, &a->cfg) != SVC_OK) {
		admin_warnx(a, "out of memory");
		return 1;
	}
	if ((rc = tokens_init(&t, &a->cfg, a->db)) != SVC_OK)
		admin_warnx(a, "%s", t.err[0] != '\0' ? t.err :
		    svc_strerror(rc));
	else if (jwt_jwks(t.key, &json, &n) != SVC_OK)
		admin_warnx(a, "out of memory");
	else if (print_text(a, json, n) == 0 && print_text(a, "\n", 1) == 0)
		status = 0;
	free(json);
	tokens_free(&t);
	return status;
}

static int
cmd_help(struct admin *a)
{
	(void)a;
	usage(stdout);
	return 0;
}

/* ---- main --------------------------------------------------------- */

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct admin a;
	const char *config = NULL;
	int ch, rc;

	log_init(PROGNAME);
	a.sql_dir = getenv("JWTAUTH_SQL_DIR") ? getenv("JWTAUTH_SQL_DIR") :
	    SQL_DIR;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+c:h", longopts, NULL)) != -1) {
		if (ch == 'c')
			config = optarg;
		else if (ch == 'h')
			return cmd_help(&a);
		else {
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	if ((a.cmd = admin_lookup(argv[optind])) == NULL) {
		fprintf(stderr, PROGNAME ": unknown command \"%s\"\n",
		    argv[optind]);
		usage(stderr);
		return 2;
	}
	if (admin_args(&a, argc - optind, argv + optind) != 0)
		return usage_error(a.cmd);
	if (config == NULL)
		config = cfg_path();
	rc = admin_open(&a, config) != 0 ? 1 : a.cmd->run(&a);
	db_free(a.db);
	cfg_free(&a.cfg);
	return rc;
}
