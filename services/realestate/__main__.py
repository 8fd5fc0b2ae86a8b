"""Run the realestate service: `python -m services.realestate`, configured by GOVSHARE_*."""

from services.realestate.app import build

if __name__ == "__main__":
    build().run()
