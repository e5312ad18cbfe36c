// Sorting and filtering for the index tables. The tables are plain HTML and read fine
// without this script; it only adds controls. Project code: no library, no CDN.
(function () {
  "use strict";

  function text(cell) {
    return (cell.textContent || "").trim();
  }

  function compare(a, b) {
    // Article numbers and years sort as numbers ("Art. 253-1" before "Art. 287-2").
    var na = a.match(/\d+(?:\.\d+)?/g), nb = b.match(/\d+(?:\.\d+)?/g);
    if (na && nb && a.replace(/[\d.\s-]+/g, "") === b.replace(/[\d.\s-]+/g, "")) {
      for (var i = 0; i < Math.min(na.length, nb.length); i++) {
        if (Number(na[i]) !== Number(nb[i])) return Number(na[i]) - Number(nb[i]);
      }
    }
    return a.localeCompare(b, ["en", "zh"]);
  }

  function enhance(table, index) {
    var head = table.tHead, body = table.tBodies[0];
    if (!head || !body) return;
    var headers = Array.prototype.slice.call(head.rows[0].cells);
    var rows = Array.prototype.slice.call(body.rows);
    var filters = [];
    var bar = document.createElement("div");
    bar.className = "atlas-filters";
    bar.setAttribute("role", "search");

    var search = document.createElement("input");
    search.type = "search";
    search.placeholder = "Filter rows";
    search.setAttribute("aria-label", "Filter rows by any text");
    search.id = "atlas-filter-" + index;
    bar.appendChild(search);

    headers.forEach(function (th, column) {
      var values = {};
      rows.forEach(function (row) {
        var cell = row.cells[column];
        if (cell) text(cell).split(/\s*[,;]\s*/).forEach(function (v) { if (v) values[v] = true; });
      });
      var names = Object.keys(values).sort(compare);
      // A menu helps only where values repeat (a chapter, a status, a level); a column
      // of names, one per row, is better served by the text filter.
      if (names.length > 1 && names.length <= 30 && names.length < rows.length) {
        var select = document.createElement("select");
        select.setAttribute("aria-label", "Filter by " + text(th));
        select.dataset.column = String(column);
        var all = document.createElement("option");
        all.value = "";
        all.textContent = text(th) + ": all";
        select.appendChild(all);
        names.forEach(function (name) {
          var option = document.createElement("option");
          option.value = name;
          option.textContent = name;
          select.appendChild(option);
        });
        bar.appendChild(select);
        filters.push(select);
      }
      th.setAttribute("aria-sort", "none");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "atlas-sort";
      button.textContent = text(th);
      button.addEventListener("click", function () { sortBy(column, th); });
      th.textContent = "";
      th.appendChild(button);
    });

    var count = document.createElement("p");
    count.className = "atlas-count";
    count.setAttribute("aria-live", "polite");

    function apply() {
      var needle = search.value.trim().toLowerCase(), shown = 0;
      rows.forEach(function (row) {
        var ok = !needle || text(row).toLowerCase().indexOf(needle) !== -1;
        filters.forEach(function (select) {
          if (!select.value) return;
          var cell = row.cells[Number(select.dataset.column)];
          var parts = cell ? text(cell).split(/\s*[,;]\s*/) : [];
          if (parts.indexOf(select.value) === -1) ok = false;
        });
        row.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = shown + " of " + rows.length + " rows shown";
    }

    function sortBy(column, th) {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var result = compare(text(a.cells[column]), text(b.cells[column]));
        return ascending ? result : -result;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    }

    search.addEventListener("input", apply);
    filters.forEach(function (select) { select.addEventListener("change", apply); });
    table.parentNode.insertBefore(bar, table);
    table.parentNode.insertBefore(count, table);
    apply();
  }

  function labelSearchDialog() {
    // Material's search overlay has role="dialog" but no accessible name.
    var dialog = document.querySelector('[data-md-component="search"][role="dialog"]');
    if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search");
  }

  // Citation lookup: an article number, however written (287-2, 287之二, 第二百八十七条之二,
  // Article 287(2)), puts the article's own page first in the search results. The
  // forms come from data/articles.json, written by the generator; the key rule here is
  // the same as exports.lookup_key.
  var articles = null;

  function siteBase() {
    var config = document.getElementById("__config");
    var base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(base + "/", window.location.href);
  }

  function lookupKey(text) {
    return text.toLowerCase().replace(/[\s.()（）]/g, "");
  }

  function directHits(list, query) {
    var old = list.querySelector(".atlas-direct");
    var hits = articles && articles[lookupKey(query)];
    if (old && (!hits || old.dataset.query !== query)) old.remove();
    if (!hits || list.querySelector(".atlas-direct")) return;
    var base = siteBase();
    hits.slice().reverse().forEach(function (hit) {
      var item = document.createElement("li");
      item.className = "md-search-result__item atlas-direct";
      item.dataset.query = query;
      var link = document.createElement("a");
      link.className = "md-search-result__link";
      link.href = new URL(hit.url, base).href;
      var article = document.createElement("article");
      article.className = "md-search-result__article md-typeset";
      var title = document.createElement("h1");
      title.textContent = hit.title;
      var note = document.createElement("p");
      note.textContent = "Offence · the article you typed";
      article.appendChild(title);
      article.appendChild(note);
      link.appendChild(article);
      item.appendChild(link);
      list.insertBefore(item, list.firstChild);
    });
  }

  function watchSearch() {
    var input = document.querySelector("input[data-md-component='search-query']");
    var list = document.querySelector(".md-search-result__list");
    if (!input || !list || input.dataset.atlasLookup) return;
    input.dataset.atlasLookup = "on";
    fetch(new URL("data/articles.json", siteBase()).href)
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (table) { articles = table; directHits(list, input.value); })
      .catch(function () { articles = null; });
    // Material re-renders the list for each query; put the direct hit back on top.
    new MutationObserver(function () { directHits(list, input.value); })
      .observe(list, { childList: true });
    input.addEventListener("input", function () { directHits(list, input.value); });
  }

  function init() {
    labelSearchDialog();
    watchSearch();
    var scope = document.querySelector("[data-atlas-table]");
    if (!scope) return;
    Array.prototype.forEach.call(scope.querySelectorAll("table"), enhance);
  }

  // Material loads pages instantly (without a reload) when navigation.instant is on;
  // its document$ observable fires for each page. Otherwise run once.
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
