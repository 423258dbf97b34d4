// Small progressive enhancements; every page works without JavaScript (the server decides).
document.addEventListener("htmx:afterSwap", function (event) {
  var trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (!trigger) { return; }
  // Keep keyboard users where they were: a new participant row gets focus,
  // a removed row hands focus to the "add" button.
  if (trigger.name === "_tilfoej_deltager") {
    var names = document.querySelectorAll(".deltager-raekke input[name$='-navn']");
    if (names.length) { names[names.length - 1].focus(); }
  } else if (trigger.name === "_fjern_deltager") {
    var add = document.querySelector("button[name='_tilfoej_deltager']");
    if (add) { add.focus(); }
  }
});
