package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"path"
	"strings"
)

// assetNames maps each static file to its content-hashed name, e.g.
// style.css → style.3f2a9c81d0e4.css. Pages link the hashed names, which the
// server lets browsers keep for a year: a changed file is a new name.
var assetNames = hashAssetNames()

func hashAssetNames() map[string]string {
	names := map[string]string{}
	fs.WalkDir(Static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(Static, p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		names[name] = HashedName(name, b)
		return nil
	})
	return names
}

// HashedName is name with the first 12 hex digits of the SHA-256 of its
// content before the extension.
func HashedName(name string, content []byte) string {
	sum := sha256.Sum256(content)
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
}

// AssetPath is the address of a static file under its hashed name, or under
// its own name when there is no such file.
func AssetPath(name string) string {
	if h, ok := assetNames[name]; ok {
		return "/static/" + h
	}
	return "/static/" + name
}
