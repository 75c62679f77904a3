/*
 * hello: the CGI baseline of `make bench` (bench/run): the least a
 * CGI program in C can do, a fixed JSON answer (RFC 3875, 6).  bench/run
 * compiles it with libc alone, so the time it takes is the web
 * server's fork and exec and nothing of ours.
 */
#include <stdio.h>

int
main(void)
{
	static const char msg[] =
	    "Status: 200 OK\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: 18\r\n"
	    "\r\n"
	    "{\"hello\": \"world\"}";

	return fwrite(msg, 1, sizeof(msg) - 1, stdout) == sizeof(msg) - 1 &&
	    fflush(stdout) == 0 ? 0 : 1;
}
