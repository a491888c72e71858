// Command topogen compiles a CUE topology of a multi-region MongoDB
// deployment into Kubernetes, Terraform, replica-set, Prometheus and GitOps
// files. This package is the command line only: flags, exit codes, printing.
package main

import "os"

func main() { os.Exit(Main(os.Args[1:])) }
