package replset

import (
	"sort"
	"strings"
	"text/template"

	"github.com/topogen/topogen/model"
)

// initScript initiates the set when it is uninitiated and otherwise prints
// how the running configuration differs from the generated one, changing
// nothing: a running set is changed by reviewed reconfigs, never by a Job.
//
// It runs as `mongosh --nodb --file init-replset.js` and opens its own
// direct connection to each member, because it must talk to all of them:
//   - mongosh throws on a reply with ok: 0 (mongosh 2.x
//     service-provider-node-driver runCommandWithCheck; shell-api
//     database.ts adminCommand), so every command error is caught and told
//     apart by err.code, never by a returned ok field.
//   - replSetInitiate runs on an electable member (priority > 0) it lists,
//     or mongod refuses with NodeNotElectable 104 (validateConfigForInitiate,
//     mongodb-facts.md §1.7), so the initiator is the first electable member,
//     in preference order, that answers.
//   - initiate's quorum check needs a heartbeat answer from every member
//     (NodeNotFound 74 otherwise, §1.7), so the script first waits,
//     bounded, until every member answers hello.
//
// It exits non-zero only when it could not do its job; the Job retries.
var initScript = template.Must(scriptHelpers(template.New("init")).Parse(`{{template "notice"}}
// Idempotent: initiates replica set "{{.Name}}" when it is not initiated yet,
// otherwise prints how the running configuration differs and changes nothing.
//   mongosh --nodb --quiet --file init-replset.js
// Environment:
//   TOPOGEN_URI_OPTIONS      connection-string options for every member (default "tls=true")
//   TOPOGEN_CREDENTIALS_DIR  directory holding "username" and "password" files (a mounted
//                            Secret); unset: no authentication (localhost exception)
//   TOPOGEN_MEMBERS_WAIT_SECS, TOPOGEN_PRIMARY_WAIT_SECS: override the budgets below

const desired = {{.ConfigJSON}};

// Electable members (priority > 0) in preference order: replSetInitiate
// must run on one of them (NodeNotElectable 104 otherwise).
const electable = {{.ElectableJSON}};

const env = process.env;
// Every member answers within this budget on a first boot (pod start plus
// the longest startup-probe window), or the script gives up without
// initiating.
const MEMBERS_WAIT_SECS = Number(env.TOPOGEN_MEMBERS_WAIT_SECS || {{.MembersWait}});
// heartbeatTimeoutSecs + 2 x electionTimeoutMillis + catch-up.
const PRIMARY_WAIT_SECS = Number(env.TOPOGEN_PRIMARY_WAIT_SECS || {{.PrimaryWait}});
// Each member connection's timeouts; an option TOPOGEN_URI_OPTIONS names
// replaces the one here (and authSource).
const TIMEOUTS = "serverSelectionTimeoutMS=5000&connectTimeoutMS=5000&socketTimeoutMS=10000";

// Error codes (mongodb/mongo src/mongo/base/error_codes.yml).
const ALREADY_INITIALIZED = 23;
const NOT_YET_INITIALIZED = 94;

{{template "helpers"}}
{{template "credentials"}}
{{template "connectionString"}}
const connections = {};
// admin returns the admin database of a direct connection to host; it
// throws when the member does not answer.
function admin(host) {
  if (connections[host] === undefined) {
    connections[host] = new Mongo(mongodbURI(host, "directConnection=true&")).getDB("admin");
  }
  return connections[host];
}

function hello(host) {
  try {
    return admin(host).adminCommand({ hello: 1 });
  } catch (e) {
    delete connections[host];
    return { error: e };
  }
}

function canonical(v) {
  if (v === null || typeof v !== "object") {
    return JSON.stringify(v);
  }
  return "{" + Object.keys(v).sort().map((k) => JSON.stringify(k) + ":" + canonical(v[k])).join(",") + "}";
}

// compare prints how the configuration host runs differs from the desired
// one and exits 0: nothing is changed.
function compare(host) {
  let running;
  try {
    running = admin(host).adminCommand({ replSetGetConfig: 1 }).config;
  } catch (e) {
    fail("replSetGetConfig on " + host + " failed: " + describe(e));
  }
  const differences = [];
  if (running._id !== desired._id) {
    differences.push("set name: running " + running._id + ", topology " + desired._id);
  }
  const byHost = {};
  for (const m of running.members) {
    byHost[m.host] = m;
  }
  for (const want of desired.members) {
    const have = byHost[want.host];
    if (have === undefined) {
      differences.push("member " + want.host + ": in the topology, not in the running set");
      continue;
    }
    delete byHost[want.host];
    for (const key of ["_id", "priority", "votes"]) {
      if (Number(have[key]) !== Number(want[key])) {
        differences.push("member " + want.host + ": " + key + " running " + have[key] + ", topology " + want[key]);
      }
    }
    if (canonical(have.tags || {}) !== canonical(want.tags)) {
      differences.push("member " + want.host + ": tags running " + canonical(have.tags || {}) + ", topology " + canonical(want.tags));
    }
  }
  for (const h of Object.keys(byHost).sort()) {
    differences.push("member " + h + ": in the running set, not in the topology");
  }
  const settings = running.settings || {};
  for (const key of Object.keys(desired.settings).sort()) {
    if (canonical(settings[key]) !== canonical(desired.settings[key])) {
      differences.push("settings." + key + ": running " + canonical(settings[key]) + ", topology " + canonical(desired.settings[key]));
    }
  }
  if (differences.length === 0) {
    log("replica set " + desired._id + " matches the topology (config version " + running.version + ", read from " + host + ")");
  } else {
    log("replica set " + desired._id + " is initiated and differs from the topology; nothing was changed:");
    for (const d of differences) {
      print("  - " + d);
    }
    log("apply the change with rs.reconfig() (at most one voter added or removed per reconfig).");
  }
  quit(0);
}

// 1. Wait until every member answers hello. A member that already runs a
// configuration means the set is initiated: compare instead.
const membersDeadline = Date.now() + MEMBERS_WAIT_SECS * 1000;
for (;;) {
  const missing = [];
  for (const m of desired.members) {
    const h = hello(m.host);
    if (h.error !== undefined) {
      missing.push(m.host);
    } else if (h.setName !== undefined) {
      compare(m.host);
    }
  }
  if (missing.length === 0) {
    break;
  }
  if (Date.now() >= membersDeadline) {
    fail(missing.length + " of " + desired.members.length + " members did not answer hello within " + MEMBERS_WAIT_SECS +
      " s; not initiating (the quorum check needs every member): " + missing.join(", "));
  }
  log("waiting for " + missing.length + " of " + desired.members.length + " members to answer: " + missing.join(", "));
  sleep(Math.min(5000, MEMBERS_WAIT_SECS * 100));
}

// 2. Initiate on the first electable member, in preference order, that
// reports it has no configuration yet.
let initiator;
for (const host of electable) {
  let initiated = false;
  try {
    admin(host).adminCommand({ replSetGetStatus: 1 });
    initiated = true; // since step 1
  } catch (e) {
    if (e.code === NOT_YET_INITIALIZED) {
      initiator = host;
      break;
    }
    if (e.code !== undefined) {
      fail("replSetGetStatus on " + host + " failed: " + describe(e));
    }
    log("electable member " + host + " did not answer (" + describe(e) + "); trying the next");
  }
  if (initiated) {
    compare(host);
  }
}
if (initiator === undefined) {
  fail("no electable member answered; not initiating");
}
try {
  admin(initiator).adminCommand({ replSetInitiate: desired });
} catch (e) {
  if (e.code === ALREADY_INITIALIZED) {
    compare(initiator);
  }
  fail("replSetInitiate on " + initiator + " failed: " + describe(e));
}
log("initiated replica set " + desired._id + " with " + desired.members.length + " members on " + initiator);

// 3. Wait, bounded, for the first election.
const primaryDeadline = Date.now() + PRIMARY_WAIT_SECS * 1000;
for (;;) {
  const h = hello(initiator);
  if (h.error === undefined && h.primary !== undefined) {
    log("primary elected: " + h.primary);
    quit(0);
  }
  if (Date.now() >= primaryDeadline) {
    fail("initiated, but no primary was elected within " + PRIMARY_WAIT_SECS + " s; check rs.status() on " + initiator);
  }
  sleep(Math.min(1000, PRIMARY_WAIT_SECS * 100));
}
`))

// InitScript renders out/replset/init-replset.js.
func InitScript(t *model.Topology) []byte {
	return renderInit(t.ReplicaSet, InitiateConfig(t), t.Members)
}

// SetInitScript renders the init script of one set of a sharded cluster:
// the same first-boot logic, initiating the config server replica set
// (configsvr) or a shard's set.
func SetInitScript(s model.MemberSet, configsvr bool) []byte {
	return renderInit(s.ReplicaSet, SetConfig(s, configsvr), s.Members)
}

func renderInit(rs model.ReplicaSet, c Config, members []model.Member) []byte {
	b := SettingsBudgets(rs.Settings)
	return renderScript(initScript, map[string]any{
		"Name":          rs.Name,
		"ConfigJSON":    strings.TrimSuffix(string(MarshalConfig(c)), "\n"),
		"ElectableJSON": scriptJSON(electableHosts(members), false),
		"MembersWait":   b.MembersWaitSecs,
		"PrimaryWait":   b.PrimaryWaitSecs,
	})
}

// ElectableHosts lists the members that may run replSetInitiate (priority
// > 0) in preference order: highest priority first, then the config's
// member order.
func ElectableHosts(t *model.Topology) []string { return electableHosts(t.Members) }

func electableHosts(members []model.Member) []string {
	var ms []model.Member
	for _, m := range members {
		if m.Priority > 0 {
			ms = append(ms, m)
		}
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Priority > ms[j].Priority })
	var out []string
	for _, m := range ms {
		out = append(out, m.HostPort())
	}
	return out
}

// FirstHost is the member the init Job tries first: the first electable
// member in preference order.
func FirstHost(t *model.Topology) string {
	return ElectableHosts(t)[0]
}
