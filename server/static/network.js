// The network page (network.html): the vendor–municipality network drawn with cytoscape.js
// and filtered by prefecture, technology and minimum weight.
//
// A file of its own, not an inline script, so the pages' CSP can forbid inline script. The
// drawing is the release's own Cytoscape.js export, fetched from #network-graph's data-src.
// Labels (in the page's language) and links come from the page's list of nodes
// (#network-nodes), which is also what a keyboard or a page without JavaScript uses.
// An edge is shown when it matches every filter; a node when one of its edges is shown.
"use strict";

// The colours of the build's figures and of the legend (network.css).
const COLOURS = { government: "#1f77b4", vendor: "#d62728" };

const LAYOUT = {
  name: "cose", animate: false, fit: true, padding: 24, nodeDimensionsIncludeLabels: false,
  idealEdgeLength: () => 60, nodeRepulsion: () => 60000, componentSpacing: 60,
};

const STYLE = [
  { selector: "node", style: {
      "label": "data(shown)", "font-size": 9, "min-zoomed-font-size": 8,
      "text-valign": "bottom", "text-margin-y": 2, "text-wrap": "ellipsis",
      "text-max-width": "110px", "background-color": COLOURS.government, "shape": "ellipse",
      "width": "mapData(degree, 1, 10, 10, 30)", "height": "mapData(degree, 1, 10, 10, 30)" } },
  { selector: "node[side = 'vendor']", style: {
      "background-color": COLOURS.vendor, "shape": "round-rectangle" } },
  // The hubs keep their names when the whole network is in view (see keepHubLabels).
  { selector: "node[degree >= 3]", style: {
      "font-size": 11, "font-weight": "bold", "min-zoomed-font-size": 0,
      "text-background-color": "#ffffff", "text-background-opacity": 0.7 } },
  { selector: "edge", style: {
      "width": "mapData(weight, 1, 3, 1, 4)", "line-color": "#b8b8b8", "curve-style": "haystack" } },
  { selector: "node.near", style: {
      "font-size": 12, "min-zoomed-font-size": 0, "z-index": 20, "border-width": 2,
      "border-color": "#1b1b1b", "text-background-color": "#ffffff",
      "text-background-opacity": 0.85 } },
  { selector: "edge.near", style: { "line-color": "#5a5a5a", "width": 3 } },
  { selector: ".filtered", style: { "display": "none" } },
];

document.addEventListener("DOMContentLoaded", () => {
  const container = document.getElementById("network-graph");
  const status = document.getElementById("network-status");
  if (!container || !status || typeof cytoscape === "undefined") return;  // the lists stay
  status.textContent = container.dataset.loading;
  fetch(container.dataset.src)
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    })
    .then((data) => start(container, status, data.elements))
    .catch(() => {
      container.hidden = true;
      status.textContent = container.dataset.failed;
    });
});

/** The page's list of nodes: IRI → {item, label, href}. */
function listedNodes() {
  const found = new Map();
  for (const item of document.querySelectorAll("#network-nodes li[data-node]")) {
    const link = item.querySelector("a");
    found.set(item.dataset.node,
              { item, label: item.dataset.label, href: link ? link.getAttribute("href") : null });
  }
  return found;
}

/** Give the exported elements what the drawing and the filters read: the label and page
 *  of each node, its side, and on each edge its government's prefecture and its
 *  technologies as a list. */
function prepare(elements, listed) {
  const nodes = new Map();
  for (const node of elements.nodes) {
    const found = listed.get(node.data.id);
    node.data.shown = found ? found.label : node.data.label;
    node.data.href = found ? found.href : null;
    node.data.side = node.data.bipartite === 0 ? "government" : "vendor";
    nodes.set(node.data.id, node.data);
  }
  elements.edges.forEach((edge, index) => {
    const ends = [nodes.get(edge.data.source), nodes.get(edge.data.target)];
    const government = ends.find((end) => end && end.side === "government");
    edge.data.id = `edge-${index}`;
    edge.data.prefecture = government ? government.prefecture : null;
    edge.data.technologyList = (edge.data.technologies || "").split(" ").filter(Boolean);
  });
  return elements;
}

/** Whether an edge passes the filters. */
function matches(edge, filters) {
  return (!filters.prefecture || edge.data("prefecture") === filters.prefecture)
    && (!filters.technology || edge.data("technologyList").includes(filters.technology))
    && Number(edge.data("weight")) >= filters.minimum;
}

/** "{nodes} nodes…" with the counts put in. */
function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
}

function start(container, status, elements) {
  const listed = listedNodes();
  const form = document.getElementById("network-filters");
  const inputs = {
    prefecture: document.getElementById("filter-prefecture"),
    technology: document.getElementById("filter-technology"),
    weight: document.getElementById("filter-weight"),
  };
  container.hidden = false;  // cytoscape needs the container's size
  form.hidden = false;
  const cy = cytoscape({
    container, elements: prepare(elements, listed), style: STYLE, layout: { name: "null" },
    minZoom: 0.2, maxZoom: 4,
  });
  const totals = { total_nodes: cy.nodes().length, total_edges: cy.edges().length };

  const apply = () => {
    const filters = {
      prefecture: inputs.prefecture.value,
      technology: inputs.technology.value,
      minimum: Number(inputs.weight.value) || 0,  // empty: no minimum
    };
    cy.batch(() => {
      cy.edges().forEach((edge) => edge.toggleClass("filtered", !matches(edge, filters)));
      cy.nodes().forEach((node) => {
        node.toggleClass("filtered", node.connectedEdges().not(".filtered").empty());
      });
    });
    const shown = cy.elements().not(".filtered");
    for (const [id, { item }] of listed) {
      item.hidden = cy.getElementById(id).hasClass("filtered");
    }
    for (const count of document.querySelectorAll("#network-nodes [data-count-for]")) {
      const side = count.dataset.countFor;
      count.textContent = document.querySelectorAll(
        `#network-nodes ul[data-side="${side}"] li:not([hidden])`).length;
    }
    status.textContent = fill(container.dataset.status, {
      nodes: shown.nodes().length, edges: shown.edges().length, ...totals,
    });
    if (shown.nonempty()) shown.layout(LAYOUT).run();
  };

  form.addEventListener("submit", (event) => event.preventDefault());
  inputs.prefecture.addEventListener("change", apply);
  inputs.technology.addEventListener("change", apply);
  inputs.weight.addEventListener("input", apply);
  wireHighlight(cy, container, listed);
  keepHubLabels(cy);
  apply();
}

/** Labels scale with the zoom, so a whole network in view would shrink the hubs' names
 *  out of sight: keep them at one size on the screen until the reader zooms in. */
function keepHubLabels(cy) {
  const hubs = "node[degree >= 3]";
  const resize = () => {
    const scale = Math.max(1, 1 / cy.zoom());
    cy.style().selector(hubs)
      .style({ "font-size": 11 * scale, "text-max-width": `${110 * scale}px` }).update();
  };
  cy.on("zoom", resize);
}

/** Pointing at a node (in the drawing or in the list) marks it and its edges; a tap on a
 *  node opens its page. */
function wireHighlight(cy, container, listed) {
  const mark = (node, on) => {
    node.toggleClass("near", on);
    node.connectedEdges().toggleClass("near", on);
  };
  cy.on("tap", "node", (event) => {
    const href = event.target.data("href");
    if (href) window.location.assign(href);
  });
  cy.on("mouseover", "node", (event) => {
    mark(event.target, true);
    if (event.target.data("href")) container.style.cursor = "pointer";
  });
  cy.on("mouseout", "node", (event) => {
    mark(event.target, false);
    container.style.cursor = "";
  });
  for (const [id, { item }] of listed) {
    const node = cy.getElementById(id);
    for (const [type, on] of [["focusin", true], ["focusout", false],
                              ["mouseenter", true], ["mouseleave", false]]) {
      item.addEventListener(type, () => mark(node, on));
    }
  }
}
