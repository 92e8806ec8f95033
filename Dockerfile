# syntax=docker/dockerfile:1
#
# The image of the flake-triage action: a static binary on a distroless base
# that holds CA certificates and no shell. It runs as the image's default
# user (root): GitHub's docs for Docker container actions say not to set
# USER, since the action must reach GITHUB_WORKSPACE and the command files
# the runner mounts (https://docs.github.com/en/actions/sharing-automations/creating-actions/dockerfile-support-for-github-actions#user).
# Inputs arrive as INPUT_* environment variables; action.yml passes the
# argument "triage".

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/flake-triage .

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/flake-triage /flake-triage
ENTRYPOINT ["/flake-triage"]
