#!/usr/bin/env python3
"""Container health check: exit 0 when the service in this container is ready.

Asks the service's own /readyz (200 once Faust has recovered its tables) on
GOVSHARE_HTTP_PORT; any other answer, or none within 3 s, is unhealthy (exit 1).
"""

import os
import sys
import urllib.request

PORT = os.environ.get("GOVSHARE_HTTP_PORT", "8080")

try:
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/readyz", timeout=3) as reply:
        sys.exit(0 if reply.status == 200 else 1)
except OSError:  # refused, 503 (HTTPError), timed out
    sys.exit(1)
