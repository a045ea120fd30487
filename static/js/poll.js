// Refreshes a running scan's status block; reloads the page when the scan finishes.
(function () {
  "use strict";
  var INTERVAL_MS = 2000;

  function poll(block) {
    var url = block.getAttribute("data-poll-url");
    if (!url) return;
    window.setTimeout(function () {
      fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("status " + response.status);
          var finished = response.headers.get("X-Scan-Finished") === "1";
          return response.text().then(function (html) { return { html: html, finished: finished }; });
        })
        .then(function (result) {
          if (result.finished) { window.location.reload(); return; }
          var holder = document.createElement("div");
          holder.innerHTML = result.html;
          var fresh = holder.firstElementChild;
          block.replaceWith(fresh);
          poll(fresh);
        })
        .catch(function () { poll(block); });  // transient network error: keep trying
    }, INTERVAL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var block = document.getElementById("scan-status");
    if (block) poll(block);
  });
})();
