"""PyMongo against a starling-node: CRUD, a cursor across batches, a unique index, an aggregation.

Usage: python3 pymongo_crud.py <port>
Prints one line "RESULT <json>" and exits 0; on a failed check prints the reason on stderr and
exits 1.
"""
import json
import sys

import pymongo
from pymongo.errors import BulkWriteError, DuplicateKeyError


def check(condition, message):
    if not condition:
        print("check failed: " + message, file=sys.stderr)
        sys.exit(1)


def main():
    port = int(sys.argv[1])
    client = pymongo.MongoClient(
        "127.0.0.1", port, serverSelectionTimeoutMS=10000, directConnection=True
    )
    db = client.pyit
    results = {"pymongo": pymongo.version}

    # CRUD
    people = db.people
    people.drop()
    people.insert_one({"_id": 1, "name": "ada", "age": 36, "tags": []})
    inserted = people.insert_many(
        [
            {"_id": 2, "name": "grace", "age": 85, "tags": []},
            {"_id": 3, "name": "alan", "age": 41, "tags": []},
            {"_id": 4, "name": "edsger", "age": 72, "tags": []},
        ]
    )
    results["insertedIds"] = inserted.inserted_ids
    results["namesByAge"] = [
        d["name"]
        for d in people.find({"age": {"$gt": 40}}, {"name": 1, "_id": 0}).sort("age", -1)
    ]
    one = people.update_one({"_id": 1}, {"$set": {"age": 37}, "$push": {"tags": "first"}})
    results["updateOne"] = [one.matched_count, one.modified_count]
    many = people.update_many({"age": {"$gte": 70}}, {"$inc": {"age": 1}})
    results["updateMany"] = [many.matched_count, many.modified_count]
    upsert = people.update_one({"_id": 9}, {"$set": {"name": "linus"}}, upsert=True)
    results["upsertedId"] = upsert.upserted_id
    results["ada"] = people.find_one({"_id": 1})
    results["ages"] = [d["age"] for d in people.find({"_id": {"$in": [2, 4]}}).sort("_id", 1)]
    deleted = people.delete_many({"age": {"$lt": 50}})
    results["deleted"] = deleted.deleted_count
    results["remaining"] = sorted(d["_id"] for d in people.find())
    results["count"] = people.count_documents({})

    # A cursor across many batches
    items = db.items
    items.drop()
    items.insert_many([{"_id": i, "v": i * 2} for i in range(1000)])
    seen = set()
    total = 0
    for doc in items.find().batch_size(100):
        check(doc["v"] == doc["_id"] * 2, "document %r is wrong" % (doc,))
        seen.add(doc["_id"])
        total += 1
    results["cursorTotal"] = total
    results["cursorDistinct"] = len(seen)
    results["skipLimit"] = [d["_id"] for d in items.find().sort("_id", -1).skip(10).limit(3)]

    # A unique index
    users = db.users
    users.drop()
    results["indexName"] = users.create_index("email", unique=True)
    users.insert_one({"_id": 1, "email": "a@example.com"})
    try:
        users.insert_one({"_id": 2, "email": "a@example.com"})
        results["duplicateKeyError"] = None
    except DuplicateKeyError as e:
        results["duplicateKeyError"] = e.code
    try:
        users.insert_many(
            [
                {"_id": 3, "email": "b@example.com"},
                {"_id": 4, "email": "a@example.com"},
                {"_id": 5, "email": "c@example.com"},
            ]
        )
        results["bulkError"] = None
    except BulkWriteError as e:
        results["bulkError"] = {
            "nInserted": e.details["nInserted"],
            "errors": [[w["index"], w["code"]] for w in e.details["writeErrors"]],
        }
    results["users"] = sorted(d["_id"] for d in users.find())
    results["indexes"] = sorted(ix["name"] for ix in users.list_indexes())

    # An aggregation
    sales = db.sales
    sales.drop()
    sales.insert_many(
        [
            {"item": "pen", "qty": 2, "price": 1.5, "region": "north"},
            {"item": "pen", "qty": 3, "price": 1.5, "region": "south"},
            {"item": "ink", "qty": 1, "price": 7.0, "region": "north"},
            {"item": "pad", "qty": 4, "price": 2.0, "region": "north"},
        ]
    )
    results["aggregate"] = list(
        sales.aggregate(
            [
                {"$match": {"region": "north"}},
                {
                    "$group": {
                        "_id": "$item",
                        "qty": {"$sum": "$qty"},
                        "revenue": {"$sum": {"$multiply": ["$qty", "$price"]}},
                    }
                },
                {"$sort": {"revenue": -1}},
            ]
        )
    )

    client.close()
    print("RESULT " + json.dumps(results, sort_keys=True))


if __name__ == "__main__":
    main()
