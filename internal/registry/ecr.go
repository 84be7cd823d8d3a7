package registry

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// ecrMaxPage is the largest page ECR's Describe calls serve.
const ecrMaxPage = 1000

// ecrRegistry reaches AWS ECR through aws-sdk-go-v2: DescribeRepositories,
// DescribeImages, BatchDeleteImage, and GetAuthorizationToken for the
// 12-hour login. ECR has no namespaces: repository names may hold "/".
type ecrRegistry struct {
	remote     *Remote
	client     *ecr.Client
	registryID *string
}

func newECR(cfg Config, rem *Remote) (*ecrRegistry, error) {
	region := cfg.Settings["region"]
	if region == "" {
		return nil, &Error{Reason: ReasonInvalid, Field: "settings.region", Message: "an ECR registry needs its region"}
	}
	c := cfg.Credential
	if c == nil || c.Type != "aws" {
		return nil, &Error{Reason: ReasonInvalid, Field: "credentialId", Message: "an ECR registry needs an aws credential"}
	}
	httpClient := &http.Client{Transport: rem.Transport, Timeout: time.Minute}
	var provider aws.CredentialsProvider = awscreds.NewStaticCredentialsProvider(c.Get("accessKeyId"), c.Get("secretAccessKey"), c.Get("sessionToken"))
	if arn := c.Get("roleArn"); arn != "" {
		stsOpts := sts.Options{Region: region, Credentials: provider, HTTPClient: httpClient}
		if ep := cfg.Settings["stsEndpoint"]; ep != "" {
			stsOpts.BaseEndpoint = aws.String(ep)
		}
		provider = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.New(stsOpts), arn, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = "wheelhouse"
		}))
	}
	opts := ecr.Options{Region: region, Credentials: provider, HTTPClient: httpClient, RetryMaxAttempts: 2}
	if ep := cfg.Settings["apiEndpoint"]; ep != "" {
		opts.BaseEndpoint = aws.String(ep)
	}
	e := &ecrRegistry{remote: rem, client: ecr.New(opts)}
	if id := cfg.Settings["registryId"]; id != "" {
		e.registryID = aws.String(id)
	}
	rem.login = e.Login
	return e, nil
}

func (e *ecrRegistry) Remote() *Remote     { return e.remote }
func (e *ecrRegistry) HasNamespaces() bool { return false }

// ecrError classifies what the SDK returned by the API's error codes.
func ecrError(what string, err error) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException", "InvalidClientTokenId", "SignatureDoesNotMatch":
			return denied(what, api.ErrorMessage(), false)
		case "AccessDeniedException", "AccessDenied":
			return denied(what, api.ErrorMessage(), true)
		case "RepositoryNotFoundException", "ImageNotFoundException":
			return notFound("%s: %s", what, api.ErrorMessage())
		}
		return &Error{Reason: ReasonFailed, Message: fmt.Sprintf("%s: %s: %s", what, api.ErrorCode(), api.ErrorMessage())}
	}
	return Classify(what, err)
}

func (e *ecrRegistry) Login(ctx context.Context) (*Login, error) {
	out, err := e.client.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		return nil, ecrError("get an ECR authorization token", err)
	}
	if len(out.AuthorizationData) == 0 || out.AuthorizationData[0].AuthorizationToken == nil {
		return nil, &Error{Reason: ReasonFailed, Message: "get an ECR authorization token: the answer holds none"}
	}
	d := out.AuthorizationData[0]
	raw, err := base64.StdEncoding.DecodeString(*d.AuthorizationToken)
	user, pass, ok := strings.Cut(string(raw), ":")
	if err != nil || !ok {
		return nil, &Error{Reason: ReasonFailed, Message: "get an ECR authorization token: the token is not base64 of user:password"}
	}
	return &Login{Host: e.remote.Host(), Username: user, Password: pass, ExpiresAt: d.ExpiresAt}, nil
}

func (e *ecrRegistry) Check(ctx context.Context) error {
	if _, err := e.Login(ctx); err != nil {
		return err
	}
	_, err := e.client.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RegistryId: e.registryID, MaxResults: aws.Int32(1)})
	if err != nil {
		return ecrError("list ECR repositories", err)
	}
	return nil
}

func (e *ecrRegistry) Namespaces(context.Context, Page) (*List[Namespace], error) {
	return &List[Namespace]{Items: []Namespace{}, Total: 0}, nil
}

// Repositories pages with ECR's NextToken; the name filter is applied
// here (ECR filters by exact names only). A page that kept too few names
// is followed by one asking only for the rest, so that no more than the
// limit come back and the token still continues where the names stopped.
func (e *ecrRegistry) Repositories(ctx context.Context, namespace string, p Page) (*List[Repository], error) {
	out := &List[Repository]{Items: []Repository{}, Total: -1}
	token := p.Continue
	for {
		in := &ecr.DescribeRepositoriesInput{RegistryId: e.registryID, MaxResults: aws.Int32(int32(min(p.Limit-len(out.Items), ecrMaxPage)))}
		if token != "" {
			in.NextToken = aws.String(token)
		}
		res, err := e.client.DescribeRepositories(ctx, in)
		if err != nil {
			return nil, ecrError("list ECR repositories", err)
		}
		for _, r := range res.Repositories {
			name := aws.ToString(r.RepositoryName)
			if (namespace == "" || strings.HasPrefix(name, namespace+"/")) && strings.Contains(name, p.Filter) {
				out.Items = append(out.Items, Repository{Name: name, Tags: -1, UpdatedAt: r.CreatedAt})
			}
		}
		token = aws.ToString(res.NextToken)
		if token == "" || len(out.Items) >= p.Limit {
			out.Continue = token
			return out, nil
		}
	}
}

// Tags pages through the repository's tagged images with ECR's NextToken
// and lists each tag of each; the name filter is applied here. As for
// Repositories, a page that kept too few tags is followed by one asking
// for the rest only (an image with several tags can still overshoot).
func (e *ecrRegistry) Tags(ctx context.Context, repository string, p Page) (*List[Tag], error) {
	out := &List[Tag]{Items: []Tag{}, Total: -1}
	token := p.Continue
	for {
		in := &ecr.DescribeImagesInput{RegistryId: e.registryID, RepositoryName: aws.String(repository),
			MaxResults: aws.Int32(int32(min(p.Limit-len(out.Items), ecrMaxPage))), Filter: &ecrtypes.DescribeImagesFilter{TagStatus: ecrtypes.TagStatusTagged}}
		if token != "" {
			in.NextToken = aws.String(token)
		}
		res, err := e.client.DescribeImages(ctx, in)
		if err != nil {
			return nil, ecrError("list images of "+repository, err)
		}
		for _, d := range res.ImageDetails {
			t := Tag{Digest: aws.ToString(d.ImageDigest), MediaType: aws.ToString(d.ImageManifestMediaType), Size: aws.ToInt64(d.ImageSizeInBytes), PushedAt: d.ImagePushedAt}
			e.remote.platformsOf(ctx, repository, &t)
			for _, tag := range d.ImageTags {
				if strings.Contains(tag, p.Filter) {
					tt := t
					tt.Name = tag
					out.Items = append(out.Items, tt)
				}
			}
		}
		token = aws.ToString(res.NextToken)
		if token == "" || len(out.Items) >= p.Limit {
			out.Continue = token
			return out, nil
		}
	}
}

func (e *ecrRegistry) DeleteTag(ctx context.Context, repository, tag string) error {
	what := fmt.Sprintf("delete %s:%s", repository, tag)
	res, err := e.client.BatchDeleteImage(ctx, &ecr.BatchDeleteImageInput{RegistryId: e.registryID, RepositoryName: aws.String(repository),
		ImageIds: []ecrtypes.ImageIdentifier{{ImageTag: aws.String(tag)}}})
	if err != nil {
		return ecrError(what, err)
	}
	// One image id asked for: at most one failure.
	if len(res.Failures) == 0 {
		return nil
	}
	f := res.Failures[0]
	if f.FailureCode == ecrtypes.ImageFailureCodeImageTagDoesNotMatchDigest || f.FailureCode == ecrtypes.ImageFailureCodeImageNotFound {
		return notFound("%s: %s", what, aws.ToString(f.FailureReason))
	}
	return &Error{Reason: ReasonFailed, Message: fmt.Sprintf("%s: %s: %s", what, f.FailureCode, aws.ToString(f.FailureReason))}
}
