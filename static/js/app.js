// Small progressive enhancements; every page works without JavaScript (the server decides).
// CSP: no inline script, no eval; everything lives in this file.
(function () {
  "use strict";

  // --- The registration form's re-render never throws away what was typed (README) --------
  //
  // Changing the date or samtaletype, or adding or removing a participant, posts the form:
  // the form itself asks (htmx.trigger(form, "genindlaes", {navn, vaerdi}), hx-sync on
  // #samtale-form queues them: one at a time, each with the fields as they are when it
  // leaves) and the answer replaces #dynamiske-felter. The form is never swapped, so a
  // request queued behind another is carried out after it (a request from a button inside
  // the swapped part was dropped by htmx once its button had been replaced: issue 18). The
  // index of a participant to remove is the row's when clicked; rows removed by requests
  // carried out in between move it down. The server decides
  // which fields exist and what they start from; the person owns what they typed after the
  // request left. So, before the swap, every field in the swapped part whose value differs
  // from what the request carried is carried over into the same field (by name) of the
  // answer. If the answer has no such field (the server dropped a field that was empty or an
  // untouched copy when the request left), the answer is stale: it is not swapped, and the
  // same re-render is asked again with the fields as they are now, so the server decides on
  // what the person actually wrote.

  var FELTER = "dynamiske-felter";
  var sendt = new WeakMap(); // xhr -> the swapped part's values as the request carried them
  var venter = null; // the swap under way: values to put back, where the focus goes

  var TEKST = {
    fejl: "Felterne blev ikke opdateret, fordi serveren svarede med en fejl. Det, du har skrevet, står der stadig, men er ikke gemt. Prøv igen.",
    forbindelse: "Felterne blev ikke opdateret, fordi der ikke er forbindelse til serveren. Det, du har skrevet, står der stadig, men er ikke gemt. Prøv igen, når forbindelsen er tilbage.",
    logget_ud: "Felterne blev ikke opdateret, fordi du ikke længere er logget ind. Det, du har skrevet, står der stadig, men er ikke gemt. Log ind i et nyt faneblad, og kom tilbage hertil.",
    log_ind: "Log ind i et nyt faneblad",
    tilfoejet: function (nr) { return "Deltager " + nr + " er tilføjet."; },
    fjernet: "Deltageren er fjernet.",
  };

  function felter(rod) {
    return rod ? Array.prototype.slice.call(rod.querySelectorAll("input[name], select[name], textarea[name]")) : [];
  }

  function vaerdi(el) {
    if (el.type === "checkbox" || el.type === "radio") { return el.checked ? el.value || "on" : ""; }
    return el.value;
  }

  function saet(el, v) {
    if (el.type === "checkbox" || el.type === "radio") { el.checked = v !== ""; } else { el.value = v; }
  }

  function felt(rod, navn) {
    return rod.querySelector('[name="' + CSS.escape(navn) + '"]');
  }

  function harValg(select, v) {
    return Array.prototype.some.call(select.options, function (o) { return o.value === v; });
  }

  // What a re-render asks: {navn, vaerdi} of the button or change behind it (the triggering
  // event's detail; "indeks" is a removal's row as the request left).
  function handlingFor(cfg) {
    var d = cfg && cfg.triggeringEvent && cfg.triggeringEvent.detail;
    if (d && d.navn) { return d; }
    return { navn: "_opdater", vaerdi: "1" };
  }

  var fjernelser = []; // the rows removed by re-renders carried out, in order

  // Removing participant k renumbers the rows after it: deltagere-5-navn is now deltagere-4-navn.
  var DELTAGER = /^deltagere-(\d+)-(.+)$/;
  function omdoeber(handling) {
    if (!handling || handling.navn !== "_fjern_deltager") { return function (navn) { return navn; }; }
    var fjernet = handling.indeks !== undefined ? handling.indeks : parseInt(handling.vaerdi, 10);
    return function (navn) {
      var m = DELTAGER.exec(navn);
      if (!m) { return navn; }
      var i = parseInt(m[1], 10);
      if (i === fjernet) { return null; } // the row the person asked to remove
      return i > fjernet ? "deltagere-" + (i - 1) + "-" + m[2] : navn;
    };
  }

  function visFejl(tekst, login) {
    var boks = document.getElementById("htmx-fejl");
    if (!boks) {
      boks = document.createElement("div");
      boks.id = "htmx-fejl";
      boks.setAttribute("role", "alert");
      var main = document.getElementById("indhold");
      main.insertBefore(boks, main.firstChild);
    }
    boks.className = "alert alert-danger";
    boks.textContent = tekst;
    if (login) {
      // Logging in elsewhere keeps this page, and what is typed in it, as it is.
      var link = document.createElement("a");
      link.href = login;
      link.target = "_blank";
      link.rel = "noopener";
      link.className = "ms-1";
      link.textContent = TEKST.log_ind;
      boks.appendChild(link);
    }
  }

  function skjulFejl() {
    var boks = document.getElementById("htmx-fejl");
    if (boks) { boks.className = ""; boks.textContent = ""; }
  }

  function omdirigeret(xhr, sti) {
    // A redirect followed to another page (the login page, were the HX-Redirect middleware
    // gone): not our fields.
    try { return new URL(xhr.responseURL, location.href).pathname !== new URL(sti, location.href).pathname; } catch (e) { return false; }
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    skjulFejl();
    var rod = document.getElementById(FELTER);
    var form = document.getElementById("samtale-form");
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!rod || !form || !elt || !form.contains(elt)) { return; }
    var vaerdier = new Map();
    felter(rod).forEach(function (el) { vaerdier.set(el.name, vaerdi(el)); });
    sendt.set(event.detail.xhr, vaerdier);
  });

  // An expired session: samtaler_site/middleware.py answers an htmx request with HX-Redirect to
  // the login page. Following it would throw away the form, so on this form it is not followed.
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    var xhr = event.detail.xhr;
    if (!sendt.has(xhr) || !xhr.getResponseHeader("HX-Redirect")) { return; }
    event.preventDefault();
    sendt.delete(xhr);
    visFejl(TEKST.logget_ud, new URL(xhr.getResponseHeader("HX-Redirect"), location.href).pathname);
  });

  // Logging in (in another tab) gives a new CSRF cookie (Django rotates it): this page's own
  // token is then out of date. Requests and the submit send the cookie's current value, so
  // the form still registers what it holds. Django accepts the cookie's secret as the token.
  function csrfCookie() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : null;
  }
  document.addEventListener("htmx:configRequest", function (event) {
    var d = event.detail.triggeringEvent && event.detail.triggeringEvent.detail;
    if (event.detail.elt && event.detail.elt.id === "samtale-form" && d && d.navn) {
      // Leaving now: what the re-render asks, as the no-JavaScript button would post it.
      var vaerdi = d.vaerdi;
      if (d.navn === "_fjern_deltager") {
        var k = parseInt(d.vaerdi, 10);
        for (var i = d.foer || 0; i < fjernelser.length; i++) {
          if (fjernelser[i] === k) { event.preventDefault(); return; } // that row is gone already
          if (fjernelser[i] < k) { k -= 1; }
        }
        d.indeks = k;
        vaerdi = String(k);
      }
      event.detail.parameters[d.navn] = vaerdi;
    }
    var token = csrfCookie();
    if (!token) { return; }
    event.detail.headers["X-CSRFToken"] = token;
    // Django reads a posted csrfmiddlewaretoken before the header: that one must be current too.
    if (event.detail.parameters.csrfmiddlewaretoken !== undefined) { event.detail.parameters.csrfmiddlewaretoken = token; }
  });

  // The date or the samtaletype changed, a participant is added or removed: the form asks.
  function genindlaes(detail) {
    var form = document.getElementById("samtale-form");
    htmx.trigger(form, "genindlaes", detail);
  }
  function medHtmx(el) {
    var form = document.getElementById("samtale-form");
    return window.htmx && form && form.hasAttribute("hx-post") && el && el.form === form;
  }
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (medHtmx(el) && (el.name === "dato" || el.name === "samtaletype")) { genindlaes({ navn: "_opdater", vaerdi: "1" }); }
  });
  document.addEventListener("click", function (event) {
    var knap = event.target.closest && event.target.closest("button[name='_tilfoej_deltager'], button[name='_fjern_deltager']");
    if (!medHtmx(knap)) { return; } // without htmx the button posts the whole page (the no-JavaScript path)
    event.preventDefault();
    event.stopPropagation();
    genindlaes({ navn: knap.name, vaerdi: knap.value, foer: fjernelser.length });
  }, true);
  document.addEventListener("submit", function (event) {
    var token = csrfCookie();
    var felt = event.target.querySelector && event.target.querySelector("input[name=csrfmiddlewaretoken]");
    if (token && felt) { felt.value = token; }
  }, true);

  document.addEventListener("htmx:beforeSwap", function (event) {
    var d = event.detail;
    var foer = sendt.get(d.xhr);
    if (!foer) { return; }
    sendt.delete(d.xhr);
    if (!d.shouldSwap) { return; } // an error status: htmx:responseError says so below
    var cfg = d.requestConfig;
    var nyt = new DOMParser().parseFromString(d.serverResponse, "text/html").getElementById(FELTER);
    if (omdirigeret(d.xhr, cfg.path)) {
      d.shouldSwap = false;
      visFejl(TEKST.logget_ud, new URL(d.xhr.responseURL).pathname);
      return;
    }
    if (!nyt) { d.shouldSwap = false; visFejl(TEKST.fejl); return; }
    var handling = handlingFor(cfg);
    var omdoeb = omdoeber(handling);
    var flyt = [];
    var forael = false;
    felter(document.getElementById(FELTER)).forEach(function (el) {
      var nu = vaerdi(el);
      if (!foer.has(el.name) || nu === foer.get(el.name)) { return; } // as sent: the server's answer stands
      var navn = omdoeb(el.name);
      if (navn === null) { return; }
      var maal = felt(nyt, navn);
      if (!maal || (maal.tagName === "SELECT" && !harValg(maal, nu))) { forael = true; return; }
      flyt.push([navn, nu]);
    });
    if (forael) {
      // Not swapped: ask again (queued behind this request by hx-sync) with the fields as
      // they are now, so the server keeps the field the person is writing in.
      d.shouldSwap = false;
      htmx.trigger(cfg.elt, cfg.triggeringEvent ? cfg.triggeringEvent.type : "genindlaes", handling);
      return;
    }
    var aktiv = document.activeElement;
    var fokus = null;
    if (aktiv && aktiv !== cfg.elt && aktiv.name && aktiv.form && document.getElementById(FELTER).contains(aktiv) && aktiv.tagName !== "BUTTON") {
      var navn = omdoeb(aktiv.name);
      if (navn !== null) {
        fokus = { navn: navn, start: null, slut: null, retning: null, rul: aktiv.scrollTop };
        try { fokus.start = aktiv.selectionStart; fokus.slut = aktiv.selectionEnd; fokus.retning = aktiv.selectionDirection; } catch (e) { /* no selection on this input type */ }
      }
    }
    // The trigger's own focus move (a new row's name, or "Tilføj deltager") only when the person
    // is still at the trigger, never away from a field they have moved on to.
    var vedTrigger = !aktiv || aktiv === document.body || aktiv === cfg.elt || (fokus === null && document.getElementById(FELTER).contains(aktiv));
    venter = { xhr: d.xhr, flyt: flyt, fokus: fokus, vedTrigger: vedTrigger, handling: handling };
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (!venter || venter.xhr !== event.detail.xhr) { return; }
    var v = venter;
    venter = null;
    if (v.handling.navn === "_fjern_deltager") { fjernelser.push(v.handling.indeks); }
    var rod = document.getElementById(FELTER);
    if (!rod) { return; }
    v.flyt.forEach(function (p) {
      var el = felt(rod, p[0]);
      if (el) { saet(el, p[1]); }
    });
    if (v.fokus) {
      var el = felt(rod, v.fokus.navn);
      if (el) {
        el.focus({ preventScroll: true });
        if (v.fokus.start !== null && el.setSelectionRange) {
          try { el.setSelectionRange(v.fokus.start, v.fokus.slut, v.fokus.retning || "none"); } catch (e) { /* not a text field */ }
        }
        el.scrollTop = v.fokus.rul;
      }
    }
    // The trigger's own focus move waits for htmx:afterSettle: only then has htmx wired up
    // the swapped buttons, and an Enter on a not yet wired "Tilføj deltager" would post the
    // whole page (the no-JavaScript path) instead of re-rendering the fields.
    efterSettle = { xhr: event.detail.xhr, handling: v.handling, vedTrigger: v.vedTrigger };
  });

  var efterSettle = null; // the settle under way: the trigger's focus move and its message

  document.addEventListener("htmx:afterSettle", function (event) {
    var s = efterSettle;
    if (!s || s.xhr !== event.detail.xhr) { return; }
    efterSettle = null;
    var rod = document.getElementById(FELTER);
    if (!rod) { return; }
    var aktiv = document.activeElement;
    // Still where the swap left them (the trigger itself was replaced): nowhere else to be.
    var ledig = s.vedTrigger && (!aktiv || aktiv === document.body || !aktiv.isConnected);
    var besked = "";
    if (s.handling.navn === "_tilfoej_deltager") {
      var navne = rod.querySelectorAll(".deltager-raekke input[name$='-navn']");
      // Keep keyboard users where they were: a new participant row gets focus.
      if (ledig && navne.length) { navne[navne.length - 1].focus(); }
      besked = TEKST.tilfoejet(navne.length);
    } else if (s.handling.navn === "_fjern_deltager") {
      // A removed row hands focus to the "add" button.
      var tilfoej = rod.querySelector("button[name='_tilfoej_deltager']");
      if (ledig && tilfoej) { tilfoej.focus(); }
      besked = TEKST.fjernet;
    } else {
      var felterBesked = document.getElementById("felter-besked");
      besked = felterBesked ? felterBesked.textContent.trim() : "";
    }
    // Tell screen reader users what changed, through the live region that outlives the swap.
    var status = document.getElementById("felter-status");
    if (status && besked) { status.textContent = besked; }
  });

  // A re-render that fails keeps the page as typed (htmx does not swap) and says so.
  document.addEventListener("htmx:responseError", function () { visFejl(TEKST.fejl); });
  document.addEventListener("htmx:sendError", function () { visFejl(TEKST.forbindelse); });

  // --- Long texts show how much room is left; nothing is cut (issue 18) -----------------
  //
  // A textarea with data-maks (forms.Langtekst) gets a counter below it, named in its
  // aria-describedby (read when the field is focused). The counter's text changes as the
  // person types, but it is no live region; a separate polite live region says how much is
  // left only when the typing pauses, and at once when the text goes over the limit. The
  // page has no maxlength (the browser would cut a pasted text silently): a longer text is
  // refused by the server at the field. Both count characters (code points, a line break as
  // one) of the text without surrounding whitespace.
  var TAELLER = {
    tilbage: function (n) { return n === 1 ? "1 tegn tilbage" : n + " tegn tilbage"; },
    over: function (n) { return n === 1 ? "1 tegn for meget. Forkort teksten." : n + " tegn for meget. Forkort teksten."; },
    ud_af: function (n, maks) { return n + " af " + maks + " tegn"; },
  };
  var PAUSE_MS = 1500;

  function tegn(tekst) { return Array.from(tekst.trim()).length; }

  function taeller(felt) {
    var maks = parseInt(felt.getAttribute("data-maks"), 10);
    if (!felt.id || !maks) { return null; }
    var id = felt.id + "-taeller";
    var vis = document.getElementById(id);
    if (!vis) {
      vis = document.createElement("div");
      vis.id = id;
      vis.className = "form-text tegn-taeller";
      var status = document.createElement("div");
      status.id = id + "-status";
      status.className = "visually-hidden";
      status.setAttribute("aria-live", "polite"); // a live region, not a second "status" of the page
      felt.insertAdjacentElement("afterend", vis);
      vis.insertAdjacentElement("afterend", status);
      var beskrevet = (felt.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      if (beskrevet.indexOf(id) < 0) { beskrevet.push(id); felt.setAttribute("aria-describedby", beskrevet.join(" ")); }
    }
    return { felt: felt, maks: maks, vis: vis, status: document.getElementById(id + "-status") };
  }

  function taelOp(t, meld) {
    var n = tegn(t.felt.value);
    var over = n - t.maks;
    var tekst = over > 0 ? TAELLER.over(over) : TAELLER.tilbage(t.maks - n);
    t.vis.textContent = TAELLER.ud_af(n, t.maks) + ": " + tekst;
    t.vis.classList.toggle("tegn-over", over > 0);
    t.vis.classList.toggle("tegn-faa", over <= 0 && t.maks - n <= t.maks / 10);
    var varOver = t.felt.dataset.over === "1";
    t.felt.dataset.over = over > 0 ? "1" : "0";
    clearTimeout(t.felt._taellerPause);
    if (over > 0 && !varOver) { t.status.textContent = tekst; return; } // over the limit: said at once
    if (meld) { t.felt._taellerPause = setTimeout(function () { t.status.textContent = tekst; }, PAUSE_MS); }
  }

  function taellere(rod) {
    (rod || document).querySelectorAll("textarea[data-maks]").forEach(function (felt) {
      var t = taeller(felt);
      if (t) { taelOp(t, false); }
    });
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-maks]")) {
      var t = taeller(event.target);
      if (t) { taelOp(t, true); }
    }
  });
  document.addEventListener("DOMContentLoaded", function () { taellere(document); });
  // A re-render's fields (and what was carried over into them) get their counters too.
  document.addEventListener("htmx:afterSettle", function () { taellere(document); });

  // --- An idle session warns first, and what was typed survives it (issue 18) ----------
  //
  // The server ends a session SESSION_INAKTIV_MINUTTER after its last request (typing sends
  // none). body[data-session-*] gives the limits; the last request of any of this site's tabs
  // is shared through localStorage. data-session-advarsel seconds before the end the dialog
  // #session-dialog opens (role=alertdialog, focus on "Forlæng"); "Forlæng" posts to the
  // server, which starts the idle clock again. When the end has passed the dialog says so,
  // and "Log ind igen" keeps this page's form (below) and goes to the login.
  //
  // A form marked data-bevar is kept in this tab's sessionStorage when it is sent (and when
  // the session has ended), under its path and its hidden key (formularnoegle). After a
  // login the same address gets it back: the registration form through a re-render post
  // (the server rebuilds the fields as typed, and saves nothing), other forms field by
  // field. It is dropped when the server has accepted it (meta formular-modtaget), when
  // the person leaves without saving, and at "Log ud".
  var BEVAR = "bevaret:";
  var SIDST = "samtaler.sidstAktiv";
  var BEVAR_TIMER = 8 * 60 * 60 * 1000; // the session's absolute limit: older input is not put back

  function gemt() {
    var ud = [];
    for (var i = 0; i < sessionStorage.length; i++) {
      var k = sessionStorage.key(i);
      if (k.indexOf(BEVAR) === 0) {
        try { ud.push({ noegle: k, v: JSON.parse(sessionStorage.getItem(k)) }); } catch (e) { sessionStorage.removeItem(k); }
      }
    }
    return ud;
  }

  function bevar(form) {
    var key = form.querySelector("[name=formularnoegle]");
    if (!key || !key.value) { return; }
    var felter = [];
    new FormData(form).forEach(function (v, k) {
      if (k !== "csrfmiddlewaretoken" && typeof v === "string") { felter.push([k, v]); }
    });
    sessionStorage.setItem(BEVAR + location.pathname + ":" + key.value, JSON.stringify({ sti: location.pathname, tid: Date.now(), felter: felter }));
  }

  function bevarAlle() {
    document.querySelectorAll("form[data-bevar]").forEach(bevar);
  }

  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("form[data-bevar]")) { bevar(event.target); }
    if (event.target.matches && event.target.matches("form[action$='/logout/']")) {
      gemt().forEach(function (g) { sessionStorage.removeItem(g.noegle); }); // leaving for good
    }
  }, true);

  document.addEventListener("click", function (event) {
    // "Forlad uden at gemme": the person drops what was typed here.
    var link = event.target.closest && event.target.closest("#forlad-dialog a");
    var key = document.querySelector("#samtale-form [name=formularnoegle]");
    if (link && key) { sessionStorage.removeItem(BEVAR + location.pathname + ":" + key.value); }
  });

  function saetFelter(form, felter) {
    felter.forEach(function (p) {
      var el = form.querySelector('[name="' + CSS.escape(p[0]) + '"]');
      if (!el || el.type === "hidden" && p[0] === "csrfmiddlewaretoken") { return; }
      if (el.type === "checkbox" || el.type === "radio") { el.checked = true; } else { el.value = p[1]; }
    });
  }

  function gendan() {
    var modtaget = document.querySelector("meta[name=formular-modtaget]");
    var kendte = modtaget ? modtaget.content.split(" ") : [];
    var nu = Date.now();
    var alle = gemt();
    alle.forEach(function (g) {
      var key = g.noegle.split(":").pop();
      if (kendte.indexOf(key) >= 0 || nu - g.v.tid > BEVAR_TIMER) { sessionStorage.removeItem(g.noegle); }
    });
    var form = document.querySelector("form[data-bevar]");
    if (!form || form.hasAttribute("data-aendret")) { return; } // a bound form shows what was sent
    var her = gemt().filter(function (g) { return g.v.sti === location.pathname; })
      .sort(function (a, b) { return b.v.tid - a.v.tid; })[0];
    if (!her) { return; }
    if (form.id === "samtale-form") {
      // The server rebuilds the fields as they were typed (a re-render: nothing is saved).
      var post = document.createElement("form");
      post.method = "post";
      post.action = location.pathname + location.search;
      post.hidden = true;
      var felter = her.v.felter.filter(function (p) { return p[0].charAt(0) !== "_"; });
      felter.push(["_opdater", "1"], ["gendannet", "1"], ["csrfmiddlewaretoken", csrfCookie() || ""]);
      felter.forEach(function (p) {
        var el = document.createElement("input");
        el.type = "hidden";
        el.name = p[0];
        el.value = p[1];
        post.appendChild(el);
      });
      document.body.appendChild(post);
      post.submit();
      return;
    }
    saetFelter(form, her.v.felter);
    form.setAttribute("data-aendret", "");
    var besked = document.createElement("div");
    besked.className = "alert alert-info";
    besked.id = "gendannet";
    besked.setAttribute("role", "status");
    besked.textContent = "Det, du skrev, før du blev logget ud, er sat ind igen. Det er ikke gemt endnu: kontrollér det, og gem det med knappen nederst.";
    form.insertBefore(besked, form.firstChild);
  }

  document.addEventListener("DOMContentLoaded", function () {
    gendan();
    // The login page after an expired session: say that the form sent was kept (it was,
    // when this tab holds it for the address the login goes on to).
    var bevaret = document.getElementById("session-bevaret");
    var naeste = new URLSearchParams(location.search).get("next");
    if (bevaret && naeste && gemt().some(function (g) { return g.v.sti === new URL(naeste, location.href).pathname; })) {
      bevaret.hidden = false;
    }
  });

  function sidstAktiv() {
    var fra = parseInt(localStorage.getItem(SIDST) || "0", 10);
    return Math.max(fra || 0, indlaest);
  }
  function aktivNu() {
    try { localStorage.setItem(SIDST, String(Date.now())); } catch (e) { /* private mode: this tab only */ }
    indlaest = Date.now();
  }
  var indlaest = Date.now();

  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    var dialog = document.getElementById("session-dialog");
    if (!body.dataset.sessionInaktiv || !dialog || typeof dialog.showModal !== "function") { return; }
    var inaktiv = parseInt(body.dataset.sessionInaktiv, 10) * 1000;
    var advarsel = parseInt(body.dataset.sessionAdvarsel, 10) * 1000;
    var absolutSlut = Date.now() + parseInt(body.dataset.sessionAbsolut, 10) * 1000;
    var advarselDel = dialog.querySelector("[data-session-advarsel]");
    var udloebetDel = dialog.querySelector("[data-session-udloebet]");
    var tilbage = dialog.querySelector("[data-session-tilbage]");
    var status = document.getElementById("session-status");
    var foer = null; // where the focus was before the dialog
    aktivNu();

    function slut() { return Math.min(sidstAktiv() + inaktiv, absolutSlut); }

    function minutter(ms) {
      var m = Math.max(1, Math.ceil(ms / 60000));
      return m === 1 ? "1 minut" : m + " minutter";
    }

    function aabn() {
      if (dialog.open) { return; }
      foer = document.activeElement;
      dialog.showModal();
      var knap = dialog.querySelector(udloebetDel.hidden ? "[data-session-forlaeng]" : "[data-session-login]");
      knap.focus();
    }

    function udloebet() {
      advarselDel.hidden = true;
      udloebetDel.hidden = false;
      dialog.setAttribute("aria-labelledby", "session-udloebet-titel");
      dialog.setAttribute("aria-describedby", "session-udloebet-tekst");
      bevarAlle();
      if (dialog.open) { dialog.querySelector("[data-session-login]").focus(); } else { aabn(); }
    }

    function tjek() {
      var tilbageMs = slut() - Date.now();
      if (!udloebetDel.hidden) { return; }
      if (tilbageMs <= 0) { udloebet(); return; }
      if (tilbageMs <= advarsel) {
        tilbage.textContent = minutter(tilbageMs);
        aabn();
      } else if (dialog.open) {
        dialog.close(); // another tab has extended the session
      }
    }

    dialog.querySelector("[data-session-forlaeng]").addEventListener("click", function () {
      var token = csrfCookie();
      fetch(body.dataset.sessionForlaeng, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": token || "" } })
        .then(function (svar) {
          if (svar.status === 401) { udloebet(); return; }
          if (!svar.ok) { throw new Error(String(svar.status)); }
          aktivNu();
          dialog.close();
          status.textContent = "Du er stadig logget ind. Sessionen er forlænget.";
        })
        .catch(function () { status.textContent = "Sessionen kunne ikke forlænges. Prøv igen."; });
    });
    dialog.querySelector("[data-session-luk]").addEventListener("click", function () { dialog.close(); });
    dialog.querySelector("[data-session-login]").addEventListener("click", function () {
      bevarAlle();
      location.href = body.dataset.login + "?" + new URLSearchParams({ next: location.pathname + location.search, udloebet: "post" }).toString();
    });
    dialog.addEventListener("close", function () {
      if (foer && foer.isConnected && typeof foer.focus === "function") { foer.focus(); }
    });
    // Any request of this page to the server counts (an htmx re-render renews the session).
    document.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.successful) { aktivNu(); tjek(); }
    });
    window.addEventListener("storage", function (event) { if (event.key === SIDST) { tjek(); } });
    setInterval(tjek, 15000);
    setTimeout(tjek, 0);
  });

  // --- The printable agreement's "Udskriv" button (hidden without JavaScript) ------------
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-udskriv]").forEach(function (knap) {
      knap.hidden = false;
      knap.addEventListener("click", function () { window.print(); });
    });
  });

  // --- A refused registration: focus the summary of errors, which links to each field -----
  document.addEventListener("DOMContentLoaded", function () {
    // A stale correction's message (someone else changed it meanwhile) comes first.
    var oversigt = document.getElementById("samtidig-aendring") || document.getElementById("fejloversigt");
    if (oversigt) { oversigt.focus(); }
  });

  // --- Leaving the registration form asks before throwing away what was typed --------------
  // Every way off the page that a click offers: "Tilbage", the breadcrumb, the menu (its
  // links and "Log ud"), a link in an error message. Without JavaScript the links just leave.
  function indhold(form) {
    var data = new FormData(form);
    data.delete("csrfmiddlewaretoken");
    return new URLSearchParams(data).toString();
  }

  function foererVaek(link) {
    if (link.target && link.target !== "_self") { return false; } // a new tab leaves nothing behind
    if (link.hasAttribute("download")) { return false; }
    var til = new URL(link.href, location.href);
    // A #fragment of this very page (the error summary's links) stays on it.
    return !(til.origin === location.origin && til.pathname === location.pathname && til.search === location.search && til.hash);
  }

  // --- Shortcuts that choose with one press, never by themselves (issue 25) ---------------
  //
  // The registration form's date starts empty: "I dag" and "I går" put that date in the
  // field, and the samtaleform the caseworker usually uses is offered as a button under its
  // empty field. Each is the caseworker's own choice, as if typed or picked in the list (the
  // same change event, so a new date re-renders the fields). Without JavaScript they stay
  // hidden and the fields work as always.
  function visGenveje() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-genveje][hidden]"), function (el) {
      el.hidden = false;
    });
  }
  document.addEventListener("DOMContentLoaded", visGenveje);
  document.addEventListener("htmx:afterSettle", visGenveje);
  document.addEventListener("click", function (event) {
    var knap = event.target.closest && event.target.closest("button[data-genvej-felt]");
    if (!knap || !knap.form) { return; }
    var el = knap.form.elements.namedItem(knap.getAttribute("data-genvej-felt"));
    if (!el) { return; }
    el.value = knap.getAttribute("data-genvej-vaerdi");
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
    var gruppe = knap.closest("[data-genvej-skjul]");
    if (gruppe) {
      // The suggestion is taken: it goes, and the focus goes to the field now holding it.
      gruppe.hidden = true;
      el.focus();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("samtale-form");
    var dialog = document.getElementById("forlad-dialog");
    if (!form || !dialog || typeof dialog.showModal !== "function") { return; }
    var forlad = dialog.querySelector("[data-forlad-link]");
    var start = indhold(form);
    var vej = null; // how the person was leaving: {link} or {form, knap}
    function aendret() {
      // A bound form (a refused submit, a no-JavaScript re-render) already holds typed input.
      return form.hasAttribute("data-aendret") || indhold(form) !== start;
    }
    function spoerg(ny, adresse) {
      vej = ny;
      forlad.href = adresse;
      dialog.showModal();
    }
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href]") : null;
      if (!link || dialog.contains(link) || event.defaultPrevented) { return; }
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
      if (!foererVaek(link) || !aendret()) { return; }
      event.preventDefault();
      spoerg({ link: link }, link.href);
    });
    document.addEventListener("submit", function (event) {
      var anden = event.target;
      if (anden === form || dialog.contains(anden) || event.defaultPrevented || !aendret()) { return; }
      event.preventDefault();
      spoerg({ form: anden, knap: event.submitter }, anden.action);
    });
    forlad.addEventListener("click", function (event) {
      if (vej && vej.form) {
        // "Log ud" and other forms: submitted as the person meant to (a POST), not a link.
        event.preventDefault();
        var f = vej.form;
        vej = null;
        HTMLFormElement.prototype.submit.call(f);
      }
    });
    dialog.querySelector("[data-bliv]").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () {
      var tilbage = vej && (vej.link || vej.knap);
      vej = null;
      if (tilbage && tilbage.focus) { tilbage.focus(); }
    });
  });
})();
