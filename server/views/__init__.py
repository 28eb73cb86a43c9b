"""The browser's pages and the release's files over HTTP, one blueprint per kind of page."""
