# syntax=docker/dockerfile:1
#
# The image of the flake-triage action: a static binary on a distroless base
# that holds CA certificates and no shell. It runs as the image's default
# user (root): GitHub's docs for Docker container actions say not to set
# USER, since the action must reach GITHUB_WORKSPACE and the command files
# the runner mounts (https://docs.github.com/en/actions/sharing-automations/creating-actions/dockerfile-support-for-github-actions#user).
# Inputs arrive as INPUT_* environment variables; action.yml passes the
# argument "triage".
#
# Both base images are pinned by digest (the multi-platform index's, so
# that linux/amd64 and linux/arm64 builds each get their own image): a tag
# moves when the image is rebuilt, a digest always names the same bytes,
# so a release is rebuilt from exactly what was reviewed. The tag before
# the "@" only says what the digest was taken from; Docker ignores it. To
# move to newer images, read the index digests with
#   docker buildx imagetools inspect golang:1.26
#   docker buildx imagetools inspect gcr.io/distroless/static-debian12:latest
# and replace both below (Renovate and Dependabot do this on their own).

FROM golang:1.26@sha256:595c7847cff97c9a9e76f015083c481d26078f961c9c8dca3923132f51fe12f1 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/flake-triage .

FROM gcr.io/distroless/static-debian12:latest@sha256:d75cdd72874d4790092fcb1b058493ecf6bb5bf2b2b897045b00ff01d91843f2
COPY --from=build /out/flake-triage /flake-triage
ENTRYPOINT ["/flake-triage"]
