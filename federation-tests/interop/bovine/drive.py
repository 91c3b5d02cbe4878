"""Drives a user on a bovine-herd server (see app.py) for the Guildhall interop test.

Every command prints JSON lines on stdout and exits non-zero on failure (the reason on stderr).
State (the user's bovine name and Moo-Auth-1 secret) is kept in ``--state`` (default
``drive-state.json``); run the commands from the directory the server was started in, since
``bovine_tool`` opens the same ``bovine.sqlite3`` (or ``BOVINE_DB_URL``).

    drive.py register NAME --domain http://localhost:BPORT
        Registers user NAME (``python -m bovine_tool.register``), gives it a did:key
        (``python -m bovine_tool.manage --new_did_key``), looks up its actor through the
        running server and prints {"event": "registered", "bovine_name", "actor_id", ...}.
    drive.py follow ACTOR_URL
        Posts a Follow of ACTOR_URL to the user's outbox; bovine delivers it (signed) to the
        actor's inbox. Prints {"event": "follow_sent", "status", "location"}.
    drive.py inbox
        Prints each item of the user's inbox, newest first, one JSON object a line (as stored by
        bovine: the activities that arrived, with their embedded objects).
    drive.py following
        Prints {"event": "following", "items": [...]}: the actor ids the user follows (bovine adds
        one when the followed actor's Accept arrives).
"""

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys

import bovine

DEFAULT_STATE = "drive-state.json"


def fail(message: str) -> None:
    print(f"drive.py: {message}", file=sys.stderr)
    sys.exit(1)


def emit(value) -> None:
    print(json.dumps(value, sort_keys=True), flush=True)


def run_tool(args: list[str], pattern: str) -> str:
    """Runs ``python -m <args>`` and returns the first group of ``pattern`` in its stdout."""
    command = [sys.executable, "-m", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        fail(f"{' '.join(command)} exited with {result.returncode}:\n{result.stdout}{result.stderr}")
    match = re.search(pattern, result.stdout)
    if not match:
        fail(f"{' '.join(command)} printed no {pattern!r}:\n{result.stdout}{result.stderr}")
    return match.group(1)


def load_state(path: str) -> dict:
    try:
        with open(path) as fp:
            return json.load(fp)
    except FileNotFoundError:
        fail(f"no {path}: run `drive.py register` first")


async def client_for(state: dict) -> bovine.BovineClient:
    client = bovine.BovineClient(domain=state["domain"], secret=state["secret"])
    await client.init()
    return client


async def register(args) -> None:
    bovine_name = run_tool(
        ["bovine_tool.register", args.name, "--domain", args.domain],
        r"Bovine name: (\S+)",
    )
    secret = run_tool(
        ["bovine_tool.manage", bovine_name, "--new_did_key"],
        r"Your new secret: (\S+)",
    )
    state = {"domain": args.domain, "bovine_name": bovine_name, "secret": secret}
    client = await client_for(state)
    try:
        state["actor_id"] = client.actor_id
        state["inbox"] = client.information["inbox"]
        state["outbox"] = client.information["outbox"]
        state["following"] = client.information.get("following")
    finally:
        await client.session.close()
    with open(args.state, "w") as fp:
        json.dump(state, fp, indent=2)
    emit({"event": "registered", **{k: v for k, v in state.items() if k != "secret"}})


async def follow(args) -> None:
    client = await client_for(load_state(args.state))
    try:
        activity = client.activity_factory.follow(args.actor).build()
        response = await client.send_to_outbox(activity)
        body = await response.text()
        if response.status >= 300:
            fail(f"POST {client.information['outbox']} answered {response.status}: {body}")
        emit(
            {
                "event": "follow_sent",
                "status": response.status,
                "location": response.headers.get("location"),
                "activity": activity,
            }
        )
    finally:
        await client.session.close()


async def inbox(args) -> None:
    client = await client_for(load_state(args.state))
    try:
        async for item in client.inbox(resolve=False):
            if isinstance(item, str):
                # Not embedded in the collection page: ask bovine for its stored copy.
                try:
                    item = await client.proxy(item)
                except Exception as e:  # noqa: BLE001 - report and carry on
                    item = {"id": item, "drive_error": repr(e)}
            emit(item)
    finally:
        await client.session.close()


async def following(args) -> None:
    state = load_state(args.state)
    client = await client_for(state)
    try:
        items = []
        async for item in client.collection_helper(client.information["following"]):
            items.append(item if isinstance(item, str) else item.get("id"))
        emit({"event": "following", "items": items})
    finally:
        await client.session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state", default=DEFAULT_STATE, help="state file (default %(default)s)")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("register", help="register a user and give it a did:key")
    p.add_argument("name")
    p.add_argument("--domain", required=True, help="the server's base URL, such as http://localhost:8000")
    p = commands.add_parser("follow", help="send a Follow of an actor")
    p.add_argument("actor", help="actor URL, such as http://localhost:8080/c/ux-design")
    commands.add_parser("inbox", help="print the items of the user's inbox")
    commands.add_parser("following", help="print the actors the user follows")
    args = parser.parse_args()
    handler = {"register": register, "follow": follow, "inbox": inbox, "following": following}[args.command]
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    asyncio.run(handler(args))


if __name__ == "__main__":
    main()
