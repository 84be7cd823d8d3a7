package events

import "testing"

func TestBus(t *testing.T) {
	b := New()
	a, stopA := b.Subscribe(1)
	c, stopC := b.Subscribe(2)
	b.Publish(ImagePushed{Repository: "r", Tag: "1"})
	b.Publish(ImagePushed{Repository: "r", Tag: "2"})
	if got := (<-a).Tag; got != "1" {
		t.Fatalf("first subscriber got %s", got)
	}
	if got := (<-c).Tag + (<-c).Tag; got != "12" {
		t.Fatalf("second subscriber got %s", got)
	}
	if b.Dropped() != 1 {
		t.Fatalf("dropped %d, want 1 (the full first subscriber)", b.Dropped())
	}
	stopA()
	stopA()
	if _, open := <-a; open {
		t.Fatal("channel open after the subscription ended")
	}
	b.Publish(ImagePushed{Tag: "3"})
	if got := (<-c).Tag; got != "3" {
		t.Fatalf("after another left: %s", got)
	}
	stopC()
}
