// Draws one marketspeak chart and lists the documents behind a period on request.
// Reads window.MARKETSPEAK_CHART = {spec, documents}, written by dashboards/files.py.
// Crawled text (titles, sources) only ever reaches the page through textContent, and only
// http(s) links are made clickable.
(function () {
  "use strict";
  var chart = window.MARKETSPEAK_CHART;
  var target = document.getElementById("vis");
  var panel = document.getElementById("documents");
  var picker = document.getElementById("period-picker");

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function listDocuments(period) {
    var entry = (chart.documents || {})[period];
    panel.textContent = "";
    var heading = document.createElement("h2");
    heading.textContent = entry
      ? period + ": " + entry.total + " document" + (entry.total === 1 ? "" : "s")
      : period + ": no documents";
    panel.appendChild(heading);
    if (!entry) {
      return;
    }
    var list = document.createElement("ul");
    entry.items.forEach(function (doc) {
      var item = document.createElement("li");
      var url = safeUrl(doc.url);
      var title = document.createElement(url ? "a" : "span");
      if (url) {
        title.href = url;
        title.rel = "nofollow noopener noreferrer";
        title.target = "_blank";
      }
      title.textContent = doc.title || doc.url || "untitled";
      item.appendChild(title);
      item.appendChild(document.createTextNode(
        " (" + (doc.published || "undated") + ", " + doc.source + "; market words " +
        doc.market + ", relational words " + doc.relational + ")"
      ));
      list.appendChild(item);
    });
    panel.appendChild(list);
    if (entry.total > entry.items.length) {
      var more = document.createElement("p");
      more.textContent = "Showing the " + entry.items.length + " documents with most hits; " +
        "the rest are in the database.";
      panel.appendChild(more);
    }
  }

  if (picker && chart.documents) {
    picker.addEventListener("change", function () {
      if (picker.value) {
        listDocuments(picker.value);
      }
    });
  }

  window.vegaEmbed(target, chart.spec, { actions: false, renderer: "svg" })
    .then(function (result) {
      target.setAttribute("data-rendered", "true");
      if (chart.documents) {
        result.view.addEventListener("click", function (event, item) {
          if (item && item.datum && item.datum.period) {
            if (picker) {
              picker.value = item.datum.period;
            }
            listDocuments(item.datum.period);
          }
        });
      }
    })
    .catch(function (error) {
      target.textContent = "The chart could not be drawn: " + error.message;
    });
})();
