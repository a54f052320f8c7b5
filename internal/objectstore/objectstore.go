// Package objectstore keeps evidence files' bytes in an S3-compatible object
// store (MinIO, Ceph, a cloud's), for PORTAL_EVIDENCE_STORE=s3. What a file
// is, who may see it and its audit record stay in PostgreSQL: the store only
// holds bytes under keys the portal makes up, never a user's file name.
package objectstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/guizhou-portal/portal/internal/config"
)

// Prefix starts every key the portal writes; the orphan sweep looks at
// nothing else in the bucket.
const Prefix = "evidence/"

// PartSize is what one part of an upload of unknown length holds, and so
// the memory one upload in flight takes: S3's smallest part.
const PartSize = 5 << 20

// Store is one bucket of an S3-compatible store.
type Store struct {
	client *minio.Client
	bucket string
}

// New returns the store the settings describe. It does not reach the store:
// Check does.
func New(c config.S3) (*Store, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	client, err := minio.New(c.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure: !c.Insecure,
		Region: c.Region,
		// Path-style addresses (host/bucket/key) work with every
		// S3-compatible store and need no wildcard DNS.
		BucketLookup: minio.BucketLookupPath,
		// A store that does not answer is a 503 in seconds, not a hung upload.
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&netDialer).DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 30 * time.Second,
			MaxIdleConnsPerHost:   16,
			IdleConnTimeout:       90 * time.Second,
		},
		MaxRetries: 1,
	})
	if err != nil {
		return nil, fmt.Errorf("PORTAL_S3_ENDPOINT: %w", err)
	}
	return &Store{client: client, bucket: c.Bucket}, nil
}

// Check reaches the store and its bucket. A bucket that does not exist or
// refuses the keys is a configuration error (ErrSetup); a store that does not
// answer is Unavailable.
func (s *Store) Check(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	switch {
	case err != nil && refused(err):
		return fmt.Errorf("%w: the S3 store refuses PORTAL_S3_ACCESS_KEY and PORTAL_S3_SECRET_KEY for bucket %q: %v", ErrSetup, s.bucket, err)
	case err != nil:
		return &unavailable{err}
	case !ok:
		return fmt.Errorf("%w: the S3 store has no bucket %q (PORTAL_S3_BUCKET): create it, private, first", ErrSetup, s.bucket)
	}
	return nil
}

// netDialer gives up on a store that does not take the connection.
var netDialer = net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}

// ErrSetup is a store that answers but will not serve with the settings given.
var ErrSetup = errors.New("evidence store misconfigured")

// NewKey is a fresh key for one file: random, so that it says nothing about
// the file and two uploads of the same bytes never share (or delete) one
// object.
func NewKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return Prefix + hex.EncodeToString(b)
}

// ValidKey says whether key is one NewKey makes.
func ValidKey(key string) bool {
	h, ok := strings.CutPrefix(key, Prefix)
	if !ok || len(h) != 32 {
		return false
	}
	_, err := hex.DecodeString(h)
	return err == nil && strings.ToLower(h) == h
}

// Put stores r's bytes under key: size bytes, or -1 when the length is not
// known, in which case r is sent in parts of PartSize as it is read. An
// error from r (a client's upload breaking off, a size cap) aborts the upload
// so that nothing is left in the bucket, and is returned as it is (errors.Is
// finds it); an error of the store is Unavailable.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	rr := &readErr{r: r}
	_, err := s.client.PutObject(ctx, s.bucket, key, rr, size, minio.PutObjectOptions{
		ContentType: contentType,
		PartSize:    PartSize,
		// The portal computes each file's SHA-256 itself. Without this the
		// client signs every part's payload in aws-chunked framing over plain
		// HTTP, which not every S3-compatible store decodes for parts; over
		// HTTPS it is unsigned anyway.
		DisableContentSha256: true,
	})
	if rr.err != nil {
		return rr.err
	}
	if err != nil {
		return &unavailable{err}
	}
	return nil
}

// readErr remembers the error its reader gave, to tell the client's failures
// from the store's.
type readErr struct {
	r   io.Reader
	err error
}

func (r *readErr) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

// Open returns the object under key for reading, and its size. It is
// reached before Open returns, so that a store that is down, or an object
// that is missing, is an error (Unavailable) before the caller has sent
// anything.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	o, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, 0, &unavailable{err}
	}
	info, err := o.Stat()
	if err != nil {
		o.Close()
		return nil, 0, &unavailable{err}
	}
	return o, info.Size, nil
}

// Remove deletes the object under key; one that is not there is no error.
func (s *Store) Remove(ctx context.Context, key string) error {
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return &unavailable{err}
	}
	return nil
}

// Object is one object the portal stored.
type Object struct {
	Key      string
	Size     int64
	Modified time.Time
}

// List calls fn with each object under Prefix last written before before.
func (s *Store) List(ctx context.Context, before time.Time, fn func(Object) error) error {
	for o := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: Prefix, Recursive: true}) {
		if o.Err != nil {
			return &unavailable{o.Err}
		}
		if !o.LastModified.Before(before) {
			continue
		}
		if err := fn(Object{Key: o.Key, Size: o.Size, Modified: o.LastModified}); err != nil {
			return err
		}
	}
	return nil
}

// unavailable is a failure of the store: down, unreachable, or answering
// with an error.
type unavailable struct{ err error }

func (e *unavailable) Error() string { return "evidence store: " + e.err.Error() }
func (e *unavailable) Unwrap() error { return e.err }

// Unavailable says whether err is the store's failure rather than the
// caller's (a reader's error given to Put).
func Unavailable(err error) bool {
	var u *unavailable
	return errors.As(err, &u)
}

// refused says whether the store answered that the keys may not use the bucket.
func refused(err error) bool {
	switch minio.ToErrorResponse(err).Code {
	case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch":
		return true
	}
	return false
}
