"""The replica-set flow of MongoDB's documents, with PyMongo 3.11 (Debian's python3-pymongo).

Usage: pymongo_failover.py host:port=pid,host:port=pid,host:port=pid

Initiates the set through a direct connection to the first member, discovers all three with
replicaset=, checks where SECONDARY, SECONDARY_PREFERRED and NEAREST reads land, kills the primary
with SIGKILL, expects the next write to raise AutoReconnect (retryWrites=False, as drivers of that
era behaved) and a retry to succeed on a new primary. Prints one RESULT line of JSON.
"""

import json
import os
import signal
import sys
import time

import pymongo
from pymongo import MongoClient, ReadPreference
from pymongo.errors import AutoReconnect, ConnectionFailure, NotMasterError
from pymongo.write_concern import WriteConcern


def address(pair):
    return "%s:%d" % pair


def main():
    members = [m.split("=") for m in sys.argv[1].split(",")]
    hosts = [h for h, _ in members]
    pids = {h: int(p) for h, p in members}

    direct = MongoClient(hosts[0], serverSelectionTimeoutMS=10000)
    direct.admin.command(
        "replSetInitiate",
        {
            "_id": "rs0",
            "members": [{"_id": i, "host": h} for i, h in enumerate(hosts)],
            "settings": {"electionTimeoutMillis": 2000},
        },
    )
    direct.close()

    client = MongoClient(
        ",".join(hosts),
        replicaset="rs0",
        retryWrites=False,
        serverSelectionTimeoutMS=30000,
        localThresholdMS=10000,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if client.primary is not None and len(client.secondaries) == 2:
            break
        time.sleep(0.1)
    discovered = {
        "primary": address(client.primary) if client.primary else None,
        "secondaries": sorted(address(s) for s in client.secondaries),
    }

    coll = client.test.get_collection("failover", write_concern=WriteConcern(w="majority"))
    coll.insert_many([{"_id": i, "v": i} for i in range(20)])

    def read_addresses(pref, n):
        seen = []
        c = coll.with_options(read_preference=pref)
        for _ in range(n):
            cursor = c.find({"_id": {"$lt": 20}}).limit(5)
            list(cursor)
            seen.append(address(cursor.address))
        return seen

    secondary_reads = read_addresses(ReadPreference.SECONDARY, 20)
    secondary_preferred_reads = read_addresses(ReadPreference.SECONDARY_PREFERRED, 20)
    nearest_reads = read_addresses(ReadPreference.NEAREST, 60)

    old_primary = address(client.primary)
    os.kill(pids[old_primary], signal.SIGKILL)
    killed_at = time.time()

    first_error = None
    first_error_is_auto_reconnect = False
    try:
        coll.insert_one({"_id": "first-after-kill"})
    except (AutoReconnect, NotMasterError, ConnectionFailure) as e:
        first_error = type(e).__name__
        first_error_is_auto_reconnect = isinstance(e, AutoReconnect)

    succeeded = False
    retries = 0
    while time.time() < killed_at + 60:
        try:
            coll.insert_one({"_id": "retried"})
            succeeded = True
            break
        except (AutoReconnect, NotMasterError, ConnectionFailure):
            retries += 1
            time.sleep(0.1)
    recovered_seconds = time.time() - killed_at
    new_primary = address(client.primary) if client.primary else None
    count = coll.count_documents({"_id": {"$lt": 20}})

    print(
        "RESULT "
        + json.dumps(
            {
                "pymongo": pymongo.version,
                "discovered": discovered,
                "secondaryReads": secondary_reads,
                "secondaryPreferredReads": secondary_preferred_reads,
                "nearestReads": nearest_reads,
                "oldPrimary": old_primary,
                "firstError": first_error,
                "firstErrorIsAutoReconnect": first_error_is_auto_reconnect,
                "retrySucceeded": succeeded,
                "retries": retries,
                "recoveredSeconds": recovered_seconds,
                "newPrimary": new_primary,
                "countBefore": count,
            },
            sort_keys=True,
        )
    )
    client.close()


if __name__ == "__main__":
    main()
