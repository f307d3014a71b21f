/* Behaviour of every page, from a static file: the Content-Security-Policy refuses inline scripts
   and event handlers (onchange=…). A select marked data-autosubmit submits its form when changed
   (the language switcher; without JavaScript its <noscript> button does it); a button marked data-print
   prints the page. A table that scrolls sideways (.table-responsive on a phone) can be reached and
   scrolled with the keyboard: it takes the focus (WCAG 2.1.1; axe-core's scrollable-region-focusable),
   including tables that htmx swaps in later. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });

  function focusableScrollers(root) {
    var scrollers = root.querySelectorAll ? root.querySelectorAll(".table-responsive:not([tabindex])") : [];
    Array.prototype.forEach.call(scrollers, function (scroller) {
      scroller.setAttribute("tabindex", "0");
    });
  }
  focusableScrollers(document);
  document.addEventListener("htmx:afterSwap", function (event) {
    focusableScrollers(event.target);
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });
})();
