# Every member has the same dbHash of a database, once they have all applied the same writes. Waits up to
# 120 s for the hashes to agree (a secondary may still be applying), then prints them; exits 1 when they differ.
#   python same-dbhash.py HOST[,HOST...] DATABASE
import json
import sys
import time

from pymongo import MongoClient

hosts, database = sys.argv[1].split(","), sys.argv[2]
deadline = time.time() + 120
hashes = {}
while True:
    hashes = {}
    for host in hosts:
        try:
            client = MongoClient(host, directConnection=True, serverSelectionTimeoutMS=5000)
            hashes[host] = client[database].command("dbHash")["md5"]
            client.close()
        except Exception as e:  # noqa: BLE001 - a member not answering yet is retried until the deadline
            hashes[host] = "error: %s" % type(e).__name__
    if len(set(hashes.values())) == 1 and not next(iter(hashes.values())).startswith("error"):
        print(json.dumps(hashes))
        sys.exit(0)
    if time.time() > deadline:
        print(json.dumps(hashes))
        sys.exit(1)
    time.sleep(1)
