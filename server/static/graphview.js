// The graph view (graphview.html): draws the neighbourhood in #graph-data with cytoscape.js.
// A file of its own, not an inline script, so the pages' CSP can forbid inline script.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof cytoscape === "undefined") return;  // no vendored library: the lists stay
  const elements = JSON.parse(document.getElementById("graph-data").textContent);
  // One colour per class, in the order of the class names, so a class keeps its colour.
  const palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                   "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ff9896",
                   "#98df8a", "#ffbb78", "#c5b0d5", "#c49c94", "#f7b6d2", "#393b79",
                   "#dbdb8d", "#9edae5"];
  const classes = [...new Set(elements.nodes.map((node) => node.data.class_label || ""))].sort();
  const colours = new Map(classes.map((name, index) => [name, palette[index % palette.length]]));
  const container = document.getElementById("graph");
  const cy = cytoscape({
    container,
    elements,
    // Spread out: labels are long, and a tight layout makes them overlap.
    layout: { name: "cose", animate: false, nodeDimensionsIncludeLabels: true,
              idealEdgeLength: () => 80, nodeRepulsion: () => 400000, padding: 20 },
    maxZoom: 3,
    style: [
      { selector: "node", style: {
          "label": "data(label)", "width": 14, "height": 14, "font-size": 9,
          "background-color": (node) => colours.get(node.data("class_label") || ""),
          "text-wrap": "ellipsis", "text-max-width": "100px", "text-valign": "bottom",
          "text-margin-y": 2, "min-zoomed-font-size": 7 } },
      { selector: "node[hop = 0]", style: {
          "width": 26, "height": 26, "border-width": 3, "border-color": "#1b1b1b",
          "font-weight": "bold", "font-size": 11, "z-index": 10 } },
      // Edge labels only when zoomed in, or around the node under the pointer.
      { selector: "edge", style: {
          "label": "data(label)", "font-size": 7, "color": "#5a5a5a", "width": 1,
          "line-color": "#c4c4c4", "target-arrow-color": "#c4c4c4",
          "target-arrow-shape": "triangle", "arrow-scale": 0.7, "curve-style": "bezier",
          "text-rotation": "autorotate", "min-zoomed-font-size": 10 } },
      { selector: "edge.near", style: {
          "line-color": "#5a5a5a", "target-arrow-color": "#5a5a5a", "width": 2,
          "font-size": 10, "min-zoomed-font-size": 0, "color": "#1b1b1b",
          "text-background-color": "#ffffff", "text-background-opacity": 0.8, "z-index": 20 } },
    ],
  });
  // Only resources this server has pages for can be opened; external IRIs cannot.
  cy.on("tap", "node[?href]", (event) => window.location.assign(event.target.data("href")));
  cy.on("mouseover", "node", (event) => {
    event.target.connectedEdges().addClass("near");
    if (event.target.data("href")) container.style.cursor = "pointer";
  });
  cy.on("mouseout", "node", (event) => {
    event.target.connectedEdges().removeClass("near");
    container.style.cursor = "";
  });
  const legend = document.getElementById("legend");
  for (const name of classes) {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.style.background = colours.get(name);
    item.append(swatch, name || "—");
    legend.append(item);
  }
});
