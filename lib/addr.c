/*
 * addr.c: the client address (addr.h).  Only a trusted proxy's header
 * is believed, CIDR-matched against [login] trusted_proxies.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "cfg.h"

/*
 * One address of n bytes at s, spaces around it allowed, also as
 * "[v6]", "[v6]:port" or "v4:port" (some proxies add the port).
 * Returns the family, or 0 when it does not parse.
 */
static int
addr_parse(const char *s, size_t n, unsigned char *addr)
{
	static const unsigned char mapped[12] =
	    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	char buf[INET6_ADDRSTRLEN + 8], *end, *colon;

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	s = buf;
	if (buf[0] == '[') {
		if ((end = strchr(buf, ']')) == NULL ||
		    (end[1] != '\0' && end[1] != ':'))
			return 0;
		*end = '\0';
		s = buf + 1;
	} else if ((colon = strchr(buf, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL)
		*colon = '\0';		/* v4:port */
	if (inet_pton(AF_INET, s, addr) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, addr) != 1)
		return 0;
	if (memcmp(addr, mapped, sizeof(mapped)) == 0) {
		memmove(addr, addr + 12, 4);
		return AF_INET;
	}
	return AF_INET6;
}

static int
addr_in_net(const struct cfg_net *net, int family,
    const unsigned char *addr)
{
	unsigned full = net->bits / 8, rest = net->bits % 8;
	unsigned char mask;

	if (net->family != family)
		return 0;
	if (memcmp(net->addr, addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (net->addr[full] & mask) == (addr[full] & mask);
}

static int
addr_trusted(const struct cfg *cfg, int family, const unsigned char *a)
{
	size_t i;

	for (i = 0; i < cfg->nproxies; i++)
		if (addr_in_net(&cfg->proxies[i], family, a))
			return 1;
	return 0;
}

/* The canonical text of an address: IPv4, or an IPv6 /64. */
static void
addr_format(int family, const unsigned char *addr, char *out,
    size_t outsz)
{
	unsigned char net[16];
	char buf[INET6_ADDRSTRLEN];

	if (family == AF_INET) {
		if (inet_ntop(AF_INET, addr, buf, sizeof(buf)) == NULL)
			snprintf(buf, sizeof(buf), "unknown");
		snprintf(out, outsz, "%s", buf);
		return;
	}
	memcpy(net, addr, 8);
	memset(net + 8, 0, 8);
	if (inet_ntop(AF_INET6, net, buf, sizeof(buf)) == NULL)
		snprintf(out, outsz, "unknown");
	else
		snprintf(out, outsz, "%s/64", buf);
}

void
addr_client(const struct cfg *cfg, const char *remote_addr,
    const char *forwarded, char *out, size_t outsz)
{
	unsigned char addr[16], hop[16];
	const char *end, *comma;
	int family, hf;

	if (remote_addr == NULL ||
	    (family = addr_parse(remote_addr, strlen(remote_addr),
	    addr)) == 0) {
		snprintf(out, outsz, "unknown");
		return;
	}
	/*
	 * Only a trusted proxy's header is believed, and only the hops
	 * that trusted proxies appended: walk from the right, past every
	 * trusted hop, to the first that is not (the client as our own
	 * proxies saw it).  Whatever a client wrote further left is
	 * never used.
	 */
	if (forwarded != NULL && addr_trusted(cfg, family, addr)) {
		end = forwarded + strlen(forwarded);
		while (end > forwarded) {
			for (comma = end; comma > forwarded &&
			    comma[-1] != ','; comma--)
				;
			if ((hf = addr_parse(comma,
			    (size_t)(end - comma), hop)) == 0)
				break;
			family = hf;
			memcpy(addr, hop, sizeof(addr));
			if (!addr_trusted(cfg, family, addr))
				break;
			end = comma > forwarded ? comma - 1 : forwarded;
		}
	}
	addr_format(family, addr, out, outsz);
}
