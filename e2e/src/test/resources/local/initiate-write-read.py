# PyMongo 3.11 (Debian) inside the cluster namespace: initiate by DNS names, write w:majority, read a secondary.
import time
from pymongo import MongoClient, ReadPreference
from pymongo.write_concern import WriteConcern

hosts = ["db-%d.db-hs.rs-e2e.svc.cluster.local:27017" % i for i in range(3)]
seed = MongoClient(hosts[0], directConnection=True, serverSelectionTimeoutMS=30000)
seed.admin.command("replSetInitiate", {
    "_id": "rs0",
    "members": [{"_id": i, "host": h} for i, h in enumerate(hosts)],
    "settings": {"electionTimeoutMillis": 2000, "heartbeatIntervalMillis": 500},
})
client = MongoClient(",".join(hosts), replicaSet="rs0", serverSelectionTimeoutMS=60000)
coll = client.e2e.get_collection("docs", write_concern=WriteConcern(w="majority", wtimeout=30000))
coll.insert_one({"_id": "first", "v": 1})
secondary = client.e2e.get_collection("docs", read_preference=ReadPreference.SECONDARY)
deadline = time.time() + 60
while secondary.find_one({"_id": "first"}) is None:
    assert time.time() < deadline, "the write never reached a secondary"
    time.sleep(0.2)
print("ok")
