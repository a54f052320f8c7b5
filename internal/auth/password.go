// Package auth holds the rules for staff passwords: how long they may be and how
// they are hashed (argon2id, in the PHC string format, so that the parameters can
// be raised later without invalidating stored hashes).
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Password length limits, in characters as a person counts them when typing:
// 密码 is two, an emoji is one.
const (
	MinPasswordChars = 8
	MaxPasswordChars = 256
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultParams are OWASP's first recommended argon2id configuration (46 MiB,
// one pass, one thread), above its minimums.
var DefaultParams = Params{Memory: 46 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// hashing admits as many argon2id computations at once as there are CPUs:
// each takes 46 MiB, and a burst of logins must not take the server's memory.
var hashing = make(chan struct{}, runtime.GOMAXPROCS(0))

func idKey(password, salt []byte, p Params, keyLen uint32) []byte {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	return argon2.IDKey(password, salt, p.Time, p.Memory, p.Threads, keyLen)
}

// Problem is what is wrong with an input, as a message ID of the portal's
// catalogue (internal/i18n) with its arguments; the zero Problem means nothing is.
type Problem struct {
	ID   string
	Args []any
}

// OK reports whether there is no problem.
func (p Problem) OK() bool { return p.ID == "" }

func problem(id string, args ...any) Problem { return Problem{ID: id, Args: args} }

// CheckPassword says what is wrong with a password, if anything.
func CheckPassword(p string) Problem {
	if !utf8.ValidString(p) {
		return problem("auth.password.badutf8")
	}
	n := utf8.RuneCountInString(norm.NFC.String(p))
	switch {
	case n < MinPasswordChars:
		return problem("auth.password.short", strconv.Itoa(MinPasswordChars), strconv.Itoa(n))
	case n > MaxPasswordChars:
		return problem("auth.password.long", strconv.Itoa(MaxPasswordChars), strconv.Itoa(n))
	}
	return Problem{}
}

// HashPassword hashes p with argon2id. Passwords are normalised to NFC first, so
// that the same characters typed through different input methods match.
func HashPassword(p string) (string, error) {
	return hashWith(p, DefaultParams)
}

func hashWith(p string, params Params) (string, error) {
	salt := make([]byte, params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := idKey([]byte(norm.NFC.String(p)), salt, params, params.KeyLen)
	return encodeHash(params, salt, key), nil
}

// encodeHash writes an argon2id hash as a PHC string.
func encodeHash(params Params, salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		params.Memory, params.Time, params.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// errMalformedHash means a stored hash is not an argon2id PHC string.
var errMalformedHash = errors.New("auth: malformed argon2id hash")

// VerifyPassword reports whether p matches the stored hash, in constant time.
func VerifyPassword(p, hash string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errMalformedHash
	}
	var version int
	var params Params
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errMalformedHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &params.Memory, &params.Time, &params.Threads); err != nil {
		return false, errMalformedHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errMalformedHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errMalformedHash
	}
	got := idKey([]byte(norm.NFC.String(p)), salt, params, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when an account does not exist, so that a
// failed login takes as long whether or not the email is known. Its key is
// random rather than hashed from anything: verifying costs the same, and
// hashing at start cost every process 46 MB before it had served anything.
var dummyHash = func() string {
	salt, key := make([]byte, DefaultParams.SaltLen), make([]byte, DefaultParams.KeyLen)
	rand.Read(salt)
	rand.Read(key)
	return encodeHash(DefaultParams, salt, key)
}()

// VerifyNobody spends the time a real verification takes and always fails.
func VerifyNobody(p string) {
	VerifyPassword(p, dummyHash)
}
