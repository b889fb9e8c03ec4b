// claimdb's one script: the live check of a quote as it is typed, on the
// form that adds a claim. The page works without it (the form's "Check
// only" button asks the server the same question). Text from the server
// is set as text, never as markup.
(function () {
  "use strict";
  var form = document.querySelector("form.claim-form");
  if (!form) return;
  var quote = form.querySelector("#quote");
  var source = form.querySelector("#source");
  var out = document.getElementById("check");
  var timer = null;
  var asked = 0;

  function show(answer) {
    out.textContent = "";
    var verdict = document.createElement("p");
    verdict.className = answer.verified ? "ok" : "error";
    verdict.textContent = answer.message || answer.message === "" ? answer.message : "";
    out.appendChild(verdict);
    if (answer.passage) {
      var passage = document.createElement("blockquote");
      passage.className = "closest";
      passage.textContent = answer.passage;
      out.appendChild(passage);
    }
    if (answer.changes && answer.changes.length) {
      var list = document.createElement("ul");
      list.className = "changes";
      answer.changes.forEach(function (change) {
        var item = document.createElement("li");
        item.textContent = change;
        list.appendChild(item);
      });
      out.appendChild(list);
    }
  }

  function check() {
    var q = quote.value.trim();
    var s = source.value;
    if (!q || !s) {
      out.textContent = "";
      return;
    }
    var mine = ++asked;
    var url = "/check-quote?source=" + encodeURIComponent(s) + "&quote=" + encodeURIComponent(q);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        if (mine !== asked) return;
        if (answer.message !== undefined && answer.verified !== undefined) {
          show(answer);
        } else {
          show({ verified: false, message: answer.message || "The check was refused." });
        }
      })
      .catch(function () {
        if (mine === asked) show({ verified: false, message: "The check could not be run." });
      });
  }

  quote.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  });
  source.addEventListener("change", check);
  if (quote.value.trim()) check();
})();
