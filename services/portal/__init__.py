"""The web portal: pages for citizens, enterprises and window staff, one origin for all.

Serves static pages (Simplified Chinese, no build step) and a same-origin reverse proxy
`/api/<service>/v1/...` to the four services, so the browser talks to one address and no
service needs CORS. In development it also mints development tokens (`/dev/...`)."""
