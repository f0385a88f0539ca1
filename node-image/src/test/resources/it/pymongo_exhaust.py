"""PyMongo against a starling-node: an exhaust cursor either streams every document or fails.

Usage: python3 pymongo_exhaust.py <port>
Prints one line "RESULT <json>" and exits 0. PyMongo 3.11 sends an exhaust find as a legacy
OP_QUERY, which mongod 6.0 refuses (5739101); PyMongo 4 uses getMore with exhaustAllowed.
"""
import json
import sys

import pymongo
from pymongo.cursor import CursorType
from pymongo.errors import OperationFailure


def main():
    port = int(sys.argv[1])
    client = pymongo.MongoClient(
        "127.0.0.1", port, serverSelectionTimeoutMS=10000, directConnection=True
    )
    coll = client.pyexhaust.docs
    coll.drop()
    coll.insert_many([{"_id": i} for i in range(100)])
    results = {"pymongo": pymongo.version}
    try:
        cursor = coll.find({}, cursor_type=CursorType.EXHAUST, batch_size=7).sort("_id", 1)
        results["ids"] = [doc["_id"] for doc in cursor]
    except OperationFailure as e:
        results["errorCode"] = e.code
    print("RESULT " + json.dumps(results))


main()
