package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Push is one image push a registry announced.
type Push struct {
	Repository string
	Tag        string
	Digest     string
	Time       time.Time
	// Key identifies the push for deduplication (the notification's own id
	// where it has one).
	Key string
}

// ErrNotPush is returned for a well-formed notification that announces no
// image push (a pull, a delete, a blob upload): it is acknowledged and
// ignored.
var ErrNotPush = errors.New("not an image push")

// MalformedError is a notification body that cannot be read.
type MalformedError struct{ Reason string }

func (e *MalformedError) Error() string { return "malformed notification: " + e.Reason }

func malformed(format string, args ...any) error {
	return &MalformedError{Reason: fmt.Sprintf(format, args...)}
}

// ParsePushes reads the pushes a notification from source (a
// store.Webhook* source) announces. Each format is its vendor's published
// one: Harbor's webhook payload (also what TCR Enterprise sends, being
// built on Harbor), ACR's and Docker Hub's push payloads, distribution's
// notification envelope (manifest pushes only), and EventBridge's "ECR
// Image Action" event.
func ParsePushes(source string, body []byte, now time.Time) ([]Push, error) {
	switch source {
	case "harbor", "tcr":
		return parseHarbor(body, now)
	case "acr":
		return parseACR(body, now)
	case "dockerhub":
		return parseDockerHub(body, now)
	case "distribution":
		return parseDistribution(body)
	case "ecr":
		return parseECR(body)
	}
	return nil, fmt.Errorf("unknown webhook source %q", source)
}

func parseHarbor(body []byte, now time.Time) ([]Push, error) {
	var ev struct {
		Type      string `json:"type"`
		OccurAt   int64  `json:"occur_at"`
		EventData *struct {
			Resources []struct {
				Digest string `json:"digest"`
				Tag    string `json:"tag"`
			} `json:"resources"`
			Repository struct {
				RepoFullName string `json:"repo_full_name"`
			} `json:"repository"`
		} `json:"event_data"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, malformed("%v", err)
	}
	if ev.Type == "" || ev.EventData == nil {
		return nil, malformed("want type and event_data")
	}
	if t := strings.ToUpper(ev.Type); t != "PUSH_ARTIFACT" && t != "PUSHIMAGE" && t != "PUSH_IMAGE" {
		return nil, ErrNotPush
	}
	repo := ev.EventData.Repository.RepoFullName
	if repo == "" {
		return nil, malformed("event_data.repository.repo_full_name is empty")
	}
	at := now
	if ev.OccurAt > 0 {
		at = time.Unix(ev.OccurAt, 0).UTC()
	}
	var out []Push
	for _, r := range ev.EventData.Resources {
		out = append(out, Push{Repository: repo, Tag: r.Tag, Digest: r.Digest, Time: at,
			Key: fmt.Sprintf("%s:%s@%s/%d", repo, r.Tag, r.Digest, ev.OccurAt)})
	}
	if len(out) == 0 {
		return nil, malformed("event_data.resources is empty")
	}
	return out, nil
}

func parseACR(body []byte, now time.Time) ([]Push, error) {
	var ev struct {
		PushData *struct {
			Digest   string `json:"digest"`
			PushedAt string `json:"pushed_at"`
			Tag      string `json:"tag"`
		} `json:"push_data"`
		Repository *struct {
			Name         string `json:"name"`
			Namespace    string `json:"namespace"`
			RepoFullName string `json:"repo_full_name"`
		} `json:"repository"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, malformed("%v", err)
	}
	if ev.PushData == nil || ev.Repository == nil {
		return nil, malformed("want push_data and repository")
	}
	repo := ev.Repository.RepoFullName
	if repo == "" {
		repo = ev.Repository.Namespace + "/" + ev.Repository.Name
	}
	if ev.PushData.Tag == "" || repo == "/" {
		return nil, malformed("push_data.tag and repository name must be set")
	}
	at := now
	if t, err := time.ParseInLocation("2006-01-02 15:04:05", ev.PushData.PushedAt, time.FixedZone("CST", 8*3600)); err == nil {
		at = t.UTC()
	}
	digest := ev.PushData.Digest
	if digest != "" && !strings.HasPrefix(digest, "sha256:") {
		digest = "sha256:" + digest
	}
	return []Push{{Repository: repo, Tag: ev.PushData.Tag, Digest: digest, Time: at,
		Key: fmt.Sprintf("%s:%s@%s/%s", repo, ev.PushData.Tag, digest, ev.PushData.PushedAt)}}, nil
}

func parseDockerHub(body []byte, now time.Time) ([]Push, error) {
	var ev struct {
		PushData *struct {
			PushedAt json.Number `json:"pushed_at"`
			Tag      string      `json:"tag"`
		} `json:"push_data"`
		Repository *struct {
			RepoName string `json:"repo_name"`
		} `json:"repository"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, malformed("%v", err)
	}
	if ev.PushData == nil || ev.Repository == nil || ev.Repository.RepoName == "" || ev.PushData.Tag == "" {
		return nil, malformed("want push_data.tag and repository.repo_name")
	}
	at := now
	if n, err := strconv.ParseInt(ev.PushData.PushedAt.String(), 10, 64); err == nil && n > 0 {
		at = time.Unix(n, 0).UTC()
	}
	return []Push{{Repository: ev.Repository.RepoName, Tag: ev.PushData.Tag, Time: at,
		Key: fmt.Sprintf("%s:%s/%s", ev.Repository.RepoName, ev.PushData.Tag, ev.PushData.PushedAt)}}, nil
}

// manifestTypes are the media types of distribution events that push a
// manifest (not a blob).
var manifestTypes = map[string]bool{
	"application/vnd.docker.distribution.manifest.v2+json":      true,
	"application/vnd.docker.distribution.manifest.list.v2+json": true,
	"application/vnd.oci.image.manifest.v1+json":                true,
	"application/vnd.oci.image.index.v1+json":                   true,
	"application/vnd.docker.distribution.manifest.v1+prettyjws": true,
}

func parseDistribution(body []byte) ([]Push, error) {
	var env struct {
		Events []struct {
			ID        string    `json:"id"`
			Timestamp time.Time `json:"timestamp"`
			Action    string    `json:"action"`
			Target    struct {
				MediaType  string `json:"mediaType"`
				Digest     string `json:"digest"`
				Repository string `json:"repository"`
				Tag        string `json:"tag"`
			} `json:"target"`
		} `json:"events"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, malformed("%v", err)
	}
	if env.Events == nil {
		return nil, malformed("want an events list")
	}
	var out []Push
	for _, e := range env.Events {
		// A push by digest (an index's images, pushed before the index
		// is tagged) is not an image push anyone subscribes to.
		if e.Action != "push" || !manifestTypes[e.Target.MediaType] || e.Target.Tag == "" {
			continue
		}
		if e.ID == "" || e.Target.Repository == "" {
			return nil, malformed("a push event needs id and target.repository")
		}
		out = append(out, Push{Repository: e.Target.Repository, Tag: e.Target.Tag, Digest: e.Target.Digest, Time: e.Timestamp.UTC(), Key: e.ID})
	}
	if len(out) == 0 {
		return nil, ErrNotPush
	}
	return out, nil
}

func parseECR(body []byte) ([]Push, error) {
	var ev struct {
		ID         string    `json:"id"`
		DetailType string    `json:"detail-type"`
		Source     string    `json:"source"`
		Time       time.Time `json:"time"`
		Detail     *struct {
			Result         string `json:"result"`
			RepositoryName string `json:"repository-name"`
			ImageDigest    string `json:"image-digest"`
			ActionType     string `json:"action-type"`
			ImageTag       string `json:"image-tag"`
		} `json:"detail"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, malformed("%v", err)
	}
	if ev.ID == "" || ev.Detail == nil || ev.Source != "aws.ecr" {
		return nil, malformed("want an EventBridge event from aws.ecr with id and detail")
	}
	if ev.DetailType != "ECR Image Action" || ev.Detail.ActionType != "PUSH" || ev.Detail.Result != "SUCCESS" {
		return nil, ErrNotPush
	}
	if ev.Detail.RepositoryName == "" {
		return nil, malformed("detail.repository-name is empty")
	}
	return []Push{{Repository: ev.Detail.RepositoryName, Tag: ev.Detail.ImageTag, Digest: ev.Detail.ImageDigest, Time: ev.Time.UTC(), Key: ev.ID}}, nil
}
