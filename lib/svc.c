#include "svc.h"

static const char *const svc_names[SVC__MAX] = {
	[SVC_OK] = "ok",
	[SVC_NOMEM] = "out of memory",
	[SVC_BADINPUT] = "bad input",
	[SVC_DENIED] = "denied",
	[SVC_NOTFOUND] = "not found",
	[SVC_CONFLICT] = "conflict",
	[SVC_DB] = "database error",
	[SVC_CRYPTO] = "crypto error",
	[SVC_IO] = "i/o error",
	[SVC_TOOBIG] = "too big",
	[SVC_EOF] = "end of requests",
};

const char *
svc_strerror(enum svc_err rc)
{
	if ((unsigned)rc >= SVC__MAX)
		return "unknown error";
	return svc_names[rc];
}
