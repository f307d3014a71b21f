/* Behaviour of every page, from a static file: the Content-Security-Policy refuses inline scripts
   and event handlers (onchange=…). A select marked data-autosubmit submits its form when changed
   (the language switcher; without JavaScript its <noscript> button does it); a button marked data-print
   prints the page. A checkbox marked data-select-all="NAME" checks or clears the form's checkboxes named
   NAME, shows "some" (indeterminate) when only some are checked, and an element marked
   data-selected-count="NAME" counts them. A button marked data-fill="ID" with data-value puts the value
   into the field #ID (a suggestion chosen from a list) and clears the suggestions it sits in. A table that
   scrolls sideways (.table-responsive on a phone) can be reached and scrolled with the keyboard: it takes
   the focus (WCAG 2.1.1; axe-core's scrollable-region-focusable), including tables that htmx swaps in later. */
(function () {
  "use strict";

  function rowBoxes(form, name) {
    return Array.prototype.filter.call(form.querySelectorAll("input[type=checkbox]"), function (box) {
      return box.name === name;
    });
  }

  function showSelection(form, name) {
    var boxes = rowBoxes(form, name);
    var checked = boxes.filter(function (box) { return box.checked; }).length;
    form.querySelectorAll("input[data-select-all]").forEach(function (all) {
      if (all.dataset.selectAll === name) {
        all.checked = boxes.length > 0 && checked === boxes.length;
        all.indeterminate = checked > 0 && checked < boxes.length;
      }
    });
    form.querySelectorAll("[data-selected-count]").forEach(function (counter) {
      if (counter.dataset.selectedCount === name) {
        counter.textContent = counter.textContent.replace(/\d[\d,]*/, String(checked));
      }
    });
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest) {
      return;
    }
    if (event.target.closest("[data-print]")) {
      window.print();
    }
    var fill = event.target.closest("[data-fill]");
    var field = fill && document.getElementById(fill.dataset.fill);
    if (field) {
      field.value = fill.dataset.value;
      var list = fill.closest("[data-suggestions]");
      if (list) {
        list.replaceChildren();
      }
      field.focus();
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
    if (target.matches && target.matches("input[data-select-all]") && target.form) {
      rowBoxes(target.form, target.dataset.selectAll).forEach(function (box) {
        box.checked = target.checked;
      });
      showSelection(target.form, target.dataset.selectAll);
    } else if (target.type === "checkbox" && target.form && target.form.querySelector("input[data-select-all]")) {
      showSelection(target.form, target.name);
    }
  });
})();
