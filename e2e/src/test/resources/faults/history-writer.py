# A continuous w:"majority" writer that records its history, the PyMongo twin of the Java HistoryWriter
# (e2e/src/main/java/dev/starling/e2e/faults/HistoryWriter.java; docs/FAULTS.md). It inserts {_id: n} with
# n = 1, 2, 3, ... into one collection, one insert at a time, until the stop file appears or its time is up, and
# appends one JSON line per attempt to the history file: {"writer": "python", "id", "sent", "ok": true, "acked",
# "server"} or {"writer": "python", "id", "sent", "ok": false, "failed", "error", "code", "codeName", "message"}.
# Times are epoch milliseconds. Usage:
#   python history-writer.py URI DB COLLECTION STOP_FILE HISTORY_FILE [MAX_SECONDS]
import json
import os
import sys
import time

from pymongo import MongoClient, monitoring
from pymongo.write_concern import WriteConcern

uri, db, collection, stop_file, history_file = sys.argv[1:6]
max_seconds = float(sys.argv[6]) if len(sys.argv) > 6 else 900.0


class LastServer(monitoring.CommandListener):
    """Which member acknowledged the last insert (the writer is single-threaded)."""

    address = None

    def started(self, event):
        pass

    def succeeded(self, event):
        if event.command_name == "insert":
            LastServer.address = "%s:%s" % event.connection_id

    def failed(self, event):
        pass


def now_ms():
    return round(time.time() * 1000.0, 3)


client = MongoClient(uri, serverSelectionTimeoutMS=5000, socketTimeoutMS=5000, connectTimeoutMS=2000,
                     event_listeners=[LastServer()])
coll = client[db].get_collection(collection, write_concern=WriteConcern(w="majority", wtimeout=4000))
deadline = time.monotonic() + max_seconds
attempts = acked = 0
with open(history_file, "w") as history:
    n = 0
    while not os.path.exists(stop_file) and time.monotonic() < deadline:
        n += 1
        attempts += 1
        line = {"writer": "python", "id": n, "sent": now_ms()}
        LastServer.address = None
        try:
            coll.insert_one({"_id": n, "w": "python"})
            line.update(ok=True, acked=now_ms(), server=LastServer.address)
            acked += 1
        except Exception as e:  # noqa: BLE001 - every failure is recorded, then the next write is tried
            details = getattr(e, "details", None) or {}
            line.update(ok=False, failed=now_ms(), error=type(e).__name__, code=getattr(e, "code", None),
                        codeName=details.get("codeName") if isinstance(details, dict) else None,
                        message=" ".join(str(e).split())[:300])
        history.write(json.dumps(line) + "\n")
        history.flush()
        if not line["ok"]:
            time.sleep(0.05)
client.close()
print("history-writer.py: %d attempts, %d acknowledged" % (attempts, acked))
