/* Matching round page in the admin: poll the round's status and move the progress bar stage by stage.
   When the round finishes, reload once so the server renders the quality report and the proposals. */
(function () {
  "use strict";
  var STAGES = ["loading", "scoring", "assigning", "writing proposals", "done"];

  function markStages(root, stage) {
    var reached = STAGES.indexOf(stage);
    root.querySelectorAll("[data-stage]").forEach(function (item) {
      var index = STAGES.indexOf(item.getAttribute("data-stage"));
      item.classList.toggle("is-done", reached >= 0 && index < reached);
      item.classList.toggle("is-current", index === reached);
      if (index === reached) { item.setAttribute("aria-current", "step"); } else { item.removeAttribute("aria-current"); }
    });
  }

  function start(root) {
    var url = root.getAttribute("data-status-url");
    var bar = root.querySelector("[data-round-bar]");
    var stageText = root.querySelector("[data-round-stage]");
    var statusText = root.querySelector("[data-round-status]");
    var errorText = root.querySelector("[data-round-error]");
    markStages(root, stageText ? stageText.textContent.trim() : "");
    if (root.getAttribute("data-finished") === "true") { return; }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) {
          bar.value = data.progress;
          bar.textContent = data.progress + "%";
          stageText.textContent = data.stage || data.status_label;
          statusText.textContent = data.status_label;
          var wrap = root.querySelector("[data-round-status-wrap]");  // "(Done)" after "done" says nothing
          if (wrap) { wrap.hidden = (data.stage || "").toLowerCase() === data.status_label.toLowerCase(); }
          markStages(root, data.stage);
          if (data.error) { errorText.textContent = data.error; errorText.classList.remove("hidden"); }
          if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 500);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".round-progress[data-status-url]").forEach(start);
  });
})();
