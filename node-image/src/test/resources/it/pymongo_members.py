"""Member semantics as PyMongo 3.11 (Debian's python3-pymongo) sees them.

Usage:
  pymongo_members.py reads HOSTS SECONDARIES MODE COUNT [TAG_SETS_JSON]
      Discovers the set (waits for a primary and SECONDARIES secondaries), then runs COUNT finds
      with read preference MODE (secondary, nearest) and optional tag sets, and reports the server
      address of each read.
  pymongo_members.py write HOSTS W
      Inserts one document with write concern {w: W, wtimeout: 5000} and reports the
      writeConcernError code, or null.
Prints one RESULT line of JSON.
"""

import json
import sys
import time

import pymongo
from pymongo import MongoClient
from pymongo.errors import WriteConcernError
from pymongo.read_preferences import Nearest, Secondary
from pymongo.write_concern import WriteConcern


def address(pair):
    return "%s:%d" % pair


def client_for(hosts):
    return MongoClient(
        hosts,
        replicaset="rs0",
        retryWrites=False,
        serverSelectionTimeoutMS=30000,
        localThresholdMS=10000,
    )


def reads(hosts, secondaries, mode, count, tag_sets):
    client = client_for(hosts)
    deadline = time.time() + 60
    while time.time() < deadline:
        if client.primary is not None and len(client.secondaries) >= secondaries:
            break
        time.sleep(0.1)
    pref_class = {"secondary": Secondary, "nearest": Nearest}[mode]
    pref = pref_class(tag_sets=tag_sets) if tag_sets else pref_class()
    coll = client.test.get_collection("members", read_preference=pref)
    seen = []
    for _ in range(count):
        cursor = coll.find({}).limit(1)
        list(cursor)
        seen.append(address(cursor.address))
    result = {
        "pymongo": pymongo.version,
        "primary": address(client.primary) if client.primary else None,
        "secondaries": sorted(address(s) for s in client.secondaries),
        "reads": seen,
    }
    client.close()
    return result


def write(hosts, w):
    client = client_for(hosts)
    coll = client.test.get_collection(
        "members", write_concern=WriteConcern(w=w, wtimeout=5000)
    )
    code = None
    try:
        coll.insert_one({"w": w})
    except WriteConcernError as e:
        code = e.code
    client.close()
    return {"pymongo": pymongo.version, "code": code}


def main():
    verb, hosts = sys.argv[1], sys.argv[2]
    if verb == "reads":
        tag_sets = json.loads(sys.argv[6]) if len(sys.argv) > 6 else None
        result = reads(hosts, int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), tag_sets)
    else:
        result = write(hosts, sys.argv[3])
    print("RESULT " + json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
