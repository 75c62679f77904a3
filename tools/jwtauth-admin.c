/*
 * jwtauth-admin: the operator's command: schema migrations, users,
 * hashes and secrets.  Exit status 0 on success, 1 on failure, 2 on a
 * usage error.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

#ifndef SQL_DIR
#define SQL_DIR		"/usr/local/share/jwtauth/sql"
#endif
#define SQL_FILE_MAX	(256 * 1024)
#define PASSWORD_MAX	4096
#define PURGE_BATCH	10000	/* rows per DELETE */

struct admin {
	struct cfg	 cfg;
	int		 have_cfg;
	struct db	*db;
	struct users	 users;
	const char	*sql_dir;
};

static const char usage_text[] =
    "usage: jwtauth-admin [-c config] command [arguments]\n"
    "commands:\n"
    "  migrate [-s sqldir]          apply the SQL migrations not yet applied\n"
    "  createuser [-i] USER EMAIL   add an active user; -i: succeed if USER\n"
    "                               exists\n"
    "  passwd USER                  set USER's password (ends USER's tokens)\n"
    "  activate USER                let USER log in again\n"
    "  deactivate USER              refuse USER's logins and tokens\n"
    "  list                         every user: id, username, email, active,\n"
    "                               last_login (UTC)\n"
    "  purge                        delete expired refresh tokens and login\n"
    "                               failures out of the window\n"
    "  hash                         print a Django-format hash of a password\n"
    "  genkey [-f] FILE             write a new random secret to FILE (mode\n"
    "                               0600); -f: overwrite\n"
    "  help                         this text\n"
    "Passwords are read from the terminal without echo, else one line of\n"
    "stdin.  The config is -c, else $JWTAUTH_CONFIG, else "
    CFG_DEFAULT_PATH ".\n"
    "Exit status: 0 done, 1 failed (a message says why), 2 usage error.\n";

static void
usage(void)
{
	fputs(usage_text, stderr);
}

static int
usage_error(void)
{
	usage();
	return 2;
}

static int
admin_config(struct admin *a, const char *path)
{
	char err[512];

	if (cfg_load(&a->cfg, path, err, sizeof(err)) != SVC_OK) {
		fprintf(stderr, "jwtauth-admin: %s\n", err);
		return 1;
	}
	a->have_cfg = 1;
	return 0;
}

static int
admin_connect(struct admin *a)
{
	if (db_new(&a->db, &a->cfg) != SVC_OK || db_connect(a->db) != SVC_OK) {
		fprintf(stderr, "jwtauth-admin: cannot connect to the "
		    "database %s\n", a->cfg.db_name);
		return 1;
	}
	if (users_init(&a->users, a->db, a->cfg.users_table) != SVC_OK) {
		fputs("jwtauth-admin: out of statements\n", stderr);
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

/* ---- migrate ---------------------------------------------------- */

static int
sql_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 8 && name[0] >= '0' && name[0] <= '9' &&
	    strcmp(name + n - 4, ".sql") == 0;
}

static int
sql_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/*
 * Reads path into a new buffer without its comment lines and with
 * {{users_table}} substituted.  The caller frees it.
 */
static char *
sql_read(const char *path, const char *table)
{
	static const char mark[] = "{{users_table}}";
	char raw[SQL_FILE_MAX], *out, *p, *o;
	size_t n, tl = strlen(table);
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	n = fread(raw, 1, sizeof(raw) - 1, f);
	fclose(f);
	raw[n] = '\0';
	if ((out = malloc(n * (tl + 1) + 1)) == NULL)
		return NULL;
	for (p = raw, o = out; *p != '\0';) {
		if ((p == raw || p[-1] == '\n') && strncmp(p, "--", 2) == 0) {
			p += strcspn(p, "\n");	/* comments may hold ';' */
			continue;
		}
		if (strncmp(p, mark, sizeof(mark) - 1) == 0) {
			memcpy(o, table, tl);
			o += tl;
			p += sizeof(mark) - 1;
		} else
			*o++ = *p++;
	}
	*o = '\0';
	return out;
}

/* Runs each ';'-terminated statement of text. */
static int
sql_run(MYSQL *m, char *text, const char *name)
{
	char *stmt, *end;

	for (stmt = text; (end = strchr(stmt, ';')) != NULL; stmt = end + 1) {
		*end = '\0';
		if (strspn(stmt, " \t\r\n") == strlen(stmt))
			continue;
		if (mysql_query(m, stmt) != 0) {
			fprintf(stderr, "jwtauth-admin: %s: %s\n", name,
			    mysql_error(m));
			return 1;
		}
	}
	return 0;
}

static int
migration_applied(MYSQL *m, const char *name, int *applied)
{
	static const char sql[] = "SELECT 1 FROM jwtauth_migration WHERE "
	    "name = ?";
	MYSQL_STMT *st;
	MYSQL_BIND p[1];
	unsigned long len = strlen(name);
	int rc = 1;

	if ((st = mysql_stmt_init(m)) == NULL)
		return 1;
	if (mysql_stmt_prepare(st, sql, sizeof(sql) - 1) == 0) {
		db_bind_str(&p[0], name, &len);
		if (mysql_stmt_bind_param(st, p) == 0 &&
		    mysql_stmt_execute(st) == 0 &&
		    mysql_stmt_store_result(st) == 0) {
			*applied = mysql_stmt_num_rows(st) > 0;
			rc = 0;
		}
	}
	mysql_stmt_close(st);
	return rc;
}

static int
migration_record(MYSQL *m, const char *name)
{
	MYSQL_STMT *st;
	MYSQL_BIND p[1];
	unsigned long len = strlen(name);
	int rc = 1;
	static const char sql[] = "INSERT INTO jwtauth_migration (name, "
	    "applied_at) VALUES (?, UTC_TIMESTAMP())";

	if ((st = mysql_stmt_init(m)) == NULL)
		return 1;
	db_bind_str(&p[0], name, &len);
	if (mysql_stmt_prepare(st, sql, sizeof(sql) - 1) == 0 &&
	    mysql_stmt_bind_param(st, p) == 0 && mysql_stmt_execute(st) == 0)
		rc = 0;
	mysql_stmt_close(st);
	return rc;
}

static int
migrate_one(struct admin *a, MYSQL *m, const char *name)
{
	char path[4096], *text;
	int applied = 0, rc;

	if (migration_applied(m, name, &applied) != 0)
		return 1;
	if (applied)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", a->sql_dir, name);
	if ((text = sql_read(path, a->cfg.users_table)) == NULL) {
		fprintf(stderr, "jwtauth-admin: %s: cannot read\n", path);
		return 1;
	}
	rc = sql_run(m, text, name) || migration_record(m, name);
	free(text);
	if (rc == 0)
		printf("applied %s\n", name);
	return rc;
}

static int
cmd_migrate(struct admin *a)
{
	struct dirent **names = NULL;
	MYSQL *m;
	int i, n, rc = 0;

	if (admin_connect(a))
		return 1;
	m = db_mysql(a->db);
	if (mysql_query(m, "CREATE TABLE IF NOT EXISTS jwtauth_migration ("
	    "name varchar(255) NOT NULL PRIMARY KEY, applied_at datetime NOT "
	    "NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4") != 0) {
		fprintf(stderr, "jwtauth-admin: %s\n", mysql_error(m));
		return 1;
	}
	if ((n = scandir(a->sql_dir, &names, NULL, sql_cmp)) < 0) {
		fprintf(stderr, "jwtauth-admin: %s: %s\n", a->sql_dir,
		    strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (rc == 0 && sql_name_ok(names[i]->d_name))
			rc = migrate_one(a, m, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* ---- createuser, hash ------------------------------------------- */

static int
policy_of(const struct admin *a, struct pw_policy *p)
{
	if (pw_alg_parse(a->cfg.pw_algorithm, &p->alg) != SVC_OK)
		return 1;
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
		fprintf(stderr, "jwtauth-admin: %s: no such user\n", name);
	else
		fprintf(stderr, "jwtauth-admin: %s: %s\n", name,
		    svc_strerror(rc));
	return 1;
}

/*
 * Reads a password and hashes it with the config's policy into hash
 * (PW_ENCODED_MAX bytes).  0 on success, else a message and 1.
 */
static int
new_hash(struct admin *a, char *hash)
{
	char pass[PASSWORD_MAX];
	struct pw_policy pol;
	ssize_t len;
	int rc;

	if (policy_of(a, &pol)) {
		fprintf(stderr, "jwtauth-admin: [password] algorithm %s is "
		    "not one that jwtauth writes\n", a->cfg.pw_algorithm);
		return 1;
	}
	if ((len = read_password(pass, sizeof(pass), "Password: ")) < 0) {
		fputs("jwtauth-admin: an empty password\n", stderr);
		return 1;
	}
	rc = pw_make(pass, (size_t)len, &pol, hash, PW_ENCODED_MAX) != SVC_OK;
	OPENSSL_cleanse(pass, sizeof(pass));
	if (rc)
		fputs("jwtauth-admin: cannot make the hash\n", stderr);
	return rc;
}

static int
cmd_createuser(struct admin *a, int argc, char **argv)
{
	char hash[PW_ENCODED_MAX];
	long long id;
	int if_missing = 0;
	enum svc_err rc;

	if (argc > 1 && strcmp(argv[1], "-i") == 0) {
		if_missing = 1;
		argc--, argv++;
	}
	if (argc != 3)
		return usage_error();
	if (admin_connect(a) || new_hash(a, hash))
		return 1;
	rc = users_insert(&a->users, argv[1], argv[2], hash, &id);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (rc == SVC_CONFLICT) {
		if (!if_missing)
			fprintf(stderr, "jwtauth-admin: %s: the username is "
			    "taken\n", argv[1]);
		return if_missing ? 0 : 1;
	}
	if (rc != SVC_OK) {
		fprintf(stderr, "jwtauth-admin: %s: %s\n", argv[1],
		    svc_strerror(rc));
		return 1;
	}
	printf("created %s (id %lld)\n", argv[1], id);
	return 0;
}

/* passwd USER: a new password, which also ends every token of USER. */
static int
cmd_passwd(struct admin *a, int argc, char **argv)
{
	char hash[PW_ENCODED_MAX];
	struct user u;
	enum svc_err rc;

	if (argc != 2)
		return usage_error();
	if (admin_connect(a) || find_user(a, argv[1], &u))
		return 1;
	users_clear(&u);
	if (new_hash(a, hash))
		return 1;
	rc = users_set_password(&a->users, u.id, hash);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (rc != SVC_OK) {
		fprintf(stderr, "jwtauth-admin: %s: %s\n", argv[1],
		    svc_strerror(rc));
		return 1;
	}
	printf("password changed for %s\n", argv[1]);
	return 0;
}

/* activate USER, deactivate USER (which ends every token of USER). */
static int
cmd_active(struct admin *a, int argc, char **argv, int active)
{
	struct user u;
	enum svc_err rc;

	if (argc != 2)
		return usage_error();
	if (admin_connect(a) || find_user(a, argv[1], &u))
		return 1;
	users_clear(&u);
	if ((rc = users_set_active(&a->users, u.id, active)) != SVC_OK) {
		fprintf(stderr, "jwtauth-admin: %s: %s\n", argv[1],
		    svc_strerror(rc));
		return 1;
	}
	printf("%s %s\n", active ? "activated" : "deactivated", argv[1]);
	return 0;
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
cmd_list(struct admin *a, int argc)
{
	enum svc_err rc;

	if (argc != 1)
		return usage_error();
	if (admin_connect(a))
		return 1;
	printf("id\tusername\temail\tactive\tlast_login\n");
	if ((rc = users_list(&a->users, list_one, NULL)) != SVC_OK) {
		fprintf(stderr, "jwtauth-admin: list: %s\n", svc_strerror(rc));
		return 1;
	}
	return fflush(stdout) != 0;
}

/*
 * purge: expired refresh-token rows and login failures out of the
 * window, in batches so that no statement holds its locks for long.
 */
static int
cmd_purge(struct admin *a, int argc)
{
	struct tokens t;
	struct throttle th;
	unsigned long long n, tok = 0, fail = 0;
	enum svc_err rc;

	if (argc != 1)
		return usage_error();
	if (admin_connect(a))
		return 1;
	if ((rc = tokens_init(&t, &a->cfg, a->db)) != SVC_OK ||
	    (rc = throttle_init(&th, &a->cfg, a->db)) != SVC_OK) {
		fprintf(stderr, "jwtauth-admin: purge: %s\n",
		    svc_strerror(rc));
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
		fprintf(stderr, "jwtauth-admin: purge: %s\n",
		    svc_strerror(rc));
		return 1;
	}
	printf("purged %llu refresh tokens and %llu login failures\n", tok,
	    fail);
	return 0;
}

static int
cmd_hash(struct admin *a, int argc)
{
	char pass[PASSWORD_MAX], hash[PW_ENCODED_MAX];
	struct pw_policy pol;
	ssize_t len;
	int rc;

	if (argc != 1)
		return usage_error();
	/* Without a config: Django's default (zero fields: defaults). */
	memset(&pol, 0, sizeof(pol));
	pol.alg = PW_PBKDF2_SHA256;
	pol.iterations = PW_PBKDF2_DEFAULT_ITERATIONS;
	if (a->have_cfg && policy_of(a, &pol))
		return 1;
	if ((len = read_password(pass, sizeof(pass), "Password: ")) < 0) {
		fputs("jwtauth-admin: an empty password\n", stderr);
		return 1;
	}
	rc = pw_make(pass, (size_t)len, &pol, hash, sizeof(hash)) != SVC_OK;
	OPENSSL_cleanse(pass, sizeof(pass));
	if (rc == 0)
		puts(hash);
	return rc;
}

/* ---- genkey ------------------------------------------------------ */

static int
cmd_genkey(int argc, char **argv)
{
	unsigned char raw[48];
	char text[B64_ENCLEN(48) + 2];
	int force = 0, fd, flags;
	size_t n;

	if (argc > 1 && strcmp(argv[1], "-f") == 0) {
		force = 1;
		argc--, argv++;
	}
	if (argc != 2) {
		usage();
		return 2;
	}
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return 1;
	n = b64_encode(raw, sizeof(raw), text);
	OPENSSL_cleanse(raw, sizeof(raw));
	text[n++] = '\n';
	flags = O_WRONLY | O_CREAT | O_NOFOLLOW | (force ? O_TRUNC : O_EXCL);
	if ((fd = open(argv[1], flags, 0600)) < 0) {
		fprintf(stderr, "jwtauth-admin: %s: %s\n", argv[1],
		    strerror(errno));
		return 1;
	}
	if (fchmod(fd, 0600) != 0 || write(fd, text, n) != (ssize_t)n) {
		fprintf(stderr, "jwtauth-admin: %s: %s\n", argv[1],
		    strerror(errno));
		close(fd);
		return 1;
	}
	OPENSSL_cleanse(text, sizeof(text));
	return close(fd) != 0;
}

/* The commands that need the config, and whether they take it. */
static int
admin_run(struct admin *a, const char *config, const char *cmd, int argc,
    char **argv)
{
	if (strcmp(cmd, "hash") == 0) {
		if (access(config, R_OK) == 0 && admin_config(a, config))
			return 1;
		return cmd_hash(a, argc);
	}
	if (strcmp(cmd, "migrate") == 0) {
		if (argc == 3 && strcmp(argv[1], "-s") == 0)
			a->sql_dir = argv[2];
		else if (argc != 1)
			return usage_error();
		return admin_config(a, config) ? 1 : cmd_migrate(a);
	}
	if (admin_config(a, config))
		return 1;
	if (strcmp(cmd, "createuser") == 0)
		return cmd_createuser(a, argc, argv);
	if (strcmp(cmd, "passwd") == 0)
		return cmd_passwd(a, argc, argv);
	if (strcmp(cmd, "activate") == 0)
		return cmd_active(a, argc, argv, 1);
	if (strcmp(cmd, "deactivate") == 0)
		return cmd_active(a, argc, argv, 0);
	if (strcmp(cmd, "list") == 0)
		return cmd_list(a, argc);
	if (strcmp(cmd, "purge") == 0)
		return cmd_purge(a, argc);
	return usage_error();
}

static int
known(const char *cmd)
{
	static const char *const cmds[] = { "migrate", "createuser", "passwd",
	    "activate", "deactivate", "list", "purge", "hash", "genkey" };
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmd, cmds[i]) == 0)
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	static struct admin a;
	const char *config = NULL, *cmd;
	int rc;

	log_init("jwtauth-admin");
	a.sql_dir = getenv("JWTAUTH_SQL_DIR") ? getenv("JWTAUTH_SQL_DIR") :
	    SQL_DIR;
	if (argc > 2 && strcmp(argv[1], "-c") == 0) {
		config = argv[2];
		argc -= 2, argv += 2;
	}
	if (argc < 2)
		return usage_error();
	cmd = argv[1];
	argc--, argv++;
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "--help") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!known(cmd)) {
		fprintf(stderr, "jwtauth-admin: unknown command \"%s\"\n", cmd);
		return usage_error();
	}
	if (strcmp(cmd, "genkey") == 0)
		return cmd_genkey(argc, argv);
	if (config == NULL)
		config = cfg_path();
	rc = admin_run(&a, config, cmd, argc, argv);
	db_free(a.db);
	cfg_free(&a.cfg);
	return rc;
}
