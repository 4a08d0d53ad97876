// Command render prints the objects of a kustomize directory as a JSON array
// (kustomize's own library, as `kubectl kustomize` uses it).
// Usage: render DIR
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: render DIR")
		os.Exit(2)
	}
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "kustomize:", err)
		os.Exit(1)
	}
	var objects []map[string]any
	for _, r := range resources.Resources() {
		m, err := r.Map()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		objects = append(objects, m)
	}
	out, _ := json.MarshalIndent(objects, "", "  ")
	fmt.Println(string(out))
}
