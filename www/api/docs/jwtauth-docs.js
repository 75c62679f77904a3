/*
 * Starts Swagger UI on ../openapi.json (that is /api/openapi.json when
 * this page is /api/docs/).  No validator badge, no external URL:
 * the page works with no network beyond the server that serves it.
 */
window.addEventListener('load', function () {
	'use strict';
	window.ui = SwaggerUIBundle({
		url: new URL('../openapi.json', window.location.href).href,
		dom_id: '#swagger-ui',
		layout: 'BaseLayout',
		presets: [SwaggerUIBundle.presets.apis],
		deepLinking: true,
		displayRequestDuration: true,
		validatorUrl: null,
		persistAuthorization: false,
		tryItOutEnabled: false,
		defaultModelsExpandDepth: 1
	});
});
