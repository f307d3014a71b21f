/* The filing form (templates/certification/filing/step.html), from a static file for the
   Content-Security-Policy. Without JavaScript nothing is lost either: the step bar and the suggestions are
   buttons of the step's form, which save before they go. This adds two things:
   - after a save or an addition that failed, the focus goes to the first field in error (else to the
     step's error summary);
   - a form changed and not sent (an IP item typed but not added, or a step left by the menu or the
     browser's back button) makes the browser ask before the page is left. */
(function () {
  "use strict";

  var changed = new Set();
  var sending = null;

  var firstError = document.querySelector("main form .is-invalid") ||
    document.querySelector("[data-testid='error-summary']");
  if (firstError) {
    firstError.focus();
  }

  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.method === "post" && form.closest("main")) {
      changed.add(form);
    }
  });

  document.addEventListener("submit", function (event) {
    sending = event.target;
  });

  window.addEventListener("beforeunload", function (event) {
    var unsent = Array.from(changed).some(function (form) {
      return form !== sending && document.body.contains(form);
    });
    if (unsent) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
