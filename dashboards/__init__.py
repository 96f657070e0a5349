"""Charts and the static site: Altair chart builders, one theme, and the site writer."""
