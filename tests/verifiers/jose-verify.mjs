// Verifies tokens as a Node.js site would with `jose` (npm, pinned in
// package-lock.json): the keys come from our JWKS URL through
// createRemoteJWKSet, each token goes through jwtVerify with the one
// algorithm the site expects.  One JSON line per token on stdout:
// {"ok": true, "payload": ..., "header": ...} or {"ok": false, "code": ...}.
//
//   node tests/verifiers/jose-verify.mjs JWKS_URL ALG TOKEN...
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [url, alg, ...tokens] = process.argv.slice(2);
const jwks = createRemoteJWKSet(new URL(url));
for (const token of tokens) {
	try {
		const { payload, protectedHeader } = await jwtVerify(token, jwks,
			{ algorithms: [alg] });
		console.log(JSON.stringify({ ok: true, payload, header: protectedHeader }));
	} catch (e) {
		console.log(JSON.stringify({ ok: false, code: e.code || null,
			error: String(e.message) }));
	}
}
