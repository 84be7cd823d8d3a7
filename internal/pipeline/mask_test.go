package pipeline

import (
	"bytes"
	"strings"
	"sync"
	"testing"
)

func TestMaskerMasksSecretsInTheLog(t *testing.T) {
	var out bytes.Buffer
	m := NewMasker(&out)
	m.Add(map[string]string{"TOKEN": "s3cret-token", "EMPTY": "", "SPACE": "  ", "KEY": "-----BEGIN KEY-----\nAAAABBBBCCCCDDDD\n}\n"})
	for _, w := range []string{
		"token=s3cret-token\n",
		"split s3c", "ret-tok", "en done\n", // a value across three writes
		"almost s3cret-tok", "EN\n", // a beginning that was not the value
		"key line AAAABBBBCCCCDDDD\n",
		"} stays\n",
		"ends with s3cret",
	} {
		if _, err := m.Write([]byte(w)); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.HasSuffix(out.String(), "ends with ") {
		t.Errorf("the end that may begin a secret was written before Flush, or more was held: %q", out.String())
	}
	if err := m.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "token=****\nsplit **** done\nalmost s3cret-tokEN\nkey line ****\n} stays\nends with s3cret"
	if out.String() != want {
		t.Errorf("log\n%q\nwant\n%q", out.String(), want)
	}
	if got := m.MaskString("step failed: bad token s3cret-token"); got != "step failed: bad token ****" {
		t.Errorf("MaskString: %q", got)
	}
}

func TestMaskerPassesThroughWithoutSecrets(t *testing.T) {
	var out bytes.Buffer
	m := NewMasker(&out)
	_, _ = m.Write([]byte("partial line without newline"))
	if out.String() != "partial line without newline" {
		t.Errorf("held back without secrets: %q", out.String())
	}
}

func TestMaskerLongestSecretFirst(t *testing.T) {
	var out bytes.Buffer
	m := NewMasker(&out)
	m.Add(map[string]string{"A": "abcd", "B": "abcdefgh"})
	_, _ = m.Write([]byte("x abcdefgh y abcd\n"))
	_ = m.Flush()
	if out.String() != "x **** y ****\n" {
		t.Errorf("%q", out.String())
	}
}

func TestMaskerConcurrentWriters(t *testing.T) {
	var out bytes.Buffer
	m := NewMasker(&out)
	m.Add(map[string]string{"T": "topsecret"})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				_, _ = m.Write([]byte("topsecret\n"))
			}
		}()
	}
	wg.Wait()
	_ = m.Flush()
	if strings.Contains(out.String(), "topsecret") || strings.Count(out.String(), Mask) != 400 {
		t.Errorf("concurrent writes: %d masks", strings.Count(out.String(), Mask))
	}
}
