package policy_test

import (
	"os"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/policy"
)

// The layout is the reply's, not ours: each division's role rests on words
// that stand in the reply exactly as quoted.
func TestLayoutRolesRestOnTheReplysWords(t *testing.T) {
	src, err := os.ReadFile("../../testdata/000_ddc10b41889c9f4f.txt")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	roles := map[policy.LayoutRole][]string{}
	for _, d := range policy.Divisions {
		if !strings.Contains(text, d.Basis) {
			t.Errorf("%s: basis %q is not in the reply", d.Name, d.Basis)
		}
		if !strings.Contains(d.Basis, d.Short) && d.Role != policy.RoleOther && d.Short != "贵阳" && d.Short != "黔南州" {
			t.Errorf("%s: basis %q does not name it", d.Name, d.Basis)
		}
		roles[d.Role] = append(roles[d.Role], d.Short)
	}
	want := map[policy.LayoutRole]string{
		policy.RoleCore:  "贵阳 黔南州",
		policy.RoleZone:  "六盘水 铜仁 黔西南州",
		policy.RoleOther: "遵义 安顺 毕节 黔东南州",
	}
	for r, w := range want {
		if got := strings.Join(roles[r], " "); got != w {
			t.Errorf("role %s: %s, want %s", r, got, w)
		}
	}
	if len(policy.Divisions) != 9 {
		t.Errorf("%d divisions, want Guizhou's nine", len(policy.Divisions))
	}
}
