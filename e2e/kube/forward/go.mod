module starling.dev/e2e/kube/forward

go 1.25.0
