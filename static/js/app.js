// Small progressive enhancements; every page works without JavaScript (the server decides).
document.addEventListener("htmx:afterSwap", function (event) {
  var trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (!trigger) { return; }
  // Keep keyboard users where they were: a new participant row gets focus,
  // a removed row hands focus to the "add" button.
  var status = document.getElementById("felter-status");
  var besked = "";
  if (trigger.name === "_tilfoej_deltager") {
    var names = document.querySelectorAll(".deltager-raekke input[name$='-navn']");
    if (names.length) { names[names.length - 1].focus(); }
    besked = "Deltager " + names.length + " er tilføjet.";
  } else if (trigger.name === "_fjern_deltager") {
    var add = document.querySelector("button[name='_tilfoej_deltager']");
    if (add) { add.focus(); }
    besked = "Deltageren er fjernet.";
  } else {
    var felter = document.getElementById("felter-besked");
    besked = felter ? felter.textContent.trim() : "";
  }
  // Tell screen reader users what changed, through the live region that outlives the swap.
  if (status && besked) { status.textContent = besked; }
});

// A refused registration: move focus to the summary of errors, which links to each field.
document.addEventListener("DOMContentLoaded", function () {
  var oversigt = document.getElementById("fejloversigt");
  if (oversigt) { oversigt.focus(); }
});

// A re-render that fails (network, server error) must not leave the fields silently stale.
function visHtmxFejl(tekst) {
  var boks = document.getElementById("htmx-fejl");
  if (!boks) {
    boks = document.createElement("div");
    boks.id = "htmx-fejl";
    boks.className = "alert alert-danger";
    boks.setAttribute("role", "alert");
    var main = document.getElementById("indhold");
    main.insertBefore(boks, main.firstChild);
  }
  boks.textContent = tekst;
}
document.addEventListener("htmx:responseError", function () {
  visHtmxFejl("Felterne kunne ikke opdateres. Genindlæs siden og prøv igen; det indtastede er ikke gemt.");
});
document.addEventListener("htmx:sendError", function () {
  visHtmxFejl("Der er ingen forbindelse til serveren. Det indtastede er ikke gemt.");
});
document.addEventListener("htmx:beforeRequest", function () {
  var boks = document.getElementById("htmx-fejl");
  if (boks) { boks.remove(); }
});
