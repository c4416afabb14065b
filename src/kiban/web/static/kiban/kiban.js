/* kiban: small conveniences over pages that work fully without JavaScript. Our own work.
   - An error summary takes focus when the page opens, so screen readers announce it.
   - Its links move focus to the field and scroll its label or legend into view.
   - The header menus (<details>) close on Escape, on a click elsewhere, and when another opens. */
(function () {
  "use strict";

  // The question the field answers: its group's legend, else its own label.
  function labelFor(field) {
    var fieldset = field.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    if (legend) { return legend; }
    return (field.id && document.querySelector('label[for="' + CSS.escape(field.id) + '"]')) || field;
  }

  function focusField(id) {
    var field = document.getElementById(id);
    if (!field) { return false; }
    var shown = labelFor(field);
    shown.scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
    return true;
  }

  function menus() {
    return Array.prototype.slice.call(document.querySelectorAll("details[data-menu]"));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      if (!summary.hasAttribute("tabindex")) { summary.setAttribute("tabindex", "-1"); }
      summary.focus();
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (link && focusField(decodeURIComponent(link.hash.slice(1)))) {
      event.preventDefault();
    }
    menus().forEach(function (menu) {
      if (menu.open && !menu.contains(event.target)) { menu.open = false; }
    });
  });

  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (opened.matches && opened.matches("details[data-menu]") && opened.open) {
      menus().forEach(function (menu) { if (menu !== opened) { menu.open = false; } });
    }
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    menus().forEach(function (menu) {
      if (menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
}());
