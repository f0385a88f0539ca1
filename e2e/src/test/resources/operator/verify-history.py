# Every acknowledged write of writer.py is present exactly once, read with read concern majority from the primary.
#   python verify-history.py URI RESULT_FILE [COLLECTION]     (of the database e2e; default history)
import json
import sys

from pymongo import MongoClient
from pymongo.read_concern import ReadConcern

uri, result_file = sys.argv[1:3]
collection = sys.argv[3] if len(sys.argv) > 3 else "history"
acked = json.load(open(result_file))["acked"]
client = MongoClient(uri, serverSelectionTimeoutMS=30000)
coll = client.e2e.get_collection(collection, read_concern=ReadConcern("majority"))
ids = [d["_id"] for d in coll.find({}, {"_id": 1})]
present = set(ids)
missing = [i for i in acked if i not in present]
assert len(ids) == len(present), "duplicate ids"
assert not missing, "acknowledged writes lost: %s" % missing[:20]
print("acked=%d present=%d" % (len(acked), len(present)))
