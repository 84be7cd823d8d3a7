package credentials

import (
	"slices"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name    string
		typ     string
		fields  map[string]string
		partial bool
		want    []string
	}{
		{"complete", TypeRegistry, map[string]string{"username": "a", "password": "p"}, false, nil},
		{"optional left out", TypeAWS, map[string]string{"accessKeyId": "a", "secretAccessKey": "s"}, false, nil},
		{"required missing", TypeTencent, map[string]string{"secretId": "a"}, false, []string{"secretKey"}},
		{"required empty", TypeGitToken, map[string]string{"token": ""}, false, []string{"token"}},
		{"not a field of the type", TypeAlibaba, map[string]string{"accessKeyId": "a", "accessKeySecret": "s", "region": "x"}, false, []string{"region"}},
		{"too long", TypeRegistry, map[string]string{"username": strings.Repeat("u", short+1), "password": "p"}, false, []string{"username"}},
		{"unknown type", "ftp", map[string]string{}, false, []string{"type"}},
		{"partial: only the given fields", TypeSSHKey, map[string]string{"passphrase": "new"}, true, nil},
		{"partial: a required one cannot be cleared", TypeSSHKey, map[string]string{"privateKey": ""}, true, []string{"privateKey"}},
		{"partial: an optional one can", TypeSSHKey, map[string]string{"passphrase": ""}, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, e := range Check(tc.typ, tc.fields, tc.partial) {
				got = append(got, e.Field)
				for _, v := range tc.fields {
					if len(v) > 3 && strings.Contains(e.Message, v) {
						t.Errorf("the message %q holds the value", e.Message)
					}
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("fields at fault %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	public, secret := Split(TypeAWS, map[string]string{"accessKeyId": "a", "secretAccessKey": "s", "roleArn": "arn", "stray": "x"})
	if len(public) != 1 || public["roleArn"] != "arn" || len(secret) != 2 || secret["accessKeyId"] != "a" || secret["secretAccessKey"] != "s" {
		t.Errorf("public %v, secret %v", public, secret)
	}
}
