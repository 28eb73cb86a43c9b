// The SPARQL editor page (query.html): YASGUI over the plain form, with the examples.
// A file of its own, not an inline script, so the pages' CSP can forbid inline script.
//
// Prefixes are predeclared as on Wikidata's query service: the text sent is the query
// with the page's declarations it lacks put in front (the engine alone parses it), and a
// parse error's line is counted back to the query as written. Results show labels beside
// IRIs and literals as their values, without quotes or datatypes.

const LABEL_BATCH = 500;  // IRIs per label query (each is one VALUES row)
const IRI_SAFE = /^[^\s<>"{}|^`\\]+$/;  // what may go between < and > unescaped
const labels = new Map();  // IRI → label, for every table drawn on the page

/** `text` with &, <, >, " and ' escaped for HTML. */
const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The declarations of `prefixes` ({name: namespace}) that `declared` lacks, a line each. */
const missingDeclarations = (prefixes, declared) =>
  Object.entries(prefixes)
    .filter(([name]) => !(name in declared))
    .map(([name, namespace]) => `PREFIX ${name}: <${namespace}>\n`)
    .join("");

/** The line and column (from 1) an engine's message gives, as "at 3:11", or null. */
const errorPosition = (message) => {
  const match = /\bat (\d+):(\d+)/.exec(message);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : null;
};

/** The prefix of the prefixed name just before `column` on `line`, if any. */
const prefixBefore = (line, column) => {
  const match = /([A-Za-z][\w.-]*)?:[^\s:]*$/.exec(line.slice(0, column).trimEnd());
  return match ? match[1] || "" : null;
};

/** A page of this server for `iri` when it is under the release's base, else `iri`. */
const hrefOf = (iri, base) => (iri.startsWith(base) ? "/" + iri.slice(base.length) : iri);

/** `iri` shortened with the first of `prefixes` it starts with, else in <>. */
const shortIri = (iri, prefixes) => {
  for (const [name, namespace] of Object.entries(prefixes)) {
    if (namespace && iri.startsWith(namespace)) return `${name}:${iri.slice(namespace.length)}`;
  }
  return `<${iri}>`;
};

/** Table cells: an IRI as a link with its label beside, a literal as its value. */
const installCellRenderer = (data) => {
  Yasgui.Yasr.plugins.table.prototype.getCellContent = function (binding, prefixes) {
    if (binding.type === "uri") {
      const label = labels.get(binding.value);
      const link = `<a class="iri" href="${escapeHtml(hrefOf(binding.value, data.base_iri))}">`
        + `${escapeHtml(shortIri(binding.value, { ...data.prefixes, ...prefixes }))}</a>`;
      return label === undefined
        ? `<div>${link}</div>`
        : `<div><span class="label">${escapeHtml(label)}</span> ${link}</div>`;
    }
    const lang = binding["xml:lang"] ? ` <sup class="lang">${escapeHtml(binding["xml:lang"])}</sup>` : "";
    return `<div><span class="nonIri">${escapeHtml(binding.value)}</span>${lang}</div>`;
  };
};

/** The IRIs of the results drawn in `yasr` that have no label yet (those safe in <>). */
const unlabelled = (yasr) => {
  const iris = new Set();
  for (const row of yasr.results?.getBindings() || []) {
    for (const binding of Object.values(row)) {
      if (binding.type === "uri" && !labels.has(binding.value) && IRI_SAFE.test(binding.value)) {
        iris.add(binding.value);
      }
    }
  }
  return [...iris];
};

/** The best label of each row (`?s ?label`): the page's language, else Japanese, else any. */
const bestLabels = (rows, lang) => {
  const rank = (tag) => (tag === lang ? 0 : tag === "ja" ? 1 : tag ? 3 : 2);
  const best = new Map();
  for (const row of rows) {
    const tag = row.label["xml:lang"] || "";
    const seen = best.get(row.s.value);
    if (!seen || rank(tag) < rank(seen.tag)) best.set(row.s.value, { tag, text: row.label.value });
  }
  return best;
};

/** Look up the labels of `iris` on the endpoint, then draw the table of `yasr` again. */
const fetchLabels = async (iris, yasr, data, endpoint) => {
  for (let start = 0; start < iris.length; start += LABEL_BATCH) {
    const values = iris.slice(start, start + LABEL_BATCH).map((iri) => `<${iri}>`).join(" ");
    const query = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
      + "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
      + `SELECT ?s ?label WHERE { VALUES ?s { ${values} } ?s rdfs:label|skos:prefLabel ?label }`;
    const answer = await fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json" },
      body: query,
    });
    if (!answer.ok) return;
    const found = bestLabels((await answer.json()).results.bindings, data.lang);
    for (const iri of iris.slice(start, start + LABEL_BATCH)) {
      labels.set(iri, found.get(iri)?.text);
    }
  }
  for (const [iri, label] of labels) if (label === undefined) labels.delete(iri);
  yasr.refresh();
};

/** The box that says what is wrong with the query of `tab`, above its results. */
const problemBox = (tab) => {
  const yasr = tab.getYasr();
  let box = yasr.rootEl.previousElementSibling;
  if (!box?.classList.contains("query-problem")) {
    box = document.createElement("div");
    box.className = "query-problem";
    box.setAttribute("role", "alert");
    yasr.rootEl.before(box);
  }
  return box;
};

/** Say where the engine's `message` puts the error in the query of `tab`, as written
 * (the `added` lines of declarations put in front are not counted), with a hint. */
const showProblem = (tab, message, added, data) => {
  const box = problemBox(tab);
  const yasqe = tab.getYasqe();
  const position = errorPosition(message);
  const line = position ? position.line - added : 0;
  // the engine's first line, its position counted in the query as written
  const text = message.split("\n")[0].replace(/\bat \d+:/, `at ${line}:`);
  box.replaceChildren();
  const heading = document.createElement("p");
  heading.className = "query-problem-heading";
  heading.textContent = data.messages.error;
  box.append(heading);
  if (position) {
    const where = document.createElement("p");
    where.className = "query-problem-position";
    where.textContent = `${data.messages.line} ${line}, ${data.messages.column} ${position.column}`;
    box.append(where);
    if (line >= 1 && line <= yasqe.lineCount()) {
      yasqe.addLineClass(line - 1, "background", "query-error-line");
      const prefix = /Prefix not found/i.test(message)
        ? prefixBefore(yasqe.getLine(line - 1), position.column) : null;
      if (prefix !== null) {
        const hint = document.createElement("p");
        hint.className = "query-problem-hint";
        hint.textContent = data.messages.hint_prefix.replaceAll("{}", prefix);
        box.append(hint);
      }
    }
  }
  const detail = document.createElement("pre");
  detail.textContent = text.length > 200 ? text.slice(0, 200) + "…" : text;
  box.append(detail);
  box.hidden = false;
};

/** Clear the problem box and marked lines of `tab` before it runs a query. */
const clearProblem = (tab) => {
  problemBox(tab).hidden = true;
  const yasqe = tab.getYasqe();
  for (let line = 0; line < yasqe.lineCount(); line++) {
    yasqe.removeLineClass(line, "background", "query-error-line");
  }
};

document.addEventListener("DOMContentLoaded", () => {
  if (typeof Yasgui === "undefined") return;  // no vendored editor: the form stays
  const data = JSON.parse(document.getElementById("editor-data").textContent);
  // YASGUI needs an absolute URL; the endpoint is this server's, whatever its host.
  const endpoint = new URL(data.endpoint, window.location.href).href;
  const added = new WeakMap();  // yasqe → lines of declarations put in front of its query
  const requestConfig = {
    endpoint,
    adjustQueryBeforeRequest: (yasqe) => {
      const declarations = missingDeclarations(data.prefixes, yasqe.getPrefixesFromQuery());
      added.set(yasqe, declarations.split("\n").length - 1);
      return declarations + yasqe.getValue();
    },
  };
  installCellRenderer(data);
  const root = document.getElementById("yasgui");
  const yasgui = new Yasgui(root, {
    requestConfig,
    yasqe: { value: data.query },
    yasr: { prefixes: data.prefixes },
    autofocus: false,  // focusing the editor would scroll the page past its heading
    // Offer only this endpoint, not YASGUI's public defaults.
    endpointCatalogueOptions: { getData: () => [{ endpoint }] },
  });
  document.getElementById("query-form").hidden = true;
  yasgui.on("queryBefore", (_, tab) => clearProblem(tab));
  yasgui.on("queryResponse", (_, tab) => {
    // The tab draws the results after it tells of the response.
    queueMicrotask(() => {
      const yasr = tab.getYasr();
      if (yasr.results?.hasError()) {
        showProblem(tab, yasr.results.getError().text || "", added.get(tab.getYasqe()) || 0, data);
      } else {
        const iris = unlabelled(yasr);
        if (iris.length) fetchLabels(iris, yasr, data, endpoint);
      }
    });
  });
  const load = (number, scroll) => {
    yasgui.addTab(
      true,
      {
        name: `${data.messages.tab_name} ${number}`,
        yasqe: { value: data.examples[number - 1].query },
        requestConfig,
      },
      { avoidDuplicateTabs: true },
    );
    if (scroll) root.scrollIntoView();
  };
  for (const link of document.querySelectorAll("[data-example]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      load(Number(link.dataset.example), true);
    });
  }
  if (data.example) load(data.example);
});
