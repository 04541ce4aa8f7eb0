/* Nafolo dashboard: draws the ECharts options the server embedded as JSON (no inline script),
   formats chart numbers in the page's language, and keeps htmx requests CSRF-protected. */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "fr";
  var numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  var mapReady = null;
  var charts = [];

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function lines(text) { return escapeHtml(text).replace(/\n/g, "<br>"); }

  function loadMap() {
    if (!mapReady) {
      var url = document.body.getAttribute("data-map-url");
      mapReady = fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (geo) { window.echarts.registerMap("west-africa", geo); });
    }
    return mapReady;
  }

  function prepare(option) {
    var tip = option.tooltip;
    if (tip && tip.formatter === "data.tooltip") {
      tip.formatter = function (p) {
        return p.data && p.data.tooltip ? lines(p.data.tooltip) : escapeHtml(p.name || "");
      };
    } else if (tip && tip.formatter === "rows") {
      var rows = option.tooltipRows || [];
      tip.formatter = function (params) {
        var i = params && params.length ? params[0].dataIndex : 0;
        return lines(rows[i] || "");
      };
    } else if (tip && tip.trigger === "axis") {
      var unit = tip.valueUnit ? "\u00a0" + tip.valueUnit : "";
      tip.formatter = function (params) {
        var out = [escapeHtml(params.length ? params[0].axisValueLabel : "")];
        params.forEach(function (p) {
          if (p.value === null || p.value === undefined) return;
          out.push(p.marker + escapeHtml(p.seriesName) + " : " + numberFormat.format(p.value) + unit);
        });
        return out.join("<br>");
      };
    }
    [].concat(option.xAxis || [], option.yAxis || []).forEach(function (axis) {
      if (axis.type === "value") {
        axis.axisLabel = axis.axisLabel || {};
        axis.axisLabel.formatter = function (v) { return numberFormat.format(v); };
      }
    });
    return option;
  }

  function draw(root) {
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.getAttribute("data-drawn")) return;
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source || !window.echarts) return;
      el.setAttribute("data-drawn", "1");
      var option = prepare(JSON.parse(source.textContent));
      var needsMap = option.geo && option.geo.map === "west-africa";
      (needsMap ? loadMap() : Promise.resolve()).then(function () {
        var chart = window.echarts.init(el, null, { renderer: "canvas", locale: "EN" });
        chart.setOption(option);
        el.setAttribute("data-rendered", "1");
        charts.push(chart);
      });
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (e) { draw(e.target); });
  document.addEventListener("htmx:configRequest", function (e) {
    var token = document.body.getAttribute("data-csrf");
    if (token) e.detail.headers["X-CSRF-Token"] = token;
  });
})();

// A refused form comes back as 422 with the form and its errors: swap it in like a success.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr && event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
