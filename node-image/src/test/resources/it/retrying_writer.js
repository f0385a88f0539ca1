// mongosh with its default settings (retryable writes on): inserts {_id: PREFIX-n} into retry.PREFIX,
// n = 0, 1, 2 ..., until STOPFILE exists; an insert that fails is recorded and the next one takes the next n.
// Prints RESULT {"attempted": n, "failed": [n ...], "errors": ["PREFIX-n@epochms: ..."], "stallMs": the longest time
// between two acknowledged inserts}. PREFIX and STOPFILE come from the environment.
const fs = require('fs');
const prefix = process.env.WRITER_PREFIX;
const stopfile = process.env.WRITER_STOPFILE;
const coll = db.getSiblingDB('retry').getCollection(prefix);
let n = 0;
const failed = [];
const errors = [];
let lastAck = Date.now();
let stall = 0;
print('writing');
while (!fs.existsSync(stopfile) && errors.length <= 50) {
  try {
    coll.insertOne({ _id: prefix + '-' + n, n: n });
    const now = Date.now();
    stall = Math.max(stall, now - lastAck);
    lastAck = now;
  } catch (e) {
    failed.push(n);
    errors.push(prefix + '-' + n + '@' + Date.now() + ': ' + String(e));
  }
  n++;
}
print('RESULT ' + JSON.stringify({ attempted: n, failed: failed, errors: errors, stallMs: stall }));
