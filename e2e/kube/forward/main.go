// Command netns-forward forwards TCP ports from loopback in the current network namespace to addresses inside
// another network namespace (the local cluster's), so that kubectl and tests on the host reach the API server
// and the pods without the cluster's private addresses ever appearing on the host.
//
//	netns-forward -netns /run/netns/NAME [-watch-pid PID] 127.0.0.1:PORT=10.244.0.1:6443 ...
//
// It prints "ready" once every listener is open and exits when PID is gone, on SIGTERM or SIGINT.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

const cloneNewNet = 0x40000000

func main() {
	nsPath := flag.String("netns", "", "path of the target network namespace (for example /run/netns/NAME)")
	watchPid := flag.Int("watch-pid", 0, "exit when this process is gone")
	flag.Parse()
	if *nsPath == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: netns-forward -netns PATH [-watch-pid PID] LISTEN=TARGET ...")
		os.Exit(2)
	}
	if _, err := os.Stat(*nsPath); err != nil {
		fmt.Fprintf(os.Stderr, "netns-forward: %v\n", err)
		os.Exit(1)
	}
	for _, m := range flag.Args() {
		listen, target, ok := strings.Cut(m, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "netns-forward: %q is not LISTEN=TARGET\n", m)
			os.Exit(2)
		}
		l, err := net.Listen("tcp", listen)
		if err != nil {
			fmt.Fprintf(os.Stderr, "netns-forward: listen %s: %v\n", listen, err)
			os.Exit(1)
		}
		go serve(l, *nsPath, target)
	}
	fmt.Println("ready")
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	tick := time.NewTicker(time.Second)
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			if *watchPid > 0 && syscall.Kill(*watchPid, 0) == syscall.ESRCH {
				return
			}
		}
	}
}

func serve(l net.Listener, nsPath, target string) {
	for {
		c, err := l.Accept()
		if err != nil {
			fmt.Fprintf(os.Stderr, "netns-forward: accept: %v\n", err)
			return
		}
		go pipe(c, nsPath, target)
	}
}

func pipe(c net.Conn, nsPath, target string) {
	defer c.Close()
	t, err := dialIn(nsPath, target)
	if err != nil {
		return
	}
	defer t.Close()
	var wg sync.WaitGroup
	wg.Add(2)
	half := func(dst, src net.Conn) {
		defer wg.Done()
		_, _ = io.Copy(dst, src)
		if tc, ok := dst.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
	}
	go half(t, c)
	go half(c, t)
	wg.Wait()
}

// dialIn opens the connection from a thread that has entered the target namespace; the socket stays there after
// the thread returns to its own namespace.
func dialIn(nsPath, target string) (net.Conn, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	self, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", syscall.Gettid()))
	if err != nil {
		return nil, err
	}
	defer self.Close()
	ns, err := os.Open(nsPath)
	if err != nil {
		return nil, err
	}
	defer ns.Close()
	if err := setns(ns.Fd()); err != nil {
		return nil, err
	}
	conn, dialErr := net.DialTimeout("tcp", target, 5*time.Second)
	if err := setns(self.Fd()); err != nil {
		// This thread is stuck in the wrong namespace: leave it locked so the runtime discards it.
		runtime.LockOSThread()
	}
	return conn, dialErr
}

// setns's system call number: the syscall package names it on no architecture.
var sysSetns = map[string]uintptr{"amd64": 308, "arm64": 268, "riscv64": 268, "ppc64le": 350, "s390x": 339}[runtime.GOARCH]

func setns(fd uintptr) error {
	if sysSetns == 0 {
		return fmt.Errorf("setns: unsupported architecture %s", runtime.GOARCH)
	}
	if _, _, e := syscall.RawSyscall(sysSetns, fd, cloneNewNet, 0); e != 0 {
		return e
	}
	return nil
}
