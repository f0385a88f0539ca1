// Package coredns pins the CoreDNS release that build-binaries.sh builds (cluster DNS).
package coredns
