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
