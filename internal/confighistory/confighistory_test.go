package confighistory

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDiff(t *testing.T) {
	for _, tt := range []struct {
		name     string
		from, to Snapshot
		want     []KeyChange
	}{
		{"same", Snapshot{Data: map[string]string{"a": "1"}}, Snapshot{Data: map[string]string{"a": "1"}}, nil},
		{"configmap", Snapshot{Data: map[string]string{"a": "1", "b": "2"}}, Snapshot{Data: map[string]string{"b": "3", "c": "4"}},
			[]KeyChange{
				{Key: "a", Change: KeyRemoved, From: []byte("1")},
				{Key: "b", Change: KeyChanged, From: []byte("2"), To: []byte("3")},
				{Key: "c", Change: KeyAdded, To: []byte("4")},
			}},
		{"text to binary", Snapshot{Data: map[string]string{"a": "x"}}, Snapshot{BinaryData: map[string][]byte{"a": []byte("x")}},
			[]KeyChange{{Key: "a", Change: KeyChanged, From: []byte("x"), To: []byte("x"), Binary: true}}},
		{"secret", Snapshot{SecretData: map[string][]byte{"p": []byte("old")}}, Snapshot{SecretData: map[string][]byte{"p": []byte("new"), "u": nil}},
			[]KeyChange{{Key: "p", Change: KeyChanged, From: []byte("old"), To: []byte("new")}, {Key: "u", Change: KeyAdded}}},
		{"empty", Snapshot{}, Snapshot{}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, Diff(tt.from, tt.to)); d != "" {
				t.Errorf("Diff (-want +got):\n%s", d)
			}
		})
	}
}

func TestKeys(t *testing.T) {
	s := Snapshot{Data: map[string]string{"b": "1"}, BinaryData: map[string][]byte{"a": nil}}
	if got := s.Keys(); !cmp.Equal(got, []string{"a", "b"}) {
		t.Errorf("Keys: %v", got)
	}
}
