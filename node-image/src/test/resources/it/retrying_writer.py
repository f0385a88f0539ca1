"""Inserts {_id: PREFIX-n} into retry.PREFIX, n = 0, 1, 2 ..., with the current PyMongo's default
settings (retryable writes on) until STOPFILE exists; an insert that fails is recorded and the next
one takes the next n. Prints RESULT {"attempted": n, "failed": [n ...], "errors": ["PREFIX-n@epochms: ..."],
"stallMs": the longest time between two acknowledged inserts}."""
import json
import os
import sys
import time

import pymongo

uri, prefix, stopfile = sys.argv[1], sys.argv[2], sys.argv[3]
client = pymongo.MongoClient(uri)
coll = client.retry[prefix]
n, failed, errors = 0, [], []
last_ack, stall = time.monotonic(), 0.0
print("writing pymongo %s" % pymongo.version, flush=True)
while not os.path.exists(stopfile) and len(errors) <= 50:
    try:
        coll.insert_one({"_id": "%s-%d" % (prefix, n), "n": n})
        now = time.monotonic()
        stall, last_ack = max(stall, now - last_ack), now
    except Exception as e:  # every error the application would see
        failed.append(n)
        errors.append("%s-%d@%d: %s: %s" % (prefix, n, int(time.time() * 1000), type(e).__name__, e))
    n += 1
print("RESULT " + json.dumps({"attempted": n, "failed": failed, "errors": errors, "stallMs": int(stall * 1000)}), flush=True)
