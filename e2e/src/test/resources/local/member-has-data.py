# Helpers the end-to-end test calls inside the cluster namespace with PyMongo 3.11.
import time
from pymongo import MongoClient

def host(name):
    return "%s.db-hs.rs-e2e.svc.cluster.local:27017" % name

def direct(name):
    return MongoClient(host(name), directConnection=True, serverSelectionTimeoutMS=5000,
                       connectTimeoutMS=3000, socketTimeoutMS=5000)

def check(name):
    # The member holds the first write (its volume survived) and is a healthy SECONDARY or PRIMARY.
    deadline = time.time() + 120
    while True:
        try:
            c = direct(name)
            state = c.admin.command("replSetGetStatus")["myState"]
            doc = c.e2e.get_collection("docs").with_options(
                read_preference=__import__("pymongo").ReadPreference.SECONDARY_PREFERRED).find_one({"_id": "first"})
            if state in (1, 2) and doc is not None:
                return
        except Exception:  # noqa: BLE001 - retried until the deadline
            pass
        assert time.time() < deadline, "member %s did not come back with its data" % name
        time.sleep(0.5)

def state(name):
    try:
        status = direct(name).admin.command("replSetGetStatus")
        return [m for m in status["members"] if m.get("self")][0]["stateStr"]
    except Exception as e:  # noqa: BLE001
        return "unreachable: %s" % e

def primary_among(names):
    for n in names:
        try:
            if direct(n).admin.command("hello").get("isWritablePrimary"):
                return n
        except Exception:  # noqa: BLE001
            pass
    return "none"

def primary():
    return primary_among(["db-0", "db-1", "db-2"])
