// Starts Swagger UI on brisk's own document. Paths are relative to /docs so
// the page also works behind a reverse proxy that adds a prefix.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: new URL("openapi.json", window.location.href).href,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // No online validator badge: the page must not contact another host.
    validatorUrl: null,
    displayRequestDuration: true,
    tryItOutEnabled: false,
  });
});
