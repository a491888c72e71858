package mongostub

import (
	"bufio"
	"net"
	"sort"
	"sync"
	"sync/atomic"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Set is a scripted replica set: one listener per member host, all on
// 127.0.0.1, sharing one state (a real set replicates its config and
// users) and one command log.
type Set struct {
	mu      sync.Mutex
	members []*Member
	byHost  map[string]*Member
	cfg     *config // nil until initiated
	primary string  // host of the primary once elected
	// electionHellos: hello replies without a primary after an initiate,
	// to exercise the scripts' bounded wait for the election.
	electionHellos int
	users          map[string]bson.D
	roles          map[string]bson.D // user-defined roles of admin: privileges, roles
	passwords      map[string]string
	requireAuth    bool
	aliases        map[string]string
	log            []Command
	reqID          int32
	// role is how the members were started (--configsvr, --shardsvr, or
	// a mongos); cluster is the sharded cluster they belong to (nil for a
	// plain replica set). cluster.go.
	role    role
	cluster *Cluster
}

// Member is one scripted mongod.
type Member struct {
	Host string // host:port as the replica-set config names it
	set  *Set
	ln   net.Listener
	hang bool // accepts connections, never answers
	conn sync.WaitGroup
}

// Command is one command a member received. Doc omits the driver's
// envelope ($db, lsid, $clusterTime, $readPreference, apiVersion).
type Command struct {
	Member string
	DB     string
	Name   string
	Doc    bson.D
	// User is who the connection had authenticated as ("" for none).
	User string
	// ReadPreference is the envelope's $readPreference (nil if none).
	ReadPreference any
	// Seq orders commands across the sets of a Cluster.
	Seq uint64
}

// connState is one client connection's authentication.
type connState struct {
	user string
	db   string // of the command being answered
	conv *scramConv
}

// New starts an uninitiated member (`mongod --replSet`, no config yet)
// for every host; they stop when the test ends.
func New(t testing.TB, hosts []string) *Set {
	t.Helper()
	return newSet(t, hosts, roleReplSet, nil)
}

func newSet(t testing.TB, hosts []string, r role, c *Cluster) *Set {
	t.Helper()
	s := &Set{byHost: map[string]*Member{}, users: map[string]bson.D{}, roles: map[string]bson.D{}, passwords: map[string]string{},
		role: r, cluster: c}
	for _, h := range hosts {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		m := &Member{Host: h, set: s, ln: ln}
		s.members = append(s.members, m)
		s.byHost[h] = m
		go m.serve()
	}
	t.Cleanup(s.Close)
	return s
}

// Close stops every listener.
func (s *Set) Close() {
	for _, m := range s.members {
		_ = m.ln.Close()
	}
}

// Addrs maps each member host (and alias) to the address it listens on.
func (s *Set) Addrs() map[string]string {
	out := map[string]string{}
	for _, m := range s.members {
		out[m.Host] = m.ln.Addr().String()
	}
	for alias, host := range s.aliases {
		out[alias] = s.byHost[host].ln.Addr().String()
	}
	return out
}

// Alias makes alias (host:port, e.g. "localhost:27017" inside a pod) reach
// member host.
func (s *Set) Alias(alias, host string) {
	if s.aliases == nil {
		s.aliases = map[string]string{}
	}
	s.aliases[alias] = host
}

// Hang makes host accept connections and never answer: a member whose
// network or process stalls (every client call times out).
func (s *Set) Hang(host string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byHost[host].hang = true
}

// Down closes host's listener: connections are refused.
func (s *Set) Down(host string) { _ = s.byHost[host].ln.Close() }

// ElectionHellos delays the election: the first n hello replies after
// replSetInitiate name no primary.
func (s *Set) ElectionHellos(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.electionHellos = n
}

// Run puts every member in a running set with config doc (the document
// rs.initiate() would receive) and its highest-priority member primary.
func (s *Set) Run(doc bson.D) error {
	c, err := parseConfig(doc)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg = c
	s.primary = c.electedPrimary()
	return nil
}

// AddUser stores a user as if created earlier; it can log in with
// SCRAM-SHA-256.
func (s *Set) AddUser(name, pwd string, roles bson.A) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[name] = bson.D{{Key: "roles", Value: roles}}
	s.passwords[name] = pwd
}

// Passwords returns each user's current password.
func (s *Set) Passwords() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for k, v := range s.passwords {
		out[k] = v
	}
	return out
}

// RequireAuth makes every command but the handshake and SASL need an
// authenticated connection (mongod with security.authorization, outside
// the localhost exception): Unauthorized (13) otherwise.
func (s *Set) RequireAuth() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requireAuth = true
}

// Users lists the stored users with their roles, by name.
func (s *Set) Users() map[string]bson.A {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]bson.A{}
	for n, u := range s.users {
		out[n], _ = lookup(u, "roles").(bson.A)
	}
	return out
}

// Roles lists the stored user-defined roles (privileges, roles), by name.
func (s *Set) Roles() map[string]bson.D {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]bson.D{}
	for n, r := range s.roles {
		out[n] = r
	}
	return out
}

// Commands returns the commands received so far, in arrival order.
func (s *Set) Commands() []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Command(nil), s.log...)
}

// Hosts lists the member hosts, sorted.
func (s *Set) Hosts() []string {
	var out []string
	for _, m := range s.members {
		out = append(out, m.Host)
	}
	sort.Strings(out)
	return out
}

func (m *Member) serve() {
	for {
		c, err := m.ln.Accept()
		if err != nil {
			return
		}
		go m.handle(c)
	}
}

// envelope holds the fields a driver adds to every command; they are not
// part of what a script asked for.
var envelope = map[string]bool{
	"$db": true, "lsid": true, "$clusterTime": true, "$readPreference": true,
	"apiVersion": true, "apiStrict": true, "apiDeprecationErrors": true, "txnNumber": true,
}

func (m *Member) handle(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	conn := &connState{}
	for {
		req, err := readRequest(r)
		if err != nil {
			return
		}
		s := m.set
		s.mu.Lock()
		hang := m.hang
		var doc bson.D
		for _, e := range req.body {
			if !envelope[e.Key] {
				doc = append(doc, e)
			}
		}
		name := ""
		if len(doc) > 0 {
			name = doc[0].Key
		}
		s.log = append(s.log, Command{Member: m.Host, DB: req.db, Name: name, Doc: doc, User: conn.user,
			ReadPreference: lookup(req.body, "$readPreference"), Seq: seq.Add(1)})
		var reply bson.D
		if !hang {
			conn.db = req.db
			reply = m.command(conn, name, doc)
		}
		s.reqID++
		id := s.reqID
		s.mu.Unlock()
		if hang {
			// Hold the connection open, unanswered, until the client
			// gives up and closes it.
			_, _ = r.ReadByte()
			return
		}
		if req.noResp {
			continue
		}
		if err := writeReply(c, id, req, reply); err != nil {
			return
		}
	}
}

// seq numbers every command any stub receives.
var seq atomic.Uint64

func lookup(d bson.D, key string) any {
	for _, e := range d {
		if e.Key == key {
			return e.Value
		}
	}
	return nil
}

func netDial(addr string) (net.Conn, error) { return net.Dial("tcp", addr) }
