# What members say of themselves: prints one JSON object keyed by host with hello's view and the oplog's size.
#   python member-view.py HOST[,HOST...]
import json
import sys

from pymongo import MongoClient

view = {}
for host in sys.argv[1].split(","):
    try:
        c = MongoClient(host, directConnection=True, serverSelectionTimeoutMS=3000)
        hello = c.admin.command("hello")
        stats = c.local.command("collStats", "oplog.rs")
        view[host] = {"primary": hello.get("isWritablePrimary", False), "secondary": hello.get("secondary", False),
                      "hidden": hello.get("hidden", False), "hosts": hello.get("hosts", []),
                      "oplogMaxSizeMB": stats.get("maxSize", 0) // (1024 * 1024)}
    except Exception as e:  # noqa: BLE001
        view[host] = {"error": str(e)}
print(json.dumps(view))
