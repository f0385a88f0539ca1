"""PyMongo 3.11 against a single-member replica set: discover the set by name, write, read."""
import json
import sys

import pymongo


def main():
    port = int(sys.argv[1])
    client = pymongo.MongoClient(
        "127.0.0.1", port, replicaset="rs0", serverSelectionTimeoutMS=10000
    )
    coll = client.test.pyrs
    coll.insert_one({"_id": 1, "x": "a"})
    coll.update_one({"_id": 1}, {"$set": {"x": "b"}})
    doc = coll.find_one({"_id": 1})
    primary = client.primary
    results = {
        "pymongo": pymongo.version,
        "primary": "%s:%d" % primary if primary else None,
        "doc": doc,
        "isPrimary": client.is_primary,
        "oplogOps": [
            e["op"]
            for e in client.local["oplog.rs"].find({"ns": "test.pyrs"}).sort("$natural", 1)
        ],
    }
    client.close()
    print("RESULT " + json.dumps(results, sort_keys=True))


if __name__ == "__main__":
    main()
