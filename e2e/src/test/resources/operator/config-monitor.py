# Records every replica-set config the set goes through, with the time a majority of its voters first held it.
# A config older than one already recorded is skipped: it is a returning member's stale copy (a pod whose retained
# volume still holds the config it had before it was removed), never a config the set went through.
# Prints one JSON line per config version until the stop file appears:
#   {"version", "term", "voters": [hosts], "members": [hosts], "seen": t, "committed": t or null}
#   python config-monitor.py HOST[,HOST...] STOP_FILE
import json
import os
import sys
import time

from pymongo import MongoClient

seeds, stop_file = sys.argv[1].split(","), sys.argv[2]
clients = {}

def client(host):
    if host not in clients:
        clients[host] = MongoClient(host, directConnection=True, serverSelectionTimeoutMS=1000,
                                    connectTimeoutMS=1000, socketTimeoutMS=2000)
    return clients[host]

def config_of(host):
    try:
        return client(host).admin.command("replSetGetConfig")["config"]
    except Exception:  # noqa: BLE001 - a member that does not answer holds no config we can see
        return None

configs = {}  # version -> record
deadline = time.time() + 1800
while not os.path.exists(stop_file) and time.time() < deadline:
    now = time.time()
    held = {}
    hosts = set(seeds)
    for rec in configs.values():
        hosts.update(rec["members"])
    for host in hosts:
        c = config_of(host)
        if c is not None:
            held[host] = c
            v = c["version"]
            if v not in configs and (not configs or v > max(configs)):
                members = [m["host"] for m in c["members"]]
                voters = [m["host"] for m in c["members"] if m.get("votes", 1) > 0 and not m.get("newlyAdded")]
                configs[v] = {"version": v, "term": c.get("term"), "voters": voters, "members": members,
                              "seen": now, "committed": None}
    for v, rec in configs.items():
        if rec["committed"] is None:
            have = sum(1 for h in rec["voters"] if h in held and held[h]["version"] >= v)
            if have >= len(rec["voters"]) // 2 + 1:
                rec["committed"] = now
                print(json.dumps(rec), flush=True)
    time.sleep(0.1)
