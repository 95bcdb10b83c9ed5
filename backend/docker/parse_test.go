package docker

import (
	"archive/tar"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/moby/moby/api/types/container"
)

func collectLines(t *testing.T, r io.Reader, max int) []string {
	t.Helper()
	var got []string
	if err := scanLines(r, max, func(s string) { got = append(got, s) }); err != nil {
		t.Fatalf("scanLines: %v", err)
	}
	return got
}

func TestScanLines(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		max  int
		want []string
	}{
		{"empty", "", 10, nil},
		{"lines", "a\nbb\n\nccc\n", 10, []string{"a", "bb", "", "ccc"}},
		{"no final newline", "a\nlast", 10, []string{"a", "last"}},
		{"crlf", "a\r\nb\r\n", 10, []string{"a", "b"}},
		{"exactly max", "abcd\nef\n", 4, []string{"abcd", "ef"}},
		{"split long", "abcdefghij\nk\n", 4, []string{"abcd", "efgh", "ij", "k"}},
		{"split twice max", "abcdefgh\n", 4, []string{"abcd", "efgh"}},
		{"long without newline", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"zero max means default", "abc\n", 0, []string{"abc"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := collectLines(t, strings.NewReader(tc.in), tc.max)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("scanLines(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
			// The same lines whatever the reads' sizes.
			got = collectLines(t, iotest.OneByteReader(strings.NewReader(tc.in)), tc.max)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("scanLines(%q, %d) one byte at a time = %q, want %q", tc.in, tc.max, got, tc.want)
			}
		})
	}
}

func TestScanLinesHugeLine(t *testing.T) {
	t.Parallel()
	line := strings.Repeat("x", 90_000)
	got := collectLines(t, strings.NewReader(line+"\nafter\n"), 1<<20)
	if len(got) != 2 || got[0] != line || got[1] != "after" {
		t.Fatalf("got %d lines (first %d bytes), want the 90,000-byte line and \"after\"", len(got), len(got[0]))
	}
	got = collectLines(t, strings.NewReader(line+"\n"), 32<<10)
	if len(got) != 3 || len(got[0]) != 32<<10 || len(got[2]) != 90_000-2*(32<<10) || strings.Join(got, "") != line {
		t.Fatalf("split into %d pieces, want 3 pieces that join to the line", len(got))
	}
}

func TestScanLinesReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	var got []string
	err := scanLines(io.MultiReader(strings.NewReader("a\npartial"), iotest.ErrReader(boom)), 10, func(s string) { got = append(got, s) })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if !reflect.DeepEqual(got, []string{"a", "partial"}) {
		t.Fatalf("got %q, want the lines read before the error", got)
	}
}

func TestLineWriterTimestamps(t *testing.T) {
	t.Parallel()
	var got []LogLine
	w := &lineWriter{max: 40, stamps: true, stream: Stderr, sink: func(l LogLine) { got = append(got, l) }}
	in := "2024-05-01T10:00:00.123456789Z hello\n2024-05-01T10:00:01Z " + strings.Repeat("y", 30) + "\nnot-a-stamp line\n"
	if _, err := io.Copy(w, iotest.HalfReader(strings.NewReader(in))); err != nil {
		t.Fatal(err)
	}
	w.flush()
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 123456789, time.UTC)
	t1 := time.Date(2024, 5, 1, 10, 0, 1, 0, time.UTC)
	want := []LogLine{
		{Stream: Stderr, Time: t0, Text: "hello"},
		{Stream: Stderr, Time: t1, Text: strings.Repeat("y", 19)},
		{Stream: Stderr, Time: t1, Text: strings.Repeat("y", 11)},
		{Stream: Stderr, Text: "not-a-stamp line"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d lines %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].Stream != want[i].Stream || !got[i].Time.Equal(want[i].Time) || got[i].Text != want[i].Text {
			t.Errorf("line %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestSplitTimestamp(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in       string
		wantTime time.Time
		wantText string
	}{
		{"2024-05-01T10:00:00.123456789Z hello world", time.Date(2024, 5, 1, 10, 0, 0, 123456789, time.UTC), "hello world"},
		{"2024-05-01T10:00:00Z ", time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), ""},
		{"2024-05-01T12:00:00+02:00 x", time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), "x"},
		{"hello world", time.Time{}, "hello world"},
		{"", time.Time{}, ""},
		{" leading space", time.Time{}, " leading space"},
		{"2024-05-01T10:00:00Z", time.Time{}, "2024-05-01T10:00:00Z"},
	}
	for _, tc := range cases {
		tm, text := splitTimestamp(tc.in)
		if !tm.Equal(tc.wantTime) || text != tc.wantText {
			t.Errorf("splitTimestamp(%q) = %v, %q; want %v, %q", tc.in, tm, text, tc.wantTime, tc.wantText)
		}
		tb, b := splitStamp([]byte(tc.in))
		if !tb.Equal(tc.wantTime) || string(b) != tc.wantText {
			t.Errorf("splitStamp(%q) = %v, %q; want %v, %q", tc.in, tb, b, tc.wantTime, tc.wantText)
		}
	}
}

// muxFrame is one frame of the engine's multiplexed log stream.
func muxFrame(stream byte, payload string) []byte {
	h := []byte{stream, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(h[4:], uint32(len(payload)))
	return append(h, payload...)
}

// TestDemuxLogBatchesReads cuts a multiplexed stream into lines whichever way the reads split
// it (frame headers and lines across reads included), stdout and stderr interleaved in order,
// stamps taken off, and each read's lines in one batch.
func TestDemuxLogBatchesReads(t *testing.T) {
	t.Parallel()
	var stream []byte
	var want []LogLine
	t0 := time.Date(2026, 12, 7, 21, 0, 0, 0, time.UTC)
	for i := range 500 {
		at := t0.Add(time.Duration(i) * time.Microsecond)
		s, code := Stdout, byte(1)
		if i%7 == 3 {
			s, code = Stderr, 2
		}
		text := fmt.Sprintf("line %d", i+1)
		stream = append(stream, muxFrame(code, at.Format("2006-01-02T15:04:05.000000000Z07:00")+" "+text+"\n")...)
		want = append(want, LogLine{Stream: s, Time: at, Text: text})
	}
	for name, r := range map[string]func() io.Reader{
		"whole":    func() io.Reader { return bytes.NewReader(stream) },
		"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(stream)) },
		"halves":   func() io.Reader { return iotest.HalfReader(bytes.NewReader(stream)) },
	} {
		var got []LogLine
		batches := 0
		err := demuxLog(r(), false, newLineBatch(1<<20, true), func(ls []LogLine) {
			batches++
			got = append(got, ls...)
		})
		if err != nil && !errors.Is(err, io.EOF) {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: %d lines, want %d; first %+v", name, len(got), len(want), got[:min(len(got), 2)])
		}
		if name == "whole" && batches != 1 {
			t.Errorf("one read of the whole stream gave %d batches", batches)
		}
	}
}

func TestHealthFromStatus(t *testing.T) {
	t.Parallel()
	for status, want := range map[string]string{
		"Up 2 seconds (healthy)":               "healthy",
		"Up 3 minutes (unhealthy)":             "unhealthy",
		"Up 1 second (health: starting)":       "starting",
		"Up 5 hours":                           "",
		"Exited (0) 2 minutes ago":             "",
		"Up 2 seconds (Paused)":                "",
		"":                                     "",
		"Restarting (1) 1 second ago":          "",
		"Up About a minute (health: starting)": "starting",
	} {
		if got := healthFromStatus(status); got != want {
			t.Errorf("healthFromStatus(%q) = %q, want %q", status, got, want)
		}
	}
}

func TestFromSummaryHealthAndPorts(t *testing.T) {
	t.Parallel()
	var s container.Summary
	doc := `{"Id":"0123456789abcdef","Names":["/web"],"Image":"busybox","State":"running","Status":"Up 3 seconds (healthy)",
		"Created":1700000000,"Labels":{"com.docker.compose.project":"p","com.docker.compose.service":"s"},
		"Ports":[{"IP":"127.0.0.1","PrivatePort":80,"PublicPort":8080,"Type":"tcp"},{"PrivatePort":53,"Type":"udp"}],
		"NetworkSettings":{"Networks":{"b":{},"a":{}}}}`
	if err := json.Unmarshal([]byte(doc), &s); err != nil {
		t.Fatal(err)
	}
	c := fromSummary(s)
	if c.Name != "web" || c.Health != "healthy" || c.State != "running" || c.Project() != "p" || c.Service() != "s" || c.ShortID() != "0123456789ab" {
		t.Errorf("fromSummary = %+v", c)
	}
	if got := fmt.Sprint(c.Ports); got != "[53/udp 127.0.0.1:8080->80/tcp]" {
		t.Errorf("ports = %s", got)
	}
	if !reflect.DeepEqual(c.Networks, []string{"a", "b"}) {
		t.Errorf("networks = %v, want [a b]", c.Networks)
	}
	if !c.Created.Equal(time.Unix(1700000000, 0)) {
		t.Errorf("created = %v", c.Created)
	}
}

// A sample as a 20.10 engine on cgroup v1 streams it (abridged).
const statsDoc = `{
 "read":"2024-05-01T10:00:02Z",
 "pids_stats":{"current":3},
 "networks":{"eth0":{"rx_bytes":1000,"tx_bytes":200},"eth1":{"rx_bytes":24,"tx_bytes":6}},
 "blkio_stats":{"io_service_bytes_recursive":[
   {"major":8,"minor":0,"op":"Read","value":4096},{"major":8,"minor":0,"op":"Write","value":8192},
   {"major":8,"minor":0,"op":"Sync","value":1},{"major":8,"minor":0,"op":"Total","value":12288}]},
 "cpu_stats":{"cpu_usage":{"total_usage":300000000,"percpu_usage":[150000000,150000000]},"system_cpu_usage":4000000000,"online_cpus":2},
 "precpu_stats":{"cpu_usage":{"total_usage":100000000},"system_cpu_usage":2000000000,"online_cpus":2},
 "memory_stats":{"usage":10485760,"limit":104857600,"stats":{"total_inactive_file":2097152,"inactive_file":1}}
}`

func TestStatsFrom(t *testing.T) {
	t.Parallel()
	var r container.StatsResponse
	if err := json.Unmarshal([]byte(statsDoc), &r); err != nil {
		t.Fatal(err)
	}
	s := statsFrom(r)
	// cpu delta 2e8 over system delta 2e9, times 2 cpus = 20%.
	if math.Abs(s.CPUPercent-20) > 1e-9 {
		t.Errorf("CPUPercent = %v, want 20", s.CPUPercent)
	}
	if s.MemUsage != 10485760-2097152 || s.MemLimit != 104857600 {
		t.Errorf("mem = %d / %d, want %d / 104857600", s.MemUsage, s.MemLimit, 10485760-2097152)
	}
	if math.Abs(s.MemPercent()-8) > 1e-9 {
		t.Errorf("MemPercent = %v, want 8", s.MemPercent())
	}
	if s.NetRx != 1024 || s.NetTx != 206 {
		t.Errorf("net = %d/%d, want 1024/206", s.NetRx, s.NetTx)
	}
	if s.BlockRead != 4096 || s.BlockWrite != 8192 {
		t.Errorf("block = %d/%d, want 4096/8192", s.BlockRead, s.BlockWrite)
	}
	if s.PIDs != 3 || !s.Time.Equal(time.Date(2024, 5, 1, 10, 0, 2, 0, time.UTC)) {
		t.Errorf("pids %d time %v", s.PIDs, s.Time)
	}

	// Without online_cpus the per-CPU list counts the CPUs; cgroup v2 has inactive_file only.
	r.CPUStats.OnlineCPUs = 0
	r.MemoryStats.Stats = map[string]uint64{"inactive_file": 1048576}
	s = statsFrom(r)
	if math.Abs(s.CPUPercent-20) > 1e-9 || s.MemUsage != 10485760-1048576 {
		t.Errorf("fallbacks: CPUPercent %v MemUsage %d", s.CPUPercent, s.MemUsage)
	}
	// Page cache larger than usage (it happens on v1) must not wrap around.
	r.MemoryStats.Stats = map[string]uint64{"total_inactive_file": 20 << 20}
	if s = statsFrom(r); s.MemUsage != 10485760 {
		t.Errorf("MemUsage = %d, want the raw usage", s.MemUsage)
	}
	if (Stats{}).MemPercent() != 0 {
		t.Error("MemPercent without a limit should be 0")
	}
}

func TestPullError(t *testing.T) {
	t.Parallel()
	unreachable := []string{
		// What the 20.10 engine here says, verbatim.
		`Error response from daemon: Get "http://localhost:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused`,
		`Error response from daemon: Get "https://registry.invalid.example/v2/": dial tcp: lookup registry.invalid.example on 10.255.255.53:53: no such host`,
		`Get "https://registry-1.docker.io/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)`,
		`Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: Temporary failure in name resolution`,
		`Get "https://10.0.0.1/v2/": dial tcp 10.0.0.1:443: connect: no route to host`,
	}
	for _, msg := range unreachable {
		err := pullError("example.com/a/b:1", errors.New(msg))
		s := err.Error()
		if !strings.Contains(s, "example.com/a/b:1") || !strings.Contains(s, "registry unreachable") || !strings.Contains(s, msg) {
			t.Errorf("pullError(%q) = %q: want the image, \"registry unreachable\" and the cause", msg, s)
		}
	}
	other := pullError("busybox:nope", errors.New("manifest for busybox:nope not found: manifest unknown"))
	if s := other.Error(); strings.Contains(s, "unreachable") || !strings.Contains(s, "busybox:nope") {
		t.Errorf("pullError for a missing tag = %q", s)
	}
	cause := errors.New("dial tcp: boom")
	if !errors.Is(pullError("x", cause), cause) {
		t.Error("pullError should wrap its cause")
	}
}

func TestPortString(t *testing.T) {
	t.Parallel()
	if s := (Port{ContainerPort: 80, Proto: "tcp"}).String(); s != "80/tcp" {
		t.Errorf("exposed port = %q", s)
	}
	if s := (Port{HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Proto: "tcp"}).String(); s != "127.0.0.1:8080->80/tcp" {
		t.Errorf("published port = %q", s)
	}
}

func TestParseDockerTime(t *testing.T) {
	t.Parallel()
	if !parseDockerTime("0001-01-01T00:00:00Z").IsZero() || !parseDockerTime("").IsZero() {
		t.Error("the engine's zero time should parse as zero")
	}
	if got := parseDockerTime("2024-05-01T10:00:00.5Z"); !got.Equal(time.Date(2024, 5, 1, 10, 0, 0, 5e8, time.UTC)) {
		t.Errorf("got %v", got)
	}
}

func TestTarDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "sub", "deep"), 0o750))
	must(os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM busybox\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "run.sh"), []byte("#!/bin/sh\n"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "sub", "deep", "x.txt"), []byte("xyz"), 0o600))
	must(os.Symlink("../run.sh", filepath.Join(dir, "sub", "link")))
	ln, err := net.Listen("unix", filepath.Join(dir, "s.sock"))
	must(err)
	defer ln.Close()

	var buf bytes.Buffer
	must(TarDir(dir, &buf))
	type entry struct {
		typ  byte
		mode int64
		link string
		body string
	}
	got := map[string]entry{}
	tr := tar.NewReader(&buf)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		must(err)
		body, err := io.ReadAll(tr)
		must(err)
		if hdr.Uid != 0 || hdr.Gid != 0 || hdr.Uname != "" || hdr.ModTime.IsZero() {
			t.Errorf("%s: uid %d gid %d uname %q mtime %v", hdr.Name, hdr.Uid, hdr.Gid, hdr.Uname, hdr.ModTime)
		}
		got[hdr.Name] = entry{hdr.Typeflag, hdr.Mode & 0o7777, hdr.Linkname, string(body)}
	}
	want := map[string]entry{
		"Dockerfile":     {tar.TypeReg, 0o644, "", "FROM busybox\n"},
		"run.sh":         {tar.TypeReg, 0o755, "", "#!/bin/sh\n"},
		"sub/":           {tar.TypeDir, 0o750, "", ""},
		"sub/deep/":      {tar.TypeDir, 0o750, "", ""},
		"sub/deep/x.txt": {tar.TypeReg, 0o600, "", "xyz"},
		"sub/link":       {tar.TypeSymlink, 0o777, "../run.sh", ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("TarDir entries:\n got %+v\nwant %+v", got, want)
	}

	err = TarDir(filepath.Join(dir, "missing"), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("TarDir of a missing dir: %v", err)
	}
}
