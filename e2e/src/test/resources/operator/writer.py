# A continuous w:"majority" writer: inserts {_id: n} until the stop file appears, and records which writes were
# acknowledged, how many failed, and the longest time without a successful write; prints "writing" after its first
# acknowledged write. Usage:
#   python writer.py URI STOP_FILE RESULT_FILE [COLLECTION]     (of the database e2e; default history)
import json
import os
import sys
import time

from pymongo import MongoClient
from pymongo.write_concern import WriteConcern

uri, stop_file, result_file = sys.argv[1:4]
collection = sys.argv[4] if len(sys.argv) > 4 else "history"
client = MongoClient(uri, serverSelectionTimeoutMS=30000, socketTimeoutMS=30000)
coll = client.e2e.get_collection(collection, write_concern=WriteConcern(w="majority", wtimeout=30000))
acked, errors, n = [], [], 0
last_ok = None  # the gaps are measured from the first acknowledged write on
longest_gap = 0.0
deadline = time.time() + 1800  # bounded: never runs past half an hour
while not os.path.exists(stop_file) and time.time() < deadline:
    n += 1
    try:
        coll.insert_one({"_id": n, "at": time.time()})
        now = time.time()
        if last_ok is not None:
            longest_gap = max(longest_gap, now - last_ok)
        last_ok = now
        acked.append(n)
        if len(acked) == 1:
            print("writing", flush=True)
    except Exception as e:  # noqa: BLE001 - every failure is recorded, then the next write is tried
        errors.append("%d: %s" % (n, type(e).__name__))
        time.sleep(0.1)
if last_ok is not None:
    longest_gap = max(longest_gap, time.time() - last_ok)
with open(result_file, "w") as f:
    json.dump({"acked": acked, "errors": errors, "attempts": n, "longestGapSeconds": longest_gap}, f)
