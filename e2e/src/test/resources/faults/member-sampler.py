# Samples, until the stop file appears, which members are serving: each member is asked directly for hello (short
# timeouts, one client per member kept open) and counts as serving when it is the writable primary or a secondary.
# Prints one JSON line per round: {"t": epoch ms, "serving": n, "members": {host: "PRIMARY"|"SECONDARY"|"other"|"down"}}
#   python member-sampler.py HOST[,HOST...] STOP_FILE
import json
import os
import sys
import time

from pymongo import MongoClient

hosts, stop_file = sys.argv[1].split(","), sys.argv[2]
clients = {h: MongoClient(h, directConnection=True, serverSelectionTimeoutMS=1000, connectTimeoutMS=1000,
                          socketTimeoutMS=1000) for h in hosts}
deadline = time.monotonic() + 1800
while not os.path.exists(stop_file) and time.monotonic() < deadline:
    states = {}
    for host, client in clients.items():
        try:
            hello = client.admin.command("hello")
            states[host] = ("PRIMARY" if hello.get("isWritablePrimary") else
                            "SECONDARY" if hello.get("secondary") else "other")
        except Exception:  # noqa: BLE001 - a member that does not answer is down for this round
            states[host] = "down"
    serving = sum(1 for s in states.values() if s in ("PRIMARY", "SECONDARY"))
    print(json.dumps({"t": round(time.time() * 1000, 1), "serving": serving, "members": states}), flush=True)
    time.sleep(0.2)
for client in clients.values():
    client.close()
