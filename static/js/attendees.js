// The names of those who come (a programme that asks them): show one name field per adult
// chosen, and leave the others out of the form, so that a party made smaller does not send the
// names it no longer has. Progressive enhancement: without it every field shows and the
// booking's rules count the names.
(function () {
  var adults = document.querySelector("select[name$='adults']");
  if (!adults) return;
  var prefix = adults.name.slice(0, adults.name.length - "adults".length) + "attendee_";
  var inputs = document.querySelectorAll("input[name^='" + prefix + "']");
  if (!inputs.length) return;
  function show() {
    var coming = parseInt(adults.value, 10) || 1;
    Array.prototype.forEach.call(inputs, function (input) {
      var extra = parseInt(input.name.slice(prefix.length), 10) > coming;
      var field = input.closest(".field");
      if (field) field.hidden = extra;
      input.disabled = extra;
    });
  }
  adults.addEventListener("change", show);
  show();
})();
