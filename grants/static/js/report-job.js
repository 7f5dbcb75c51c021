// Polls the rendering job of templates/reports/job.html (kept out of the page: the CSP allows no inline script).
(function () {
  var box = document.getElementById("render-job");
  var bar = box.querySelector("[data-job-bar]");
  function show(job) {
    box.dataset.status = job.status;
    box.querySelector("[data-job-label]").textContent = box.getAttribute("data-label-" + job.status) || job.status;
    box.querySelector("[data-job-count]").textContent = job.total ? job.done + " / " + job.total + " " + box.dataset.filesLabel : "";
    bar.style.width = job.percent + "%";
    bar.textContent = job.percent + "%";
    bar.parentNode.setAttribute("aria-valuenow", job.percent);
    var done = job.status === "finished" || job.status === "failed";
    bar.classList.toggle("progress-bar-striped", !done);
    bar.classList.toggle("progress-bar-animated", !done);
    bar.classList.toggle("bg-danger", job.status === "failed");
    var error = box.querySelector("[data-job-error]");
    error.textContent = job.error || "";
    error.classList.toggle("d-none", job.status !== "failed");
    box.querySelector("[data-job-download]").classList.toggle("d-none", job.status !== "finished");
    var retry = box.querySelector("[data-job-retry]");
    if (retry) { retry.classList.toggle("d-none", job.status !== "failed"); }
    return done;
  }
  function poll() {
    fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) {
        if (r.ok) { return r.json(); }
        if (r.status < 500) { return {stop: true}; }  // logged out or no such job: stop polling
        return null;
      })
      .then(function (job) { if (!job || (!job.stop && !show(job))) { setTimeout(poll, 1000); } })
      .catch(function () { setTimeout(poll, 1000); });  // network hiccup: try again
  }
  if (box.dataset.status === "queued" || box.dataset.status === "running") { setTimeout(poll, 1000); }
})();
