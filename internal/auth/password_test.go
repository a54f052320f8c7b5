package auth

import (
	"strings"
	"testing"
)

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		name, password string
		ok             bool
	}{
		{"seven ASCII", "abcdefg", false},
		{"eight ASCII", "abcdefgh", true},
		{"seven Chinese characters", "左磷右锂新赛道", false},
		{"eight Chinese characters", "左磷右锂开辟新赛", true},
		{"eight emoji", "🔋🔋🔋🔋🔋🔋🔋🔋", true},
		{"seven emoji", "🔋🔋🔋🔋🔋🔋🔋", false},
		{"256 characters", strings.Repeat("锂", 256), true},
		{"257 characters", strings.Repeat("锂", 257), false},
		{"invalid UTF-8", "abcdefgh\xff", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := CheckPassword(tc.password)
			if p.OK() != tc.ok {
				t.Errorf("CheckPassword(%q) = %v, want ok=%v", tc.password, p, tc.ok)
			}
		})
	}
}

func TestHashAndVerify(t *testing.T) {
	hash, err := HashPassword("左磷右锂开辟新赛道🔋")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=47104,t=1,p=1$") {
		t.Errorf("hash %q does not carry OWASP's argon2id parameters", hash)
	}
	for _, tc := range []struct {
		password string
		want     bool
	}{
		{"左磷右锂开辟新赛道🔋", true},
		{"左磷右锂开辟新赛道", false},
		{"", false},
	} {
		ok, err := VerifyPassword(tc.password, hash)
		if err != nil || ok != tc.want {
			t.Errorf("VerifyPassword(%q) = %v, %v; want %v", tc.password, ok, err, tc.want)
		}
	}
	again, _ := HashPassword("左磷右锂开辟新赛道🔋")
	if again == hash {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestVerifyNormalisesToNFC(t *testing.T) {
	// é as one code point and as e + combining acute accent.
	hash, _ := HashPassword("caf\u00e9-passw0rd")
	if ok, _ := VerifyPassword("cafe\u0301-passw0rd", hash); !ok {
		t.Error("the decomposed form of a password does not match its composed form")
	}
}

func TestVerifyRefusesMalformedHashes(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=18$m=1,t=1,p=1$c2FsdA$a2V5",
		"$argon2id$v=19$m=x,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=8,t=1,p=1$!!$a2V5", "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$"} {
		if ok, err := VerifyPassword("whatever", h); ok || err == nil {
			t.Errorf("VerifyPassword(_, %q) = %v, %v; want false and an error", h, ok, err)
		}
	}
}

// BenchmarkHashPassword measures what one login costs the server.
func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("左磷右锂开辟新赛道"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestVerifyNobodyCostsWhatARealVerificationCosts(t *testing.T) {
	if _, err := VerifyPassword("anything at all", dummyHash); err != nil {
		t.Fatalf("the dummy hash does not parse: %v", err)
	}
	real, err := HashPassword("anything at all")
	if err != nil {
		t.Fatal(err)
	}
	params := func(h string) string { return strings.Split(h, "$")[3] }
	if params(dummyHash) != params(real) || len(dummyHash) != len(real) {
		t.Errorf("dummy hash %s, a real one %s: verifying them would not cost the same", dummyHash, real)
	}
	if ok, _ := VerifyPassword("anything at all", dummyHash); ok {
		t.Errorf("the dummy hash matched a password")
	}
}
