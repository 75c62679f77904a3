/*
 * cfg.h: the INI-style configuration file.
 *
 * Read once at program start.  Every key has a default except where
 * noted; an unknown section or key, a bad value or a weak secret is an
 * error whose one-line reason lands in the caller's buffer.
 */
#ifndef CFG_H
#define CFG_H

#include <stddef.h>

#include "svc.h"

#define CFG_DEFAULT_PATH	"/etc/jwtauth/jwtauth.conf"
#define CFG_SECRET_MIN		32	/* bytes; RFC 7518 3.2 wants >= hash size */
#define CFG_PROXIES_MAX		32	/* entries of [login] trusted_proxies */
#define CFG_HEADER_MAX		64	/* bytes of [login] proxy_header */
#define CFG_KEYS_MAX		8	/* files of verify_key_files, and of
					   verify_secret_files */

/* A key file named in [jwt]: its full path and its bytes. */
struct cfg_blob {
	char		*file;		/* resolved from the config's dir */
	char		*data;		/* NUL-terminated; wiped on free */
	size_t		 len;
};

/* An address or network of trusted_proxies: "10.0.0.1", "10.0.0.0/8". */
struct cfg_net {
	int		 family;	/* AF_INET or AF_INET6 */
	unsigned char	 addr[16];	/* network order; 4 used for AF_INET */
	unsigned	 bits;		/* prefix length */
};

struct cfg {
	/* [database] */
	char		*db_host;		/* host, "localhost" */
	unsigned	 db_port;		/* port, 3306 */
	char		*db_socket;		/* socket, NULL: the client default */
	char		*db_name;		/* name, "jwtauth" */
	char		*db_user;		/* user, "jwtauth" */
	char		*db_password;		/* password or password_file, "" */
	char		*db_password_file;
	unsigned	 db_connect_timeout;	/* connect_timeout, 2 s */
	unsigned	 db_timeout;		/* timeout, 5 s: read and write */
	char		*users_table;		/* users_table, "auth_user" */

	/* [jwt] */
	char		*jwt_algorithm;		/* algorithm, "HS256" */
	char		*secret_file;		/* secret_file, required */
	unsigned char	*secret;		/* its bytes, one final newline cut */
	size_t		 secret_len;
	/*
	 * RS256, ES256, EdDSA: private_key_file, required, signs; with
	 * them secret_file keys only the password fingerprint, which never
	 * leaves the server.  verify_key_files (public or private PEMs)
	 * and verify_secret_files (secrets for HS*) only verify: the keys
	 * being rotated in or out.  Space-separated lists.
	 */
	char		*private_key_file;
	char		*verify_key_files;
	char		*verify_secret_files;
	struct cfg_blob	 private_key;
	struct cfg_blob	 verify_keys[CFG_KEYS_MAX];
	size_t		 nverify_keys;
	struct cfg_blob	 verify_secrets[CFG_KEYS_MAX];	/* newline cut */
	size_t		 nverify_secrets;
	long long	 access_ttl;		/* access_ttl, 3600 s */
	long long	 refresh_ttl;		/* refresh_ttl, 604800 s */
	long long	 leeway;		/* leeway, 0 s */
	char		*issuer;		/* issuer, NULL: no iss claim */
	char		*audience;		/* audience, NULL: no aud claim */
	long long	 refresh_reuse_grace;	/* refresh_reuse_grace, 0 s */

	/* [password] */
	char		*pw_algorithm;		/* algorithm, "pbkdf2_sha256" */
	unsigned	 pbkdf2_iterations;	/* pbkdf2_iterations, 1200000 */
	unsigned	 pw_max_cost_factor;	/* max_cost_factor, 4 */

	/* [login] */
	int		 update_last_login;	/* update_last_login, 1 */
	int		 upgrade_hash;		/* upgrade_hash, 1 */
	unsigned	 max_fail_user;		/* max_failures_per_user, 5; 0: off */
	unsigned	 max_fail_addr;		/* max_failures_per_address, 100; 0: off */
	long long	 fail_window;		/* failure_window, 900 s */
	char		*trusted_proxies;	/* trusted_proxies, NULL: none */
	char		*proxy_header;		/* proxy_header, "X-Forwarded-For" */
	/* Derived by cfg_load from the two above. */
	struct cfg_net	 proxies[CFG_PROXIES_MAX];
	size_t		 nproxies;
	char		 proxy_param[CFG_HEADER_MAX + 6]; /* "HTTP_X_FORWARDED_FOR" */

	/* [register] */
	int		 register_enabled;	/* enabled, 0 */
};

/*
 * The path to read: $JWTAUTH_CONFIG when set and non-empty, else
 * CFG_DEFAULT_PATH.  Never NULL.
 */
const char	*cfg_path(void);

/*
 * Parse text (len bytes, need not be NUL-terminated) into cfg, which
 * must be zeroed or freshly freed.  Sets defaults first.  Does not read
 * any other file: that is cfg_load's job.  On failure writes a one-line
 * reason to err (which names the line number), and cfg holds only what
 * cfg_free releases.
 */
enum svc_err	 cfg_parse(struct cfg *cfg, const char *text, size_t len,
		    char *err, size_t errsz);

/*
 * Read the file at path, parse it, then read secret_file, the key files
 * of [jwt] and password_file (relative paths are taken from the
 * directory of path) and check the whole: secrets of at least
 * CFG_SECRET_MIN bytes, a private_key_file for an asymmetric algorithm
 * and none for HS*, files holding a secret or a private key not
 * readable by others nor writable by the group, a known algorithm, a users_table that is a plain identifier, trusted_proxies
 * that are addresses or networks, a proxy_header that is a header name.
 * On failure err holds a one-line reason and cfg is freed.
 */
enum svc_err	 cfg_load(struct cfg *cfg, const char *path,
		    char *err, size_t errsz);

/*
 * Reads a key file (a PEM) at file, as given, into b, with the mode
 * rule of secrets when it holds a private key.  On failure err holds a
 * one-line reason and b is empty.  Free b with cfg_blob_free.
 */
enum svc_err	 cfg_read_key(const char *file, struct cfg_blob *b,
		    char *err, size_t errsz);

/* Wipes a key file's bytes (a private key or a secret), frees them. */
void		 cfg_blob_free(struct cfg_blob *b);

/* Frees every string, wipes the secret and the password; NULL is safe. */
void		 cfg_free(struct cfg *cfg);

#endif /* CFG_H */
