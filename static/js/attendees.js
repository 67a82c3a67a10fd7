// The names of those who come (a programme that asks them): show one name field per adult
// chosen, and leave the others out of the form, so that a party made smaller does not send the
// names it no longer has. Each name shown is needed, so where the first field is marked
// required (a parent's form), the others shown say so too instead of 任意. The parents' forms
// choose the adults from a list, the desk's type the number. Progressive enhancement: without
// it every field shows and the booking's rules count the names.
(function () {
  var adults = document.querySelector("select[name$='adults'], input[name$='adults']");
  if (!adults) return;
  var prefix = adults.name.slice(0, adults.name.length - "adults".length) + "attendee_";
  var inputs = document.querySelectorAll("input[name^='" + prefix + "']");
  if (!inputs.length) return;
  var firstField = inputs[0].closest(".field");
  var requiredMark = firstField && firstField.querySelector(".required-mark");
  function markRequired(input) {
    var label = document.querySelector("label[for='" + input.id + "']");
    var optional = label && label.querySelector(".optional-mark");
    if (!optional) return;
    optional.replaceWith(requiredMark.cloneNode(true));
    input.required = true;
    input.setAttribute("aria-required", "true");
  }
  function show() {
    var coming = Math.max(parseInt(adults.value, 10) || 1, 1);
    Array.prototype.forEach.call(inputs, function (input) {
      var extra = parseInt(input.name.slice(prefix.length), 10) > coming;
      var field = input.closest(".field");
      if (field) field.hidden = extra;
      input.disabled = extra;
      if (!extra && requiredMark) markRequired(input);
    });
  }
  adults.addEventListener("change", show);
  adults.addEventListener("input", show);
  show();
})();
