/*
 * svc.h: the one status type that every lib function returns.
 * SVC_OK is zero so that "if (rc != SVC_OK)" reads naturally.
 */
#ifndef SVC_H
#define SVC_H

enum svc_err {
	SVC_OK = 0,
	SVC_NOMEM,	/* allocation failed */
	SVC_BADINPUT,	/* the caller's input is malformed */
	SVC_DENIED,	/* well-formed, but refused (bad token, wrong password) */
	SVC_NOTFOUND,	/* no such row or key */
	SVC_CONFLICT,	/* a unique constraint said no */
	SVC_DB,		/* the database failed or is unreachable */
	SVC_CRYPTO,	/* OpenSSL failed */
	SVC_IO,		/* a read or write failed */
	SVC_TOOBIG,	/* input over its size limit */
	SVC_EOF,	/* no more requests: the server asked us to stop */
	SVC__MAX
};

/* A static, human-readable name for rc; never NULL. */
const char	*svc_strerror(enum svc_err rc);

#endif /* SVC_H */
