package registry

import (
	"context"
	"fmt"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// copyJobs is how many blobs a copy moves at once (crane's default too).
const copyJobs = 4

// Image names an image in a registry.
type Image struct {
	Registry   Adapter
	Repository string
	// Reference is a tag or a digest (sha256:...); for a copy's target, the
	// tag to write.
	Reference string
}

// Progress is how far a copy has come, in bytes of blobs.
type Progress struct {
	Total    int64
	Complete int64
}

// Copy copies src to dst, streaming blobs from one registry to the other
// through this process (a blob the target has is not sent again; within
// one registry blobs are mounted across repositories). An index is copied
// with all its images. Everything is written by digest first and the tag
// last, so a copy that fails or is cancelled leaves no tag naming a
// half-written image. It returns the digest copied; progress, when not
// nil, hears how many bytes are done.
func Copy(ctx context.Context, src, dst Image, progress func(Progress)) (string, error) {
	srcRef, err := src.Registry.Remote().Reference(src.Repository, src.Reference)
	if err != nil {
		return "", err
	}
	srcOpts, err := src.Registry.Remote().Options(ctx)
	if err != nil {
		return "", err
	}
	desc, err := remote.Get(srcRef, srcOpts...)
	if err != nil {
		return "", Classify("read "+srcRef.String(), err)
	}
	digest := desc.Digest.String()
	byDigest, err := dst.Registry.Remote().Reference(dst.Repository, digest)
	if err != nil {
		return "", err
	}
	tagRef, err := dst.Registry.Remote().Reference(dst.Repository, dst.Reference)
	if err != nil {
		return "", err
	}
	dstOpts, err := dst.Registry.Remote().Options(ctx)
	if err != nil {
		return "", err
	}
	dstOpts = append(dstOpts, remote.WithJobs(copyJobs))

	var wg sync.WaitGroup
	writeOpts := dstOpts
	if progress != nil {
		updates := make(chan v1.Update, 16)
		writeOpts = append(append([]remote.Option{}, dstOpts...), remote.WithProgress(updates))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range updates {
				if u.Error == nil {
					progress(Progress{Total: u.Total, Complete: u.Complete})
				}
			}
		}()
	}
	what := fmt.Sprintf("copy %s to %s", srcRef, tagRef)
	var tagged remote.Taggable
	switch {
	case desc.MediaType.IsIndex():
		idx, err := desc.ImageIndex()
		if err != nil {
			return "", Classify(what, err)
		}
		err = remote.WriteIndex(byDigest, idx, writeOpts...)
		wg.Wait()
		if err != nil {
			return "", Classify(what, err)
		}
		tagged = idx
	case desc.MediaType.IsImage():
		img, err := desc.Image()
		if err != nil {
			return "", Classify(what, err)
		}
		err = remote.Write(byDigest, img, writeOpts...)
		wg.Wait()
		if err != nil {
			return "", Classify(what, err)
		}
		tagged = img
	default:
		return "", &Error{Reason: ReasonInvalid, Field: "from.reference", Message: fmt.Sprintf("%s is a %s, neither an image nor an index", srcRef, desc.MediaType)}
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := remote.Tag(tagRef.Context().Tag(dst.Reference), tagged, dstOpts...); err != nil {
		return "", Classify(what, err)
	}
	return digest, nil
}
