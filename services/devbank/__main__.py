"""Run the development payment channel: `python -m services.devbank` (GOVSHARE_*)."""

from services.devbank.app import run

if __name__ == "__main__":
    run()
