"""The bundled sample site: a deterministic generator of pages and a local server."""
