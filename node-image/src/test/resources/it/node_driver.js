// The Node.js driver against a starling-node.
// Usage: node node_driver.js <port> <absolute path of the mongodb package>
// Prints one line "RESULT <json>"; exits 1 with the reason on stderr when something fails.
'use strict';

const { MongoClient } = require(process.argv[3]);

function check(condition, message) {
  if (!condition) {
    throw new Error('check failed: ' + message);
  }
}

async function main() {
  const uri = `mongodb://127.0.0.1:${process.argv[2]}/?directConnection=true`;
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10000 });
  await client.connect();
  const results = {};
  try {
    const db = client.db('nodeit');
    const docs = db.collection('docs');
    await docs.drop().catch(() => {});

    const many = await docs.insertMany(
      Array.from({ length: 300 }, (_, i) => ({ _id: i, group: i % 3, label: `doc-${i}` })),
    );
    results.insertedCount = many.insertedCount;

    results.page = await docs
      .find({ group: 1 }, { projection: { _id: 1, label: 1 } })
      .sort({ _id: -1 })
      .skip(2)
      .limit(3)
      .toArray();

    // A cursor across batches: every document exactly once.
    const seen = new Set();
    let total = 0;
    for await (const doc of docs.find({}).batchSize(40)) {
      check(doc.label === `doc-${doc._id}`, `wrong document ${JSON.stringify(doc)}`);
      seen.add(doc._id);
      total++;
    }
    results.cursorTotal = total;
    results.cursorDistinct = seen.size;

    const updated = await docs.updateMany({ group: 2 }, { $inc: { hits: 5 }, $set: { flag: true } });
    results.updateMany = [updated.matchedCount, updated.modifiedCount];
    const after = await docs.findOneAndUpdate(
      { _id: 5 },
      { $inc: { hits: 1 } },
      { returnDocument: 'after' },
    );
    results.afterUpdate = after;
    const upsert = await docs.updateOne({ _id: 1000 }, { $set: { group: 9 } }, { upsert: true });
    results.upsertedId = upsert.upsertedId;
    const deleted = await docs.deleteMany({ group: 0 });
    results.deleted = deleted.deletedCount;
    results.count = await docs.countDocuments({});
    results.countGroup2 = await docs.countDocuments({ group: 2, flag: true });

    results.aggregate = await docs
      .aggregate([
        { $match: { group: { $in: [1, 2] } } },
        { $group: { _id: '$group', n: { $sum: 1 }, maxId: { $max: '$_id' } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();

    results.indexName = await docs.createIndex({ label: 1 }, { unique: true });
    try {
      await docs.insertOne({ _id: 2000, label: 'doc-1' });
      results.duplicateCode = null;
    } catch (e) {
      results.duplicateCode = e.code;
    }
    results.indexes = (await docs.listIndexes().toArray()).map((ix) => ix.name).sort();
    results.collections = (await db.listCollections().toArray()).map((c) => c.name).sort();
  } finally {
    await client.close();
  }
  console.log('RESULT ' + JSON.stringify(results));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
