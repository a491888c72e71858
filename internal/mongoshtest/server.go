package mongoshtest

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// A mongosh process takes about a second of CPU to start (Node.js loading
// mongosh), far more than most cases take to run. So a test binary starts
// at most Servers mongosh processes, each running driver.js, and every Run
// and every mongosh a RunShell script calls is one case sent to one of
// them (driver.js says how a case is kept apart from the others). With
// MONGOSHTEST_PROCESS=1 every run is its own mongosh process instead, as
// before: the way to tell a harness problem from a script problem.

//go:embed driver.js
var driverJS []byte

//go:embed client.js
var clientJS []byte

// Servers is how many mongosh server processes a test binary runs at
// most, so how many cases run at once (the machine is shared).
const Servers = 2

// caseTimeout bounds one case, as the process timeout did.
const caseTimeout = 2 * time.Minute

type server struct {
	dir, sock, client string
	cmd               *exec.Cmd
	stdin             io.WriteCloser
	stderr            *syncBuffer
	done              chan struct{} // closed when the process has ended
}

var pool struct {
	once  sync.Once
	idle  chan *server
	slots chan struct{}
}

func initPool() {
	pool.once.Do(func() {
		pool.idle = make(chan *server, Servers)
		pool.slots = make(chan struct{}, Servers)
	})
}

// acquire returns a running server for the caller's use alone; release
// gives it back.
func acquire(mongosh string) (*server, error) {
	initPool()
	for {
		select {
		case s := <-pool.idle:
			if s.alive() {
				return s, nil
			}
			<-pool.slots
			continue
		default:
		}
		select {
		case s := <-pool.idle:
			if s.alive() {
				return s, nil
			}
			<-pool.slots
		case pool.slots <- struct{}{}:
			s, err := start(mongosh)
			if err != nil {
				<-pool.slots
				return nil, err
			}
			return s, nil
		}
	}
}

func release(s *server) {
	if !s.alive() {
		<-pool.slots
		return
	}
	pool.idle <- s
}

func (s *server) alive() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

func (s *server) kill() {
	if s.alive() {
		s.cmd.Process.Kill()
		<-s.done
	}
}

// start runs mongosh with driver.js and waits until it listens.
func start(mongosh string) (*server, error) {
	dir, err := os.MkdirTemp("", "mongoshtest-")
	if err != nil {
		return nil, err
	}
	s := &server{dir: dir, sock: filepath.Join(dir, "s"), client: filepath.Join(dir, "client.js"), stderr: &syncBuffer{}, done: make(chan struct{})}
	files := map[string][]byte{"driver.js": driverJS, "client.js": clientJS, "mongostub-preload.js": []byte(preload)}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return nil, err
		}
	}
	s.cmd = exec.Command(mongosh, "--nodb", "--quiet", "--eval",
		"require(process.env.MONGOSHTEST_DRIVER)(globalThis, process.env.MONGOSHTEST_SOCKET)")
	s.cmd.Dir = dir
	s.cmd.Env = append(baseEnv(dir, "{}"),
		"PATH="+os.Getenv("PATH"),
		"MONGOSHTEST_DRIVER="+filepath.Join(dir, "driver.js"),
		"MONGOSHTEST_SOCKET="+s.sock,
	)
	// Its stdin stays open while this binary runs: the server ends when
	// the test binary does, however it ends.
	if s.stdin, err = s.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s.cmd.Stderr = s.stderr
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		s.cmd.Wait()
		os.RemoveAll(dir)
		close(s.done)
	}()
	ready := make(chan error, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, err := r.ReadString('\n')
		if err == nil && line != "mongoshtest: ready\n" {
			err = fmt.Errorf("unexpected first line %q", line)
		}
		ready <- err
		io.Copy(io.Discard, r) // cases' output is captured; nothing else is expected
	}()
	select {
	case err = <-ready:
	case <-time.After(caseTimeout):
		err = errors.New("not ready after " + caseTimeout.String())
	}
	if err != nil {
		s.kill()
		return nil, fmt.Errorf("starting the mongosh server: %v\nstderr:\n%s", err, s.stderr.String())
	}
	return s, nil
}

// request is one case (driver.js).
type request struct {
	Args []string          `json:"args"`
	Env  map[string]string `json:"env"`
	Cwd  string            `json:"cwd"`
}

type reply struct {
	Stdout string `json:"stdout"`
	Stderr string `json:"stderr"`
	Exit   int    `json:"exit"`
	// Restart: the case may still run; the server ends (driver.js).
	Restart bool `json:"restart"`
}

var errNotSent = errors.New("mongosh server gone before the case was sent")

// run sends one case and waits for its result; on a timeout or a broken
// server the server is killed.
func (s *server) run(req request) (Result, error) {
	conn, err := net.Dial("unix", s.sock)
	if err != nil {
		// The server ended (a restart): the case was not sent.
		s.kill()
		return Result{}, errNotSent
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(caseTimeout))
	b, err := json.Marshal(req)
	if err != nil {
		return Result{}, err
	}
	if _, err := conn.Write(append(b, '\n')); err != nil {
		s.kill()
		return Result{}, err
	}
	line, err := bufio.NewReader(conn).ReadBytes('\n')
	if err != nil {
		s.kill()
		return Result{}, fmt.Errorf("mongosh server: no result: %v\nserver stderr:\n%s", err, s.stderr.String())
	}
	var rep reply
	if err := json.Unmarshal(line, &rep); err != nil {
		s.kill()
		return Result{}, err
	}
	if rep.Restart {
		s.kill()
	}
	return Result{Exit: rep.Exit, Stdout: rep.Stdout, Stderr: rep.Stderr}, nil
}

// envMap turns KEY=VALUE pairs into a map, the last pair of a key winning
// (as exec.Cmd does).
func envMap(env []string) map[string]string {
	m := map[string]string{}
	for _, e := range env {
		k, v, _ := strings.Cut(e, "=")
		m[k] = v
	}
	return m
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
