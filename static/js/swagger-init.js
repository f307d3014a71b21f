/* Starts Swagger UI on /api/docs/ from the page's JSON settings (#swagger-config, made by
   smeportal/api_docs.py). A static file, so the page needs no inline script under the portal's
   Content-Security-Policy. "Try it out" sends the session's CSRF token on requests that change data. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("swagger-config").textContent);
  var csrfToken = document.getElementById("swagger-ui").dataset.csrfToken;

  function requestInterceptor(request) {
    if (["GET", undefined].indexOf(request.method) === -1 && request.credentials === "same-origin") {
      request.headers[config.csrfHeaderName] = csrfToken;
    }
    return request;
  }

  window.ui = SwaggerUIBundle(Object.assign({
    url: config.url,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: requestInterceptor,
  }, config.settings));
})();
