// The graph view (graphview.html): draws the neighbourhood in #graph-data with cytoscape.js.
// A file of its own, not an inline script, so the pages' CSP can forbid inline script.
// The legend is HTML in the page; the nodes take its colours from graphview.css.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof cytoscape === "undefined") return;  // no vendored library: the lists stay
  const elements = JSON.parse(document.getElementById("graph-data").textContent);
  const container = document.getElementById("graph");
  const css = getComputedStyle(document.documentElement);
  const colour = (kind) => css.getPropertyValue(`--kind-${kind}`).trim() || "#8c8c8c";
  // Labels never drawn smaller than these sizes (CSS pixels on screen), whatever the zoom.
  const FONT = 13, CENTRE_FONT = 15, EDGE_FONT = 11, TEXT_WIDTH = 150, MAX_CHARS = 28;
  // Every label is shown in a small drawing; in a larger one, only the centre's, the
  // collapsed hubs' and (if few) the first hop's; the others when pointed at or tapped.
  const SMALL = 30;
  const nodes = elements.nodes;
  const firstHop = nodes.filter((node) => node.data.hop === 1).length;
  const shortened = (text) => text.length > MAX_CHARS ? text.slice(0, MAX_CHARS - 1) + "…" : text;
  for (const { data } of nodes) {
    data.colour = colour(data.kind);
    data.shown = shortened(data.label) + (data.more_label ? `\n${data.more_label}` : "");
    data.labelled = nodes.length <= SMALL || data.hop === 0 || data.more !== undefined
      || (data.hop === 1 && firstHop <= SMALL);
  }
  // Font sizes in model units: at zoom z a size s/z renders at s pixels.
  const scaled = (size, zoom) => size / Math.min(zoom, 1);
  const sheet = (zoom) => [
    { selector: "node", style: {
        "width": 16, "height": 16, "background-color": "data(colour)",
        "font-size": scaled(FONT, zoom), "color": "#1b1b1b",
        "text-wrap": "wrap", "text-overflow-wrap": "anywhere",
        "text-max-width": `${scaled(TEXT_WIDTH, zoom)}px`, "text-valign": "bottom",
        "text-margin-y": 3, "text-background-color": "#ffffff",
        "text-background-opacity": 0.75, "text-background-padding": "1px" } },
    { selector: "node[?labelled], node.pointed", style: { "label": "data(shown)" } },
    { selector: "node.pointed", style: { "label": "data(label)", "z-index": 30 } },
    { selector: "node[more]", style: {
        "width": 24, "height": 24, "border-width": 4, "border-style": "double",
        "border-color": "#1b1b1b", "font-weight": "bold" } },
    { selector: "node[hop = 0]", style: {
        "width": 30, "height": 30, "border-width": 3, "border-color": "#1b1b1b",
        "font-weight": "bold", "font-size": scaled(CENTRE_FONT, zoom), "z-index": 10 } },
    // Edge labels only when zoomed in, or around the node under the pointer.
    { selector: "edge", style: {
        "label": "data(label)", "font-size": 7, "color": "#5a5a5a", "width": 1,
        "line-color": "#c4c4c4", "target-arrow-color": "#c4c4c4",
        "target-arrow-shape": "triangle", "arrow-scale": 0.7, "curve-style": "bezier",
        "text-rotation": "autorotate", "min-zoomed-font-size": 10 } },
    { selector: "edge.near", style: {
        "line-color": "#5a5a5a", "target-arrow-color": "#5a5a5a", "width": 2,
        "font-size": scaled(EDGE_FONT, zoom), "min-zoomed-font-size": 0, "color": "#1b1b1b",
        "text-background-color": "#ffffff", "text-background-opacity": 0.8, "z-index": 20 } },
  ];
  const cy = cytoscape({
    container,
    elements,
    // Spread out: labels are long, and a tight layout makes them overlap.
    layout: { name: "cose", animate: false, nodeDimensionsIncludeLabels: true,
              idealEdgeLength: () => 90, nodeRepulsion: () => 600000, padding: 30 },
    maxZoom: 3,
    style: sheet(1),
  });
  let pending = false;
  const restyle = () => {
    pending = false;
    cy.style().fromJson(sheet(cy.zoom())).update();
  };
  cy.on("zoom", () => {
    if (!pending) { pending = true; requestAnimationFrame(restyle); }
  });
  restyle();
  const point = (node, on) => {
    node.toggleClass("pointed", on);
    node.connectedEdges().toggleClass("near", on);
  };
  // A collapsed hub opens its own graph view, any other node its page (external IRIs
  // have none); a first tap on an unlabelled node (on a touch screen) only names it.
  cy.on("tap", "node", (event) => {
    const node = event.target;
    if (!node.data("labelled") && !node.hasClass("pointed")) {
      cy.nodes(".pointed").forEach((other) => point(other, false));
      point(node, true);
      return;
    }
    const target = node.data("view_href") || node.data("href");
    if (target) window.location.assign(target);
  });
  cy.on("mouseover", "node", (event) => {
    point(event.target, true);
    if (event.target.data("view_href") || event.target.data("href")) container.style.cursor = "pointer";
  });
  cy.on("mouseout", "node", (event) => {
    point(event.target, false);
    container.style.cursor = "";
  });
  container.graph = cy;  // for the browser tests and the console
});
