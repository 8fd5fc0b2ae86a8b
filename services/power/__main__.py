"""Run the power service: `python -m services.power`, configured by GOVSHARE_*."""

from services.power.app import build

if __name__ == "__main__":
    build().run()
