package pullsecrets

import (
	"encoding/base64"
	"encoding/json"

	"github.com/wheelhouse-dev/wheelhouse/internal/registry"
)

// dockerHubKey is the key Docker's own clients and the kubelet use for
// Docker Hub in a docker config.
const dockerHubKey = "https://index.docker.io/v1/"

type dockerAuth struct {
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
	Auth     string `json:"auth,omitempty"`
}

// DockerConfigJSON is the .dockerconfigjson of a login: one entry for the
// registry's host.
func DockerConfigJSON(l *registry.Login) []byte {
	key := l.Host
	if key == "registry-1.docker.io" || key == "index.docker.io" || key == "docker.io" {
		key = dockerHubKey
	}
	entry := dockerAuth{}
	if l.Username != "" || l.Password != "" {
		entry = dockerAuth{Username: l.Username, Password: l.Password, Auth: base64.StdEncoding.EncodeToString([]byte(l.Username + ":" + l.Password))}
	}
	raw, _ := json.Marshal(map[string]map[string]dockerAuth{"auths": {key: entry}})
	return raw
}
