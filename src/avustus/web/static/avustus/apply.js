// Shows the largest amount that can be applied for while the applicant types the budget.
// The server checks the same rule at submission; this only saves a round trip.
(function () {
  "use strict";
  var maximum = document.getElementById("maximum");
  if (!maximum) { return; }
  var rate = parseFloat(maximum.getAttribute("data-rate"));
  var template = maximum.textContent;

  function cents(text) {
    var cleaned = (text || "").replace(/[\s\u00a0]/g, "").replace(",", ".");
    if (!/^\d+(\.\d{0,2})?$/.test(cleaned)) { return 0; }
    var parts = cleaned.split(".");
    return parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }

  function format(totalCents) {
    var euros = Math.floor(totalCents / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
    return euros + "," + ("0" + (totalCents % 100)).slice(-2) + "\u00a0€";
  }

  function update() {
    var sum = 0;
    document.querySelectorAll("[data-vat-free]").forEach(function (input) { sum += cents(input.value); });
    // Rounded down to the cent, as the rules do: a cent over the rate is over the rate.
    var allowed = Math.floor(sum * rate + 1e-9);
    maximum.textContent = template.replace(/\d[\d\u00a0 ]*,\d{2}\u00a0€/, format(allowed));
  }

  document.querySelectorAll("[data-vat-free]").forEach(function (input) {
    input.addEventListener("input", update);
  });
}());

// Saves the draft a moment after the user stops typing, so that nothing is lost. A conflict with a
// colleague's save is shown, never overwritten: the server keeps the refused changes aside.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  var status = document.getElementById("autosave-status");
  if (!form || !status || !window.fetch || !window.FormData) { return; }
  var timer = null;
  var stopped = false;
  var inflight = null;

  function save() {
    timer = null;
    if (stopped) { return Promise.resolve(); }
    var data = new FormData(form);
    data.set("action", "autosave");
    data.delete("search_partner");
    data.delete("add_partner");
    data.delete("remove_partner");
    inflight = fetch(window.location.href, { method: "POST", body: data, credentials: "same-origin",
                                  headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      })
      .then(function (result) {
        if (result.status === 200) {
          form.querySelector("input[name=version]").value = result.body.version;
          status.textContent = result.body.message;
        } else if (result.status === 409) {
          stopped = true;
          status.textContent = result.body.error;
        }
        // 422: what is wrong is shown when the user saves or submits; typing goes on undisturbed.
      })
      .catch(function () { /* offline for a moment: the next change or the save button tries again */ })
      .then(function () { inflight = null; });
    return inflight;
  }

  // A button pressed while a save is on its way waits for it, so that it sends the new version
  // instead of being refused as a colleague's stale save.
  form.addEventListener("submit", function (event) {
    if (timer) { clearTimeout(timer); timer = null; }
    if (inflight) {
      event.preventDefault();
      var submitter = event.submitter;
      inflight.then(function () { form.requestSubmit(submitter); });
    }
  });

  form.addEventListener("input", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, 1500);
  });
}());
