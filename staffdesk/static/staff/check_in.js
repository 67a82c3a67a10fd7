// One-tap check-in without reloading the page. The forms work on their own (POST and
// redirect); with this script the same tap goes to the staff API with the session cookie and
// the CSRF token, and only the row changes. A second tap by another staff member answers
// "no change" with the current state, which the row then shows.
(function () {
  "use strict";
  var table = document.querySelector("table.roster[data-check-in-api]");
  if (!table || !window.fetch) return;
  var api = table.dataset.checkInApi;
  var errorBox = document.querySelector(".js-error");
  var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");

  function label(state) {
    return table.dataset["label" + (state ? state.charAt(0).toUpperCase() + state.slice(1) : "Expected")] || "";
  }

  // An error (red) or, with notice=true, information such as "someone else was first".
  function showError(text, notice) {
    if (!errorBox) return;
    errorBox.textContent = text || "";
    errorBox.hidden = !text;
    errorBox.classList.toggle("alert", !notice);
    errorBox.classList.toggle("notice", !!notice);
    errorBox.setAttribute("role", notice ? "status" : "alert");
  }

  function render(row, attendance) {
    row.dataset.attendance = attendance || "";
    row.classList.remove("attended", "no_show", "expected");
    row.classList.add(attendance || "expected");
    var state = row.querySelector("[data-state]");
    if (state) state.textContent = label(attendance === "no_show" ? "No_show" : attendance);
    var checkIn = row.querySelector("[data-check-in=in]");
    var undo = row.querySelector("[data-check-in=undo]");
    if (checkIn) checkIn.hidden = attendance === "attended";
    if (undo) undo.hidden = attendance !== "attended";
  }

  function recount(attendedCount) {
    var attended = document.querySelector("[data-count=attended]");
    if (attended && typeof attendedCount === "number") attended.textContent = attendedCount;
    var noShow = document.querySelector("[data-count=no_show]");
    if (noShow) noShow.textContent = table.querySelectorAll("tr[data-attendance=no_show]").length;
  }

  table.addEventListener("submit", function (event) {
    var form = event.target;
    var row = form.closest("tr[data-code]");
    // Only the check-in forms: a row's other forms (当選を確定する) post as they are.
    if (!row || !form.querySelector("[data-check-in]")) return;
    event.preventDefault();
    // The tapped button (check in or undo); without submitter support, the visible one.
    var button = event.submitter || form.querySelector("button:not([hidden])");
    if (!button) return;
    button.disabled = true;
    row.setAttribute("aria-busy", "true");
    fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": tokenInput ? tokenInput.value : "",
        // The API's message is shown on this page: in the staff's language, not the parents'.
        "X-Staff-Page": "1",
      },
      body: JSON.stringify({ code: row.dataset.code, attended: button.dataset.checkIn === "in" }),
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (!result.ok) {
          showError(result.body.message || table.dataset.labelFailed);
          return;
        }
        render(row, result.body.attendance);
        recount(result.body.attended_count);
        showError(result.body.changed ? "" : table.dataset.labelUnchanged, true);
      })
      .catch(function () { showError(table.dataset.labelFailed); })
      .finally(function () {
        button.disabled = false;
        row.removeAttribute("aria-busy");
      });
  });
})();
