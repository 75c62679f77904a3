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
#include "users.h"

#ifndef SQL_DIR
#define SQL_DIR		"/usr/local/share/jwtauth/sql"
#endif
#define SQL_FILE_MAX	(256 * 1024)
#define PASSWORD_MAX	4096

struct admin {
	struct cfg	 cfg;
	int		 have_cfg;
	struct db	*db;
	const char	*sql_dir;
};

static void
usage(void)
{
	fputs("usage: jwtauth-admin [-c config] command [arguments]\n"
	    "commands:\n"
	    "  migrate [-s sqldir]          apply the SQL migrations not yet "
	    "applied\n"
	    "  createuser [-i] USER EMAIL   add a user; the password is read "
	    "from the\n"
	    "                               terminal without echo, or from "
	    "stdin;\n"
	    "                               -i: succeed if USER exists\n"
	    "  hash                         print a Django-format hash of "
	    "the password\n"
	    "                               on stdin\n"
	    "  genkey [-f] FILE             write a new random secret to FILE "
	    "(mode 0600)\n"
	    "The config is -c, else $JWTAUTH_CONFIG, else " CFG_DEFAULT_PATH
	    ".\n", stderr);
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
	p->iterations = a->cfg.pbkdf2_iterations;
	return 0;
}

static int
insert_user(struct admin *a, const char *user, const char *email,
    const char *hash)
{
	static char sql[512];
	MYSQL_BIND p[3];
	unsigned long ul = strlen(user), el = strlen(email), hl = strlen(hash);
	enum svc_err rc;
	int id;

	snprintf(sql, sizeof(sql), "INSERT INTO `%s` (password, is_superuser,"
	    " username, first_name, last_name, email, is_staff, is_active, "
	    "date_joined) VALUES (?, 0, ?, '', '', ?, 0, 1, UTC_TIMESTAMP(6))",
	    a->cfg.users_table);
	if ((id = db_add(a->db, sql, DB_ONCE)) < 0 ||
	    db_connect(a->db) != SVC_OK)
		return 1;
	db_bind_str(&p[0], hash, &hl);
	db_bind_str(&p[1], user, &ul);
	db_bind_str(&p[2], email, &el);
	rc = db_exec(a->db, id, p, NULL, NULL, NULL);
	if (rc == SVC_CONFLICT)
		return 3;
	return rc != SVC_OK;
}

static int
cmd_createuser(struct admin *a, int argc, char **argv)
{
	char pass[PASSWORD_MAX], hash[PW_ENCODED_MAX];
	struct pw_policy pol;
	int if_missing = 0, rc;
	ssize_t len;

	if (argc > 1 && strcmp(argv[1], "-i") == 0) {
		if_missing = 1;
		argc--, argv++;
	}
	if (argc != 3) {
		usage();
		return 2;
	}
	if (policy_of(a, &pol) || admin_connect(a))
		return 1;
	if ((len = read_password(pass, sizeof(pass), "Password: ")) < 0) {
		fputs("jwtauth-admin: an empty password\n", stderr);
		return 1;
	}
	rc = pw_make(pass, (size_t)len, &pol, hash, sizeof(hash)) != SVC_OK;
	OPENSSL_cleanse(pass, sizeof(pass));
	if (rc == 0)
		rc = insert_user(a, argv[1], argv[2], hash);
	if (rc == 3) {
		if (!if_missing)
			fprintf(stderr, "jwtauth-admin: %s: the username is "
			    "taken\n", argv[1]);
		return if_missing ? 0 : 1;
	}
	if (rc == 0)
		printf("created %s\n", argv[1]);
	return rc;
}

static int
cmd_hash(struct admin *a)
{
	char pass[PASSWORD_MAX], hash[PW_ENCODED_MAX];
	struct pw_policy pol = { PW_PBKDF2_SHA256,
	    PW_PBKDF2_DEFAULT_ITERATIONS };
	ssize_t len;
	int rc;

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
	if (argc < 2) {
		usage();
		return 2;
	}
	cmd = argv[1];
	argc--, argv++;
	if (strcmp(cmd, "genkey") == 0)
		return cmd_genkey(argc, argv);
	if (config == NULL)
		config = cfg_path();
	if (strcmp(cmd, "hash") == 0) {
		if (access(config, R_OK) == 0 && admin_config(&a, config))
			return 1;
		rc = cmd_hash(&a);
	} else if (strcmp(cmd, "migrate") == 0) {
		if (argc == 3 && strcmp(argv[1], "-s") == 0)
			a.sql_dir = argv[2];
		else if (argc != 1) {
			usage();
			return 2;
		}
		rc = admin_config(&a, config) ? 1 : cmd_migrate(&a);
	} else if (strcmp(cmd, "createuser") == 0)
		rc = admin_config(&a, config) ? 1 : cmd_createuser(&a, argc,
		    argv);
	else {
		usage();
		return 2;
	}
	db_free(a.db);
	cfg_free(&a.cfg);
	return rc;
}
