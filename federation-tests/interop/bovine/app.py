"""A bovine-herd ActivityPub server, run by the Guildhall interop test.

Start it from an empty working directory (its SQLite database, ``bovine.sqlite3``, and JSON-LD
cache are created there):

    hypercorn app:app --bind 127.0.0.1:PORT

The tables are created when it starts, so start it before registering users with ``drive.py``.
``BOVINE_DB_URL`` overrides the database (the same variable ``bovine_tool`` reads).
"""

import logging
import os

from quart import Quart

from bovine_herd import BovineHerd

logging.basicConfig(
    level=os.environ.get("BOVINE_LOG_LEVEL", "INFO"),
    format="%(asctime)s %(levelname)s %(name)s: %(message)s",
)

app = Quart(__name__)
BovineHerd(app, db_url=os.environ.get("BOVINE_DB_URL", "sqlite://bovine.sqlite3"))
