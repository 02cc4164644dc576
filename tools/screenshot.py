"""Sign in as a user and take full-page screenshots of some pages.

    .venv/bin/python tools/screenshot.py --base http://127.0.0.1:8000 \
        --user executive --password council-demo-2026 --out out/ /home/ /performance/

Uses Debian's Chromium (/usr/bin/chromium) through Playwright; no browser is
downloaded. A development aid, not part of the app.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user")
    parser.add_argument("--password", default="council-demo-2026")
    parser.add_argument("--out", default="out")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=0, help="clip to this many pixels from the top")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": 900})
        if args.user:
            page.goto(f"{args.base}/login/")
            page.fill("#id_username", args.user)
            page.fill("#id_password", args.password)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
        for path in args.paths:
            response = page.goto(f"{args.base}{path}")
            page.wait_for_load_state("networkidle")
            name = re.sub(r"[^A-Za-z0-9]+", "_", f"{args.user or 'anon'}{path}").strip("_") + ".png"
            if args.height:
                page.screenshot(path=str(out / name), clip={"x": 0, "y": 0, "width": args.width, "height": args.height},
                                full_page=True)
            else:
                page.screenshot(path=str(out / name), full_page=True)
            print(f"{response.status if response else '?'} {path} -> {out / name}")
        browser.close()


if __name__ == "__main__":
    main()
