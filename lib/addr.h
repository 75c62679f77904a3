/*
 * addr.h: the client address that a request is counted under: the
 * peer, or behind trusted proxies the hop they saw (X-Forwarded-For or
 * the configured header), in one canonical text.
 */
#ifndef ADDR_H
#define ADDR_H

#include <stddef.h>

struct cfg;

#define ADDR_MAX	64	/* "ffff:...:ffff/64" and a NUL */

/*
 * The client address into out (ADDR_MAX bytes): remote_addr
 * (REMOTE_ADDR), unless it is one of cfg's trusted_proxies and
 * forwarded (the proxy_header's value) is set; then the right-most hop
 * of forwarded that is not a trusted proxy (a hop that does not parse
 * ends the walk at the hop before it).  IPv4 addresses come out as
 * "192.0.2.1"; IPv6 ones as their /64, "2001:db8:1:2::/64", since one
 * host commonly holds a whole /64; IPv4-mapped IPv6 addresses as IPv4.
 * A missing or malformed remote_addr gives "unknown".  Never fails.
 */
void		 addr_client(const struct cfg *cfg, const char *remote_addr,
		    const char *forwarded, char *out, size_t outsz);

#endif /* ADDR_H */
