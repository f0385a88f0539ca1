# What every member says of itself, asked directly (directConnection=true): its state, the primary it sees, its
# term, its last applied optime and, when DB is given, the dbHash of DB. Prints one JSON object keyed by host; a
# member that does not answer gets {"error": "..."}.
#   python member-state.py HOST[,HOST...] [DB]
import json
import sys

from pymongo import MongoClient

hosts = sys.argv[1].split(",")
db = sys.argv[2] if len(sys.argv) > 2 else None
view = {}
for host in hosts:
    # Short timeouts: a stopped member must not hold the probe up. dbHash reads every document: its own client.
    client = MongoClient(host, directConnection=True, serverSelectionTimeoutMS=2000, connectTimeoutMS=2000,
                         socketTimeoutMS=3000)
    try:
        hello = client.admin.command("hello")
        status = client.admin.command("replSetGetStatus")
        applied = status["optimes"]["appliedOpTime"]
        member = {"state": status.get("myState"), "primary": hello.get("primary"),
                  "writablePrimary": hello.get("isWritablePrimary", False), "term": status.get("term"),
                  "applied": [applied["ts"].time, applied["ts"].inc, applied.get("t")]}
        if db is not None:
            with MongoClient(host, directConnection=True, serverSelectionTimeoutMS=2000,
                             socketTimeoutMS=60000) as hashing:
                member["dbHash"] = hashing[db].command("dbHash")["md5"]
        view[host] = member
    except Exception as e:  # noqa: BLE001 - a member that does not answer is reported, not fatal
        view[host] = {"error": "%s: %s" % (type(e).__name__, " ".join(str(e).split())[:200])}
    finally:
        client.close()
print(json.dumps(view))
