"""Run the certificates service: `python -m services.certificates`, configured by GOVSHARE_*."""

from services.certificates.app import build

if __name__ == "__main__":
    build().run()
