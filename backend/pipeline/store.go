package pipeline

// The run store: every run of a pipeline lives in its own directory,
//
//	<workspace>/.podium/runs/<pipeline>/<run-id>/
//	    run.json        the tree with every node's attempts (rewritten atomically by Save)
//	    definition      the pipeline file's bytes as run (written once by NewRun)
//	    run.lock        flock'd by the process executing the run (OpenRun)
//	    out/<node>.<n>.log  one file per attempt: stdout and stderr interleaved (store_output.go)
//
// so that a run survives a restart of Podium: finished runs stay browsable, and a run whose
// executing process died is reported as interrupted with its in-flight nodes killed, ready to
// be rerun (NewAttempt keeps the history of earlier attempts).

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/podiumdev/podium/backend/atomicfile"
)

// State is a node's execution state (Conducto's states without warning; its worker_error is
// our killed). Skipping is orthogonal and kept in NodeRun.Skipped.
type State string

// The node states.
const (
	StatePending State = "pending" // not scheduled yet
	StateQueued  State = "queued"  // scheduled, waiting for a slot or its image
	StateRunning State = "running" // its container is running
	StateDone    State = "done"    // exited 0
	StateError   State = "error"   // exited non-zero, or could not start
	StateKilled  State = "killed"  // stopped by us: kill, max_time, sleep, or an interrupted run
)

// RunStatus is the state of a whole run.
type RunStatus string

// The run statuses. RunInterrupted is never written by the executing process: Load reports it
// for a run still marked running whose process no longer holds the run lock.
const (
	RunRunning     RunStatus = "running"
	RunDone        RunStatus = "done"
	RunError       RunStatus = "error"
	RunKilled      RunStatus = "killed"
	RunInterrupted RunStatus = "interrupted"
	// RunPending is a run that ended with nodes never run and none failed or killed: a
	// failure was skipped after the run had stopped on it. Rerunning the root runs the rest.
	RunPending RunStatus = "pending"
)

// File names inside a run directory.
const (
	runFile        = "run.json"
	definitionFile = "definition"
	lockFile       = "run.lock"
	outDir         = "out"

	// ReasonInterrupted is the Attempt.Reason of attempts that were in flight when the
	// executing process went away.
	ReasonInterrupted = "interrupted"
)

// Attempt is one execution of a node. Reset (rerun) appends a new attempt and keeps the old.
type Attempt struct {
	N         int       `json:"n"` // 1-based
	State     State     `json:"state"`
	ExitCode  int       `json:"exit_code"`
	Start     time.Time `json:"start,omitzero"`
	End       time.Time `json:"end,omitzero"`
	Container string    `json:"container,omitempty"`
	Output    string    `json:"output,omitempty"` // file name relative to the run directory
	Reason    string    `json:"reason,omitempty"` // why it ended this way or was started: "max_time 90s exceeded", "retry 2 of 3"
	Command   string    `json:"command,omitempty"`
}

// NodeRun is a node of the run's tree. Command and Env are the live instance's: modifying them
// affects this run only, never the pipeline file.
type NodeRun struct {
	Path     string            `json:"path"` // "/", "/build", "/build/test"
	Kind     string            `json:"kind"` // serial, parallel, exec (as the file format names them)
	State    State             `json:"state"`
	Skipped  bool              `json:"skipped,omitempty"`
	Attempts []Attempt         `json:"attempts,omitempty"`
	Command  string            `json:"command,omitempty"`
	Env      map[string]string `json:"env,omitempty"`
	// Image is the image reference the node last ran with, so that debug opens exactly it.
	Image string `json:"image,omitempty"`
	// SuppressErrors is the file's suppress_errors for a group, kept with the run so that
	// every roll-up of it (the executor's, a view's) counts its children's errors alike.
	SuppressErrors bool `json:"suppress_errors,omitempty"`
}

// Run is one run of a pipeline. A Run is not safe for concurrent use: the executing process
// owns it and serializes its changes and Saves.
type Run struct {
	Pipeline string              `json:"pipeline"`
	ID       string              `json:"id"`
	File     string              `json:"file"` // the pipeline file that was run
	Created  time.Time           `json:"created"`
	Ended    time.Time           `json:"ended,omitzero"`
	Status   RunStatus           `json:"status"`
	Order    []string            `json:"order"` // node paths in tree order
	Nodes    map[string]*NodeRun `json:"nodes"`
	// Definition is the pipeline file's bytes as run; it is kept in its own file, written once.
	Definition []byte `json:"-"`
}

// RunSummary is what a listing of runs shows.
type RunSummary struct {
	Pipeline string
	ID       string
	Created  time.Time
	Ended    time.Time
	Status   RunStatus
	Counts   map[State]int // leaf nodes per state, skipped folded into their base state
}

// Store keeps runs under Root, normally <workspace>/.podium/runs.
type Store struct {
	Root string
	// StateDir, when set, is the workspace's .podium/ that holds Root: NewRun creates it
	// first, with a .gitignore, as Podium does wherever it creates that directory.
	StateDir string
	// Notifier tells FollowOutput of new output; only following needs it.
	Notifier DirNotifier
}

// NewRun creates the run directory with a fresh time-sortable id (20261121-151503-ab12), writes
// the definition and the initial run.json, and returns the run with Status running. Nodes must be
// in tree order with unique paths; an empty State becomes pending. Call OpenRun right away: until
// then a concurrent Load reports the run as interrupted (in memory only, nothing is written).
func (s *Store) NewRun(pipeline, file string, def []byte, nodes []NodeRun) (*Run, error) {
	if err := checkPipelineName(pipeline); err != nil {
		return nil, err
	}
	r := &Run{Pipeline: pipeline, File: file, Status: RunRunning, Nodes: make(map[string]*NodeRun, len(nodes)), Definition: def}
	if err := r.addNodes(nodes, len(r.Order)); err != nil {
		return nil, fmt.Errorf("new run of %s: %w", pipeline, err)
	}
	if s.StateDir != "" {
		if err := atomicfile.IgnoredDir(s.StateDir); err != nil {
			return nil, fmt.Errorf("new run of %s: %w", pipeline, err)
		}
	}
	parent := filepath.Join(s.Root, pipeline)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return nil, fmt.Errorf("new run of %s: %w", pipeline, err)
	}
	for try := 0; ; try++ {
		now := time.Now().UTC().Round(0) // as it reads back from run.json
		id, err := newRunID(now)
		if err != nil {
			return nil, fmt.Errorf("new run of %s: %w", pipeline, err)
		}
		err = os.Mkdir(filepath.Join(parent, id), 0o700)
		if errors.Is(err, fs.ErrExist) && try < 10 {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("new run of %s: %w", pipeline, err)
		}
		r.ID, r.Created = id, now
		break
	}
	dir := s.RunDir(r)
	if err := os.Mkdir(filepath.Join(dir, outDir), 0o700); err != nil {
		return nil, fmt.Errorf("new run %s/%s: %w", pipeline, r.ID, err)
	}
	if err := atomicfile.Write(filepath.Join(dir, definitionFile), def, 0o600); err != nil {
		return nil, err
	}
	if err := s.Save(r); err != nil {
		return nil, err
	}
	return r, nil
}

// RunDir is the run's directory.
func (s *Store) RunDir(r *Run) string {
	return filepath.Join(s.Root, r.Pipeline, r.ID)
}

// Save writes the whole run as run.json atomically (temp file, fsync, rename, fsync of the
// directory): a crash leaves either the old or the new file, never a torn one.
func (s *Store) Save(r *Run) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("save run %s/%s: %w", r.Pipeline, r.ID, err)
	}
	return atomicfile.Write(filepath.Join(s.RunDir(r), runFile), append(data, '\n'), 0o600)
}

// Load reads a run. A run marked running whose run lock nobody holds lost its process: it is
// returned as interrupted, and its queued/running nodes and their last attempts as killed with
// Reason "interrupted" (in memory; the caller Saves when it acts on the run).
func (s *Store) Load(pipeline, id string) (*Run, error) {
	if err := checkPipelineName(pipeline); err != nil {
		return nil, err
	}
	if err := checkPipelineName(id); err != nil {
		return nil, fmt.Errorf("run id: %w", err)
	}
	dir := filepath.Join(s.Root, pipeline, id)
	file := filepath.Join(dir, runFile)
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("load run %s/%s: %w", pipeline, id, err)
	}
	var r Run
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("load run %s: %w", file, err)
	}
	if r.Nodes == nil {
		r.Nodes = map[string]*NodeRun{}
	}
	for _, p := range r.Order {
		if r.Nodes[p] == nil {
			return nil, fmt.Errorf("load run %s: node %s is in the order but not in the nodes", file, p)
		}
	}
	def, err := os.ReadFile(filepath.Join(dir, definitionFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("load run %s/%s: %w", pipeline, id, err)
	}
	r.Definition = def
	if r.Status == RunRunning {
		held, err := lockHeld(filepath.Join(dir, lockFile))
		if err != nil {
			return nil, fmt.Errorf("load run %s/%s: %w", pipeline, id, err)
		}
		if !held {
			r.markInterrupted()
			rollupInto(&r, nil)
		}
	}
	return &r, nil
}

// Runs lists a pipeline's runs, newest first. Directories without run.json (a creation cut
// short) are left out.
func (s *Store) Runs(pipeline string) ([]RunSummary, error) {
	if err := checkPipelineName(pipeline); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(filepath.Join(s.Root, pipeline))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("runs of %s: %w", pipeline, err)
	}
	var out []RunSummary
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(s.Root, pipeline, e.Name(), runFile)); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		r, err := s.Load(pipeline, e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, RunSummary{Pipeline: r.Pipeline, ID: r.ID, Created: r.Created, Ended: r.Ended, Status: r.Status, Counts: r.Counts()})
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.After(out[j].Created)
		}
		return out[i].ID > out[j].ID
	})
	return out, nil
}

// Latest loads the pipeline's newest run; the error wraps fs.ErrNotExist when it has none.
func (s *Store) Latest(pipeline string) (*Run, error) {
	runs, err := s.Runs(pipeline)
	if err != nil {
		return nil, err
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("no runs of pipeline %s: %w", pipeline, fs.ErrNotExist)
	}
	return s.Load(pipeline, runs[0].ID)
}

// Pipelines lists the pipelines that have a run directory, sorted by name.
func (s *Store) Pipelines() ([]string, error) {
	entries, err := os.ReadDir(s.Root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pipelines in %s: %w", s.Root, err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// OpenRun takes the run's lock for the process that executes it; while held, Load reports the
// run as it is saved, and when the process dies (even kill -9) the kernel drops the lock and
// the run reads as interrupted. It fails, naming the holder's pid, when another process has it.
func (s *Store) OpenRun(r *Run) (unlock func(), err error) {
	path := filepath.Join(s.RunDir(r), lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open run %s/%s: %w", r.Pipeline, r.ID, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("run %s/%s is already open by pid %s", r.Pipeline, r.ID, strings.TrimSpace(string(holder)))
		}
		return nil, fmt.Errorf("open run %s/%s: lock %s: %w", r.Pipeline, r.ID, path, err)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// Owner is the pid of the process that runs the run (OpenRun's), or 0 when no process does.
func (s *Store) Owner(r *Run) (int, error) {
	path := filepath.Join(s.RunDir(r), lockFile)
	held, err := lockHeld(path)
	if err != nil || !held {
		return 0, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("owner of run %s/%s: %w", r.Pipeline, r.ID, err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("owner of run %s/%s: lock file: %w", r.Pipeline, r.ID, err)
	}
	return pid, nil
}

// Node returns the node at path.
func (r *Run) Node(path string) (*NodeRun, error) {
	n := r.Nodes[path]
	if n == nil {
		return nil, fmt.Errorf("run %s/%s: no node %s", r.Pipeline, r.ID, path)
	}
	return n, nil
}

// NewAttempt appends attempt N+1 to the node (reset/rerun keeps the earlier attempts), with
// command cmd (the node's live Command when empty), State pending and its output file name,
// and sets the node pending again. The pointer is valid until the node's next NewAttempt.
func (r *Run) NewAttempt(path string, cmd string) (*Attempt, error) {
	n, err := r.Node(path)
	if err != nil {
		return nil, err
	}
	if cmd == "" {
		cmd = n.Command
	}
	num := len(n.Attempts) + 1
	n.Attempts = append(n.Attempts, Attempt{N: num, State: StatePending, Command: cmd, Output: OutputName(path, num)})
	n.State = StatePending
	return &n.Attempts[len(n.Attempts)-1], nil
}

// LastAttempt is the node's latest attempt, or nil before its first.
func (n *NodeRun) LastAttempt() *Attempt {
	if len(n.Attempts) == 0 {
		return nil
	}
	return &n.Attempts[len(n.Attempts)-1]
}

// SetSkipped (un)skips the node and its whole subtree: skipping an errored parent lets a serial
// parent continue, and a skipped node is never run until unskipped.
func (r *Run) SetSkipped(path string, skipped bool) error {
	if _, err := r.Node(path); err != nil {
		return err
	}
	for _, p := range r.Order {
		if p == path || isDescendant(p, path) {
			r.Nodes[p].Skipped = skipped
		}
	}
	return nil
}

// Graft records nodes generated while running (a lazy node's subtree) under parent: they are
// placed after parent's current subtree in Order. Their paths must lie under parent.
func (r *Run) Graft(parent string, nodes []NodeRun) error {
	if _, err := r.Node(parent); err != nil {
		return err
	}
	for _, n := range nodes {
		if !isDescendant(n.Path, parent) {
			return fmt.Errorf("run %s/%s: grafted node %s is not under %s", r.Pipeline, r.ID, n.Path, parent)
		}
	}
	at := len(r.Order)
	for i, p := range r.Order {
		if p == parent {
			at = i + 1
			continue
		}
		if at == i && isDescendant(p, parent) {
			at = i + 1
		}
	}
	if err := r.addNodes(nodes, at); err != nil {
		return fmt.Errorf("run %s/%s: %w", r.Pipeline, r.ID, err)
	}
	return nil
}

// Counts is the number of leaf nodes per state, skipped ones folded into their base state (as
// Conducto's status line does).
func (r *Run) Counts() map[State]int {
	c := map[State]int{}
	kids := r.children()
	for _, p := range r.Order {
		if len(kids[p]) == 0 {
			c[r.Nodes[p].State]++
		}
	}
	return c
}

// addNodes inserts nodes into Order at index at, checking their paths.
func (r *Run) addNodes(nodes []NodeRun, at int) error {
	paths := make([]string, 0, len(nodes))
	for i := range nodes {
		n := nodes[i]
		if n.Path == "" || !strings.HasPrefix(n.Path, "/") || (n.Path != "/" && strings.HasSuffix(n.Path, "/")) {
			return fmt.Errorf("node path %q must start with / and not end with one", n.Path)
		}
		if r.Nodes[n.Path] != nil {
			return fmt.Errorf("duplicate node %s", n.Path)
		}
		if n.State == "" {
			n.State = StatePending
		}
		r.Nodes[n.Path] = &n
		paths = append(paths, n.Path)
	}
	r.Order = append(r.Order[:at:at], append(paths, r.Order[at:]...)...)
	return nil
}

// markInterrupted is Load's view of a run whose process died.
func (r *Run) markInterrupted() {
	r.Status = RunInterrupted
	for _, p := range r.Order {
		n := r.Nodes[p]
		if n.State != StateRunning && n.State != StateQueued {
			continue
		}
		n.State = StateKilled
		if a := n.LastAttempt(); a != nil && (a.State == StateRunning || a.State == StateQueued || a.State == StatePending) {
			a.State = StateKilled
			a.Reason = ReasonInterrupted
		}
	}
}

// children maps each node to its direct children: the nodes whose nearest recorded ancestor
// it is.
func (r *Run) children() map[string][]string {
	kids := make(map[string][]string, len(r.Nodes))
	for _, p := range r.Order {
		if par, ok := r.parentOf(p); ok {
			kids[par] = append(kids[par], p)
		}
	}
	return kids
}

// parentOf is the nearest ancestor of p that is a node of the run.
func (r *Run) parentOf(p string) (string, bool) {
	for p != "/" {
		i := strings.LastIndexByte(p, '/')
		if i <= 0 {
			p = "/"
		} else {
			p = p[:i]
		}
		if r.Nodes[p] != nil {
			return p, true
		}
	}
	return "", false
}

// isDescendant reports whether p lies strictly under ancestor.
func isDescendant(p, ancestor string) bool {
	if ancestor == "/" {
		return p != "/" && strings.HasPrefix(p, "/")
	}
	return strings.HasPrefix(p, ancestor+"/")
}

// checkPipelineName keeps names to one path element.
func checkPipelineName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
		return fmt.Errorf("invalid pipeline or run name %q", name)
	}
	return nil
}

// newRunID is the time, to the second, and 4 random hex digits: ids sort by creation time.
func newRunID(t time.Time) (string, error) {
	var b [2]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return t.UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b[:]), nil
}

// lockHeld reports whether some process holds the run lock at path.
func lockHeld(path string) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return true, nil
		}
		return false, fmt.Errorf("lock %s: %w", path, err)
	}
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return false, nil
}
