package main

import (
	"context"
	"os"
	"path/filepath"

	"github.com/saasconnect/saasconnect/connector"
)

// cmdSchema prints the template JSON Schema (connector.Schema), or writes it
// to -o FILE atomically (go generate ./connector uses that to keep the
// repository's schema/template.schema.json current).
func cmdSchema(_ context.Context, e env, args []string) error {
	fs := newFlags(e, "schema")
	out := fs.String("o", "", "write the schema to `FILE` instead of stdout")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("takes no arguments")
	}
	data := connector.Schema()
	if *out == "" {
		_, err := e.stdout.Write(data)
		return err
	}
	return writeFileAtomic(*out, data)
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory, so that a failed write leaves the old file in place.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
