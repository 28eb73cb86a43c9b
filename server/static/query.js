// The SPARQL editor page (query.html): YASGUI over the plain form, with the examples.
// A file of its own, not an inline script, so the pages' CSP can forbid inline script.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Yasgui === "undefined") return;  // no vendored editor: the form stays
  const data = JSON.parse(document.getElementById("editor-data").textContent);
  // YASGUI needs an absolute URL; the endpoint is this server's, whatever its host.
  const endpoint = new URL(data.endpoint, window.location.href).href;
  const root = document.getElementById("yasgui");
  const yasgui = new Yasgui(root, {
    requestConfig: { endpoint },
    yasqe: { value: data.query },
    autofocus: false,  // focusing the editor would scroll the page past its heading
    // Offer only this endpoint, not YASGUI's public defaults.
    endpointCatalogueOptions: { getData: () => [{ endpoint }] },
  });
  document.getElementById("query-form").hidden = true;
  const load = (number, scroll) => {
    yasgui.addTab(
      true,
      {
        name: `${data.tab_name} ${number}`,
        yasqe: { value: data.examples[number - 1].query },
        requestConfig: { endpoint },
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
