// Command etcd is upstream etcd v3.5.21 (the release k8s 1.33 pairs with),
// built for ctrlscope's cluster test tier.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
