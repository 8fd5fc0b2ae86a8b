"""Run the portal: `python -m services.portal`, configured by GOVSHARE_*."""

from services.portal.app import run

if __name__ == "__main__":
    run()
