package logs

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/views"
)

const (
	// spillMarkEvery is how sparse the index of a spill file is: the offset of one record in
	// this many is kept, so a million lines cost 125 KiB of index, and reading a line skips at
	// most this many records' headers.
	spillMarkEvery = 64
	// spillHeader is a record's fixed part: body length (4), time (8), stream (1), has-time
	// (1), length of From (2).
	spillHeader = 16
	// spillReadBuf is the read-ahead of a long sequential read; spillPeekBuf that of a read
	// of a few lines, which skips at most a mark's worth of headers.
	spillReadBuf  = 64 << 10
	spillPeekBuf  = 4 << 10
	spillPeekUpTo = 8 // lines read at once up to which spillPeekBuf does
	// spillKeepEnc is the largest encoding buffer kept between writes.
	spillKeepEnc = 1 << 20
)

// spillFile is the disk part of a buffer: its oldest lines as records, appended in line order
// and never rewritten, so reading needs no lock and an offset, once known, stays right. The
// file is unlinked as soon as it is created (where the system allows), so it takes no room
// after the pane is gone, even when Podium is killed.
type spillFile struct {
	f     *os.File
	path  string // where it is still linked; "" once unlinked
	size  int64
	n     int     // records
	marks []int64 // offset of record k*spillMarkEvery
	enc   []byte  // reused encoding buffer
	name  string  // whose log it holds, for error messages
}

// spillReader reads records of a spill file in order.
type spillReader struct {
	s   *spillFile
	r   *bufio.Reader
	hdr [spillHeader]byte
	buf []byte
}

// createSpill makes the spill file of the log of name under dir (os.TempDir() if "").
func createSpill(dir, name string) (*spillFile, error) {
	f, err := os.CreateTemp(dir, "podium-log-*.spill")
	if err != nil {
		return nil, fmt.Errorf("create the spill file of the log of %s: %w", name, err)
	}
	s := &spillFile{f: f, path: f.Name(), name: name}
	if os.Remove(f.Name()) == nil {
		s.path = ""
	}
	return s, nil
}

// close closes the file and removes it if it is still linked.
func (s *spillFile) close() error {
	err := s.f.Close()
	if s.path != "" {
		if rerr := os.Remove(s.path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			err = errors.Join(err, rerr)
		}
	}
	if err != nil {
		return fmt.Errorf("close the spill file of the log of %s: %w", s.name, err)
	}
	return nil
}

// write appends lines as records with one write. On failure nothing is counted as written.
func (s *spillFile) write(lines []views.LogLine) error {
	buf := s.enc[:0]
	nmarks := len(s.marks)
	for i, l := range lines {
		if (s.n+i)%spillMarkEvery == 0 {
			s.marks = append(s.marks, s.size+int64(len(buf)))
		}
		buf = appendRecord(buf, l)
	}
	if _, err := s.f.WriteAt(buf, s.size); err != nil {
		s.marks = s.marks[:nmarks]
		return fmt.Errorf("write the spill file of the log of %s: %w", s.name, err)
	}
	s.size += int64(len(buf))
	s.n += len(lines)
	if cap(buf) <= spillKeepEnc {
		s.enc = buf[:0]
	} else {
		s.enc = nil
	}
	return nil
}

// appendRecord encodes l: the fixed header, then From and Text.
func appendRecord(buf []byte, l views.LogLine) []byte {
	from := l.From
	if len(from) > 0xffff {
		from = from[:0xffff]
	}
	var h [spillHeader]byte
	binary.LittleEndian.PutUint32(h[0:], uint32(spillHeader-4+len(from)+len(l.Text)))
	if !l.Time.IsZero() {
		binary.LittleEndian.PutUint64(h[4:], uint64(l.Time.UnixNano()))
		h[13] = 1
	}
	h[12] = byte(l.Stream)
	binary.LittleEndian.PutUint16(h[14:], uint16(len(from)))
	buf = append(buf, h[:]...)
	buf = append(buf, from...)
	return append(buf, l.Text...)
}

// reader reads n records (about) from record i on.
func (s *spillFile) reader(i, n int) (*spillReader, error) {
	if i < 0 || i > s.n {
		return nil, fmt.Errorf("spill file of the log of %s: no line %d of %d", s.name, i, s.n)
	}
	off := s.size
	if k := i / spillMarkEvery; k < len(s.marks) {
		off = s.marks[k]
	}
	size := spillReadBuf
	if n <= spillPeekUpTo {
		size = spillPeekBuf
	}
	sr := &spillReader{s: s, r: bufio.NewReaderSize(io.NewSectionReader(s.f, off, s.size-off), size)}
	for range i % spillMarkEvery {
		if err := sr.skip(); err != nil {
			return nil, err
		}
	}
	return sr, nil
}

// skip passes over one record.
func (sr *spillReader) skip() error {
	if _, err := io.ReadFull(sr.r, sr.hdr[:4]); err != nil {
		return sr.fail(err)
	}
	n := int(binary.LittleEndian.Uint32(sr.hdr[:4]))
	if _, err := sr.r.Discard(n); err != nil {
		return sr.fail(err)
	}
	return nil
}

// body reads the next record's header and fills sr.buf with its From and Text.
func (sr *spillReader) body() (fromLen int, err error) {
	if _, err := io.ReadFull(sr.r, sr.hdr[:]); err != nil {
		return 0, sr.fail(err)
	}
	n := int(binary.LittleEndian.Uint32(sr.hdr[:4])) - (spillHeader - 4)
	fromLen = int(binary.LittleEndian.Uint16(sr.hdr[14:]))
	if n < fromLen {
		return 0, sr.fail(fmt.Errorf("corrupt record: %d bytes, From of %d", n, fromLen))
	}
	if cap(sr.buf) < n {
		sr.buf = make([]byte, n)
	}
	sr.buf = sr.buf[:n]
	if _, err := io.ReadFull(sr.r, sr.buf); err != nil {
		return 0, sr.fail(err)
	}
	return fromLen, nil
}

// next reads the next line.
func (sr *spillReader) next() (views.LogLine, error) {
	fromLen, err := sr.body()
	if err != nil {
		return views.LogLine{}, err
	}
	l := views.LogLine{
		LogLine: docker.LogLine{Stream: docker.Stream(sr.hdr[12]), Text: string(sr.buf[fromLen:])},
		From:    string(sr.buf[:fromLen]),
	}
	if sr.hdr[13] == 1 {
		l.Time = time.Unix(0, int64(binary.LittleEndian.Uint64(sr.hdr[4:])))
	}
	return l, nil
}

// nextText reads the next line's text only; the bytes are valid until the next read.
func (sr *spillReader) nextText() ([]byte, error) {
	fromLen, err := sr.body()
	if err != nil {
		return nil, err
	}
	return sr.buf[fromLen:], nil
}

func (sr *spillReader) fail(err error) error {
	return fmt.Errorf("read the spill file of the log of %s: %w", sr.s.name, err)
}
