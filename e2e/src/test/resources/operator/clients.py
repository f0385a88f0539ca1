# A driver connects to the set by the members' DNS names and by mongodb+srv, writes with w:"majority" and reads the
# write back from a secondary. Run with Debian's PyMongo 3.11 and with the current PyMongo from PyPI.
#   python clients.py SEEDLIST_URI SRV_URI
import sys
import time

import pymongo
from pymongo import MongoClient, ReadPreference
from pymongo.write_concern import WriteConcern

for uri in sys.argv[1:3]:
    if pymongo.version_tuple < (4,) and uri.startswith("mongodb+srv://"):
        # PyMongo 3.x turns TLS on for mongodb+srv and then refuses tls=false as conflicting with its
        # own implicit ssl=true; its legacy spelling of the same option is accepted.
        uri = uri.replace("tls=false", "ssl=false")
    client = MongoClient(uri, serverSelectionTimeoutMS=30000)
    coll = client.e2e.get_collection("clients", write_concern=WriteConcern(w="majority", wtimeout=30000))
    doc_id = "%s via %s" % (pymongo.version, uri.split(":")[0])
    coll.replace_one({"_id": doc_id}, {"_id": doc_id}, upsert=True)
    secondary = client.e2e.get_collection("clients", read_preference=ReadPreference.SECONDARY)
    deadline = time.time() + 60
    while secondary.find_one({"_id": doc_id}) is None:
        assert time.time() < deadline, "%s never reached a secondary" % doc_id
        time.sleep(0.2)
    print("ok: %s" % doc_id)
