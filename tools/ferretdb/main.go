// Command ferretdb runs an embedded FerretDB v1 (SQLite backend) on loopback, as the development and test stand-in
// for MongoDB. It exists because `go install` of FerretDB itself panics at start (its build has no version file);
// importing the library from our own module avoids that.
//
// FerretDB is built with our patches (patches/*.patch, applied by scripts/setup.mjs to a copy of the module in
// tools/cache, which go.mod's replace points at). sqlite-pushdown.patch makes the SQLite backend search its indexes:
// upstream v1 hands SQLite only a filter of `_id` alone, in a form its own `_id` index does not serve, so every other
// query read and decoded the whole collection in FerretDB (measured in bench/README.md, "The embedded store at
// scale"). The patch pushes equality, $eq, $in, $and and $or on plain field paths down as conditions written the way
// the indexes are built, keeping every document that could match (the handler filters the results again as before);
// lets SQLite sort when its order is provably MongoDB's for the documents at hand, so a page stops after skip +
// limit; and lets SQLite count for countDocuments when the whole filter translates exactly. It keeps, with every
// write, a record of the kinds of value at each indexed path and an index on those paths' values next to each index,
// so that a sort or an equality on a path of one kind walks that index without reading the documents, and a count of
// such equalities reads only the index (README.md, "What we learned about FerretDB v1"). For an index over a top-level
// field that holds arrays (a child's categories) it keeps a side table of the arrays' strings, maintained by SQLite
// triggers in the writer's transaction, so that a sorted page or a count with an equality on one string walks that
// instead of every document the other equalities keep (metadata/elements.go; bench/README.md, "Session 10").
// To change a patch: copy the pristine module, edit, and write `diff -ruN a b` (paths a/… and b/…, no timestamps).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on (loopback only)")
	sqliteURL := flag.String("sqlite-url", "file:data/ferretdb/", "SQLite URI of the data directory (must end with /)")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn, error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: bad -log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: *sqliteURL,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	fmt.Fprintf(os.Stderr, "ferretdb: listening on %s, data %s\n", *listen, *sqliteURL)
	f.Run(ctx)
}
