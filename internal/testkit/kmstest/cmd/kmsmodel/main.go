// Command kmsmodel serves the KMS model (kmstest.Model) for shell demos and
// manual checks: it prints its URL as the first line of standard output and
// serves every Region at that URL until it is killed. Point the AWS SDK at
// it with AWS_ENDPOINT_URL_KMS (any access key works; the Region of a
// request is the one it is signed for). It is test support: the airwrap
// binaries never link it (cmd/*/deps_test.go).
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/airwrap/airwrap/internal/testkit/kmstest"
)

func main() {
	account := flag.String("account", kmstest.Account, "the AWS account id of every key")
	region := flag.String("region", kmstest.Region, "the Region of requests that carry no SigV4 signature")
	now := flag.String("now", "", "start the model's clock at this RFC 3339 time (default: the real time)")
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	fresh := flag.Bool("fresh-wrapping-keys", false, "a new RSA wrapping key for every GetParametersForImport, as KMS does (slower)")
	flag.Parse()
	o := kmstest.ModelOptions{Account: *account, Region: *region, FreshWrappingKeys: *fresh}
	if *now != "" {
		t, err := time.Parse(time.RFC3339, *now)
		if err != nil {
			fmt.Fprintf(os.Stderr, "kmsmodel: -now: %v\n", err)
			os.Exit(2)
		}
		o.Now = t
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kmsmodel: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("http://%s\n", ln.Addr())
	srv := &http.Server{Handler: kmstest.NewModel(o), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintf(os.Stderr, "kmsmodel: %v\n", err)
		os.Exit(1)
	}
}
