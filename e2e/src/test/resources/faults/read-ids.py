# Every _id of the named collections, read from the primary with read concern "majority". Prints one JSON object:
# {"COLLECTION": [ids in the order the primary returned them], ...}; an _id present twice appears twice.
#   python read-ids.py URI DB COLLECTION[,COLLECTION...]
import json
import sys

from pymongo import MongoClient, ReadPreference
from pymongo.read_concern import ReadConcern

uri, db, names = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
client = MongoClient(uri, serverSelectionTimeoutMS=30000, socketTimeoutMS=60000)
database = client.get_database(db, read_concern=ReadConcern("majority"), read_preference=ReadPreference.PRIMARY)
print(json.dumps({name: [d["_id"] for d in database[name].find({}, {"_id": 1}, batch_size=10000)]
                  for name in names}))
client.close()
