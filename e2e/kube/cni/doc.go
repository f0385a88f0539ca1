// Package cni pins the CNI plugins that build-binaries.sh builds (pod interfaces).
package cni
