"""Approves an OAuth authorization as a person in a browser would (see browser.py).
Usage: python approve.py BASE_URL AUTHORIZE_URL USERNAME PASSWORD; prints the redirect's query."""

import json
import sys

import browser

print(json.dumps(browser.approve(*sys.argv[1:5])))
