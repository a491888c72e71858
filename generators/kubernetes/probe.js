// topogen client probe: what an application of this region feels. Every
// PROBE_INTERVAL_SECS it does one w:"majority" insert (acknowledged only
// once a majority of voters has it: the write an application relies on)
// and one readPreference "nearest" find (the read the application
// connection string asks for), and serves the counts and latencies on
// :PROBE_PORT/metrics in the Prometheus text format 0.0.4.
//   mongosh --nodb --quiet --file probe.js
// Environment:
//   PROBE_URI              connection string, without credentials
//   PROBE_CREDENTIALS_DIR  "username" and "password" files of the probe
//                          user (read here, never on a command line;
//                          re-read on every reconnect, so a rotated
//                          password is picked up)
//   PROBE_REGION           this region (readPreferenceTags of the read)
//   PROBE_DB               the probe user's database (readWrite only)
//   PROBE_PORT             metrics port (0: any free port)
//   PROBE_INTERVAL_SECS    seconds between rounds
//   PROBE_TIMEOUT_MS       wtimeout of the write, maxTimeMS of the read
//   PROBE_ITERATIONS       run this many rounds, print the metrics, exit
//                          (tests); unset or 0: run forever

const env = process.env;
const fs = require("fs");
const http = require("http");

const URI = env.PROBE_URI;
const CREDS = env.PROBE_CREDENTIALS_DIR || "";
const REGION = env.PROBE_REGION || "";
const DB = env.PROBE_DB || "topogen_probe";
const PORT = Number(env.PROBE_PORT || 9101);
const INTERVAL_MS = Number(env.PROBE_INTERVAL_SECS || 10) * 1000;
const TIMEOUT_MS = Number(env.PROBE_TIMEOUT_MS || 5000);
const ITERATIONS = Number(env.PROBE_ITERATIONS || 0);
// The probe documents expire after an hour (a TTL index on "at"), so the
// collection stays a few hundred documents per region.
const TTL_SECS = 3600;
// client_golang's DefBuckets (prometheus/client_golang histogram.go):
// they include 0.05 s, the default primaryWrite latency target.
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const OPS = ["write", "read"];

function log(msg) {
  print(new Date().toISOString() + " probe: " + msg);
}
if (!URI) {
  log("PROBE_URI is not set");
  quit(2);
}

const m = {};
for (const op of OPS) {
  m[op] = { total: 0, succeeded: 0, buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
}

function observe(op, ok, secs) {
  const s = m[op];
  s.total++;
  if (!ok) return;
  // Latency of the successful operations only: a failed one lasts as long
  // as its timeout, which says nothing about what users wait for.
  s.succeeded++;
  s.sum += secs;
  s.count++;
  BUCKETS.forEach((b, i) => { if (secs <= b) s.buckets[i]++; });
}

function metrics() {
  const out = [];
  const series = (name, help, type, lines) => {
    out.push("# HELP " + name + " " + help, "# TYPE " + name + " " + type, ...lines);
  };
  const lbl = (op) => 'operation="' + op + '"';
  series("topogen_probe_operations_total", "Probe operations attempted.", "counter",
    OPS.map((op) => "topogen_probe_operations_total{" + lbl(op) + "} " + m[op].total));
  series("topogen_probe_operations_succeeded_total", "Probe operations that succeeded.", "counter",
    OPS.map((op) => "topogen_probe_operations_succeeded_total{" + lbl(op) + "} " + m[op].succeeded));
  const h = "topogen_probe_operation_duration_seconds";
  const lines = [];
  for (const op of OPS) {
    BUCKETS.forEach((b, i) => lines.push(h + "_bucket{" + lbl(op) + ',le="' + b + '"} ' + m[op].buckets[i]));
    lines.push(h + "_bucket{" + lbl(op) + ',le="+Inf"} ' + m[op].count);
    lines.push(h + "_sum{" + lbl(op) + "} " + m[op].sum);
    lines.push(h + "_count{" + lbl(op) + "} " + m[op].count);
  }
  series(h, "Latency of the successful probe operations.", "histogram", lines);
  return out.join("\n") + "\n";
}

const server = http.createServer((req, res) => {
  if (req.url !== "/metrics") {
    res.writeHead(404);
    res.end();
    return;
  }
  res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4" });
  res.end(metrics());
});
server.listen(PORT);

function cred(f) {
  return encodeURIComponent(fs.readFileSync(CREDS + "/" + f, "utf8").trim());
}

let coll = null;
function connect() {
  let uri = URI;
  if (CREDS) {
    uri = uri.replace("mongodb://", "mongodb://" + cred("username") + ":" + cred("password") + "@");
  }
  const c = new Mongo(uri).getDB(DB).getCollection("probe");
  try {
    c.createIndex({ at: 1 }, { expireAfterSeconds: TTL_SECS });
  } catch (e) {
    log("createIndex: " + e.message + " (retried at the next connect)");
  }
  return c;
}

function timed(op, f) {
  const start = Date.now();
  try {
    f();
    observe(op, true, (Date.now() - start) / 1000);
    return true;
  } catch (e) {
    observe(op, false, 0);
    log(op + " failed: " + e.message);
    return false;
  }
}

function round() {
  if (coll === null) {
    try {
      coll = connect();
    } catch (e) {
      // Nothing reachable is a failure of both operations, not a gap.
      log("cannot connect: " + e.message);
      for (const op of OPS) observe(op, false, 0);
      return;
    }
  }
  const id = new ObjectId();
  timed("write", () => coll.insertOne({ _id: id, region: REGION, at: new Date() },
    { writeConcern: { w: "majority", wtimeout: TIMEOUT_MS } }));
  // A nearest member may not have the write yet: the read succeeds when
  // the find does, found or not.
  const tags = REGION ? [{ region: REGION }, {}] : undefined;
  timed("read", () => coll.find({ _id: id }).readPref("nearest", tags).maxTimeMS(TIMEOUT_MS).limit(1).toArray());
}

for (let i = 0; ITERATIONS === 0 || i < ITERATIONS; i++) {
  const start = Date.now();
  round();
  if (ITERATIONS !== 0 && i === ITERATIONS - 1) break;
  sleep(Math.max(0, INTERVAL_MS - (Date.now() - start)));
}
print(metrics());
server.close();
quit(0);
