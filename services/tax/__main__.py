"""Run the tax service: `python -m services.tax`, configured by GOVSHARE_*."""

from services.tax.app import build

if __name__ == "__main__":
    build().run()
