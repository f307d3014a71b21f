/* Behaviour of every page, from a static file: the Content-Security-Policy refuses inline scripts
   and event handlers (onchange=…). A select marked data-autosubmit submits its form when changed
   (the language switcher; without JavaScript its <noscript> button does it); a button marked data-print
   prints the page. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });
})();
