// flux-git-server serves the git repositories under a directory over smart HTTP on a loopback port,
// the protocol Flux's source-controller clones with (it accepts only http(s) and ssh URLs, and its
// go-git cannot clone the dumb HTTP protocol). A push to a path that does not exist creates the
// repository. It prints its base URL on the first line of stdout and serves until stdin closes or
// it is sent SIGTERM, so a test that starts it can never leave it behind.
package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/fluxcd/pkg/gittestserver"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: flux-git-server <directory of repositories>")
		os.Exit(2)
	}
	server := gittestserver.NewGitServer(os.Args[1]).AutoCreate()
	if err := server.StartHTTP(); err != nil {
		fmt.Fprintln(os.Stderr, "cannot start the git server:", err)
		os.Exit(1)
	}
	defer server.StopHTTP()
	fmt.Println(server.HTTPAddress())

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	stdinClosed := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(stdinClosed)
	}()
	select {
	case <-stop:
	case <-stdinClosed:
	}
}
