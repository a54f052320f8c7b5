package main

// The portal as a process, and what its tests share: the binary built once,
// a free address, a log buffer, a running instance, and one wait.

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// buildPortal builds this command once per test binary.
var buildPortal = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "portal-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "portal")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", &buildError{err, string(out)}
	}
	return bin, nil
})

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// instance is one running `portal serve` process.
type instance struct {
	base string
	cmd  *exec.Cmd
	log  *lockedBuf
}

// startInstance starts the binary serving dbURL on a free port.
func startInstance(t *testing.T, bin, dbURL string) *instance {
	t.Helper()
	addr := freeAddr(t)
	in := &instance{base: "http://" + addr, log: &lockedBuf{}}
	in.cmd = exec.Command(bin, "serve")
	in.cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "PORTAL_ADDR="+addr)
	in.cmd.Stdout, in.cmd.Stderr = in.log, in.log
	if err := in.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.cmd.Process.Signal(os.Interrupt)
		in.cmd.Wait()
		if t.Failed() {
			t.Logf("log of %s:\n%s", in.base, in.log.String())
		}
	})
	return in
}

// get asks the instance for path with client c (nil: the public, no cookies).
func (in *instance) get(t *testing.T, c *http.Client, path string) (int, http.Header, string) {
	t.Helper()
	if c == nil {
		c = http.DefaultClient
	}
	res, err := c.Get(in.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, string(b)
}

// ready reports whether the portal at base answers /readyz with 200.
func ready(base string) func() bool {
	return func() bool {
		res, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}
}
