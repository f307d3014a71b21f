/* Behaviour of every page, from a static file: the Content-Security-Policy refuses inline scripts
   and event handlers (onchange=…). A select marked data-autosubmit submits its form when changed
   (the language switcher; without JavaScript its <noscript> button does it). */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });
})();
