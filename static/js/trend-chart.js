// SIPAS trend charts: <canvas data-trend-labels="id" data-trend-values="id" data-target="87.5">,
// the ids naming json_script blocks (the Content-Security-Policy allows no inline script).
(function () {
  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : [];
  }
  document.querySelectorAll("canvas[data-trend-labels]").forEach(function (canvas) {
    var labels = read(canvas.dataset.trendLabels);
    var values = read(canvas.dataset.trendValues);
    var target = parseFloat(canvas.dataset.target);
    var cut = parseInt(canvas.dataset.truncate || "0", 10);
    if (!labels.length && canvas.dataset.fallbackLabel) labels = [canvas.dataset.fallbackLabel];
    if (cut) labels = labels.map(function (l) { return l.length > cut ? l.slice(0, cut) + "…" : l; });
    new Chart(canvas, {
      type: "line",
      data: {labels: labels,
        datasets: [{label: "SIPAS (%)", data: values, borderColor: "#0d6efd", tension: 0.2},
                   {label: "Chỉ tiêu", data: labels.map(function () { return target; }), borderColor: "#dc3545", borderDash: [6, 4], pointRadius: 0}]},
      options: {animation: false, maintainAspectRatio: false, scales: {y: {min: 50, max: 100}}, plugins: {legend: {position: "bottom"}}}
    });
  });
})();
