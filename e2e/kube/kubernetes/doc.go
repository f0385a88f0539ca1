// Package kubernetes pins the upstream Kubernetes release whose commands build-binaries.sh builds.
package kubernetes
