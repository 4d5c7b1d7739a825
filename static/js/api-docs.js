// Starts the vendored Swagger UI on /api/v1/docs/ without inline script (the site's CSP forbids it).
SwaggerUIBundle({
  url: document.body.dataset.openapiUrl,
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
});
