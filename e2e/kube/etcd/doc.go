// Package etcd pins the etcd release that build-binaries.sh builds.
package etcd
