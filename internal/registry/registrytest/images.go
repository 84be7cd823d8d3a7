package registrytest

import (
	"fmt"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Image builds an image of one layer of layerBytes random bytes for p,
// with the OS and architecture in its config so other tools accept it.
func Image(p v1.Platform, layerBytes int64) (v1.Image, error) {
	layer, err := random.Layer(layerBytes, types.DockerLayer)
	if err != nil {
		return nil, err
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant = p.OS, p.Architecture, p.Variant
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return nil, err
	}
	return mutate.MediaType(mutate.ConfigMediaType(img, types.DockerConfigJSON), types.DockerManifestSchema2), nil
}

// Index builds an index with one image per platform.
func Index(platforms []v1.Platform, layerBytes int64) (v1.ImageIndex, error) {
	idx := mutate.IndexMediaType(empty.Index, types.DockerManifestList)
	for _, p := range platforms {
		img, err := Image(p, layerBytes)
		if err != nil {
			return nil, err
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}})
	}
	return idx, nil
}

// Push writes an index of platforms (layerBytes per image) to
// r's repo:tag as user/password and returns its digest.
func (r *Registry) Push(repo, tag, user, password string, platforms []v1.Platform, layerBytes int64) (string, error) {
	idx, err := Index(platforms, layerBytes)
	if err != nil {
		return "", err
	}
	ref, err := r.Ref(repo + ":" + tag)
	if err != nil {
		return "", err
	}
	if err := remote.WriteIndex(ref, idx, r.RemoteOptions(user, password)...); err != nil {
		return "", fmt.Errorf("push %s: %w", ref, err)
	}
	d, err := idx.Digest()
	return d.String(), err
}

// Ref names an image of r.
func (r *Registry) Ref(s string) (name.Reference, error) {
	opts := []name.Option{}
	if r.CAPEM == nil {
		opts = append(opts, name.Insecure)
	}
	return name.ParseReference(r.Host+"/"+s, opts...)
}

// RemoteOptions log in to r as user/password, trusting its CA.
func (r *Registry) RemoteOptions(user, password string) []remote.Option {
	opts := []remote.Option{remote.WithAuth(&authn.Basic{Username: user, Password: password})}
	if r.CAPEM != nil {
		opts = append(opts, remote.WithTransport(r.Transport()))
	}
	return opts
}
