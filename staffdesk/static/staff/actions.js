// Confirmation prompts, forms sent once, and the print button without inline handlers, which the CSP forbids.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
    return;
  }
  // A booking form sent once: a double tap must not book the caller twice.
  if (form.dataset && form.dataset.submitOnce !== undefined) {
    if (form.dataset.sent) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
    form.dataset.sent = "1";
  }
}, true);
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) return;  // back to a page kept whole: its forms may be sent again
  document.querySelectorAll("form[data-sent]").forEach(function (form) { delete form.dataset.sent; });
});
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) {
    window.print();
  }
});
// On a phone the session's tabs are one line that scrolls sideways: the open tab is brought into
// view without moving the page.
(function () {
  var open = document.querySelector(".tabs [aria-current=page]");
  if (!open) return;
  var tabs = open.parentNode;
  if (tabs.scrollWidth > tabs.clientWidth) {
    tabs.scrollLeft = open.offsetLeft - (tabs.clientWidth - open.offsetWidth) / 2;
  }
})();
