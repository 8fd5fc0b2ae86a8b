#!/bin/sh
# Entry point of the govshare image: run the service named by the first argument or by
# GOVSHARE_SERVICE; `govshare ...` runs the CLI instead.
set -eu

service="${1:-${GOVSHARE_SERVICE:-}}"
case "$service" in
  certificates | realestate | tax | power)
    exec python -m "services.$service"
    ;;
  govshare)
    exec "$@"
    ;;
  *)
    echo "usage: IMAGE certificates|realestate|tax|power  (or set GOVSHARE_SERVICE)," >&2
    echo "       IMAGE govshare ARGS...  for the command-line tool" >&2
    exit 64
    ;;
esac
