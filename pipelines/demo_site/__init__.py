"""The bundled sample site: a deterministic generator of three publishers' pages and a local server."""
