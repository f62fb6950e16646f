/* csops — small progressive enhancements. Every page works without this file.
 * Event delegation only (works for content swapped in by htmx); no inline code, CSP-safe.
 *
 *   <input type="checkbox" data-select-all="ids">       toggles every checkbox name="ids"
 *   <span data-selected-count="ids">0</span>             shows how many are checked
 *   <button data-requires-selection="ids">               disabled while none is checked
 *   <form data-confirm="Merge these tickets?">           asks before submitting
 *   <button data-confirm="Revoke this token?">           asks before the click goes through
 *   <select data-autosubmit> / <form data-autosubmit>    submits the form on change
 *   <button data-copy="#token">                          copies that element's text
 *   <meta name="csrf-token" content="...">               sent as X-CSRF-Token on htmx requests
 */
(function () {
  "use strict";

  function boxes(name) {
    return Array.prototype.slice.call(
      document.querySelectorAll('input[type="checkbox"][name="' + CSS.escape(name) + '"]')
    );
  }

  function refresh(name) {
    var all = boxes(name);
    var checked = all.filter(function (b) { return b.checked; }).length;
    document.querySelectorAll('[data-selected-count="' + CSS.escape(name) + '"]').forEach(
      function (el) { el.textContent = String(checked); }
    );
    document.querySelectorAll('[data-requires-selection="' + CSS.escape(name) + '"]').forEach(
      function (el) { el.disabled = checked === 0; }
    );
    document.querySelectorAll('[data-select-all="' + CSS.escape(name) + '"]').forEach(
      function (el) {
        el.checked = all.length > 0 && checked === all.length;
        el.indeterminate = checked > 0 && checked < all.length;
      }
    );
  }

  function refreshAll() {
    var names = {};
    document.querySelectorAll("[data-select-all]").forEach(function (el) {
      names[el.getAttribute("data-select-all")] = true;
    });
    Object.keys(names).forEach(refresh);
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!(el instanceof HTMLElement)) return;
    var group = el.getAttribute("data-select-all");
    if (group !== null) {
      boxes(group).forEach(function (b) { b.checked = el.checked; });
      refresh(group);
      return;
    }
    if (el instanceof HTMLInputElement && el.type === "checkbox" && el.name &&
        document.querySelector('[data-select-all="' + CSS.escape(el.name) + '"]')) {
      refresh(el.name);
    }
    var form = el.closest("form");
    if (form && (el.hasAttribute("data-autosubmit") || form.hasAttribute("data-autosubmit"))) {
      if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.submit(); }
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var confirmEl = target.closest("a[data-confirm], button[data-confirm], input[data-confirm]");
    if (confirmEl && !window.confirm(confirmEl.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    var copyEl = target.closest("[data-copy]");
    if (copyEl) {
      var source = document.querySelector(copyEl.getAttribute("data-copy"));
      if (source && navigator.clipboard) {
        event.preventDefault();
        navigator.clipboard.writeText(source.textContent.trim()).then(function () {
          copyEl.classList.add("copied");
        });
      }
    }
  }, true);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm") &&
        !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && event.detail && event.detail.headers) {
      event.detail.headers["X-CSRF-Token"] = meta.getAttribute("content");
    }
  });

  document.addEventListener("htmx:afterSwap", refreshAll);
  document.addEventListener("DOMContentLoaded", refreshAll);
})();

// Charts: any <canvas data-chart='{"type": ..., "data": ..., "options": ...}'> is drawn with
// the vendored Chart.js, loaded on first need (pages without charts never fetch it).
(function () {
  "use strict";
  var loading = null;

  function loadChartJs() {
    if (window.Chart) { return Promise.resolve(window.Chart); }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = "/static/vendor/chartjs/chart.umd.js";
        script.onload = function () { resolve(window.Chart); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function draw(root) {
    var canvases = (root || document).querySelectorAll("canvas[data-chart]:not([data-drawn])");
    if (!canvases.length) { return; }
    loadChartJs().then(function (Chart) {
      canvases.forEach(function (canvas) {
        try {
          var spec = JSON.parse(canvas.getAttribute("data-chart"));
          spec.options = Object.assign({responsive: true, maintainAspectRatio: false, animation: false}, spec.options || {});
          if (spec.options.csopsTime) { timeAxis(spec); }
          new Chart(canvas, spec);
          canvas.setAttribute("data-drawn", "1");
        } catch (err) {
          canvas.setAttribute("data-chart-error", String(err));
        }
      });
    });
  }

  // Signals: an x axis in epoch milliseconds shown as the viewer's local time, tooltips that
  // read a point's own label, and datasets flagged csopsLines drawn as dashed vertical lines
  // (the changes and alerts on the same time axis as the ticket counts).
  function clock(ms, withDay) {
    var d = new Date(ms);
    var hm = d.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
    return withDay ? d.toLocaleDateString([], {month: "short", day: "numeric"}) + " " + hm : hm;
  }

  var eventLines = {
    id: "csopsLines",
    beforeDatasetsDraw: function (chart) {
      var area = chart.chartArea;
      var x = chart.scales.x;
      var ctx = chart.ctx;
      chart.data.datasets.forEach(function (set, i) {
        if (!set.csopsLines || !chart.isDatasetVisible(i)) { return; }
        ctx.save();
        ctx.strokeStyle = set.borderColor || "#667085";
        ctx.globalAlpha = 0.55;
        ctx.setLineDash([4, 4]);
        ctx.lineWidth = 1;
        (set.data || []).forEach(function (point) {
          var px = x.getPixelForValue(point.x);
          if (px < area.left || px > area.right) { return; }
          ctx.beginPath();
          ctx.moveTo(px, area.top);
          ctx.lineTo(px, area.bottom);
          ctx.stroke();
        });
        ctx.restore();
      });
    }
  };

  function timeAxis(spec) {
    var scales = spec.options.scales || {};
    if (scales.x) {
      scales.x.ticks = Object.assign({}, scales.x.ticks, {callback: function (v) { return clock(v, false); }});
    }
    var plugins = spec.options.plugins = spec.options.plugins || {};
    plugins.tooltip = Object.assign({}, plugins.tooltip, {callbacks: {
      title: function (items) { return items.length ? clock(items[0].parsed.x, true) : ""; },
      label: function (item) {
        var raw = item.raw || {};
        if (raw.label) { return raw.label; }
        return (item.dataset.label ? item.dataset.label + ": " : "") + item.parsed.y;
      }
    }});
    spec.plugins = (spec.plugins || []).concat([eventLines]);
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
