package sizing

import "testing"

// TestKubeReserved: the EKS AMI's reservations, worked out by hand from
// nodeadm's formulas (config.go getCPUMillicoresToReserve,
// GetMemoryMebibytesToReserve) and eni-max-pods.txt.
func TestKubeReserved(t *testing.T) {
	for _, c := range []struct {
		typ       string
		milliCPU  int64
		memoryMiB int64
	}{
		{"m6i.large", 70, 11*29 + 255},      // 60 + 10
		{"r6i.xlarge", 80, 11*58 + 255},     // 60 + 10 + 10
		{"m6i.4xlarge", 110, 11*234 + 255},  // 60 + 10 + 10 + 12 × 2.5
		{"r7i.48xlarge", 550, 11*737 + 255}, // 60 + 10 + 10 + 188 × 2.5
	} {
		it, ok := Lookup(c.typ)
		if !ok {
			t.Fatalf("%s not in the table", c.typ)
		}
		k := it.KubeReserved()
		if k.MilliCPU != c.milliCPU || k.Bytes != c.memoryMiB*mi {
			t.Errorf("%s: kube-reserved %dm %dMi, want %dm %dMi", c.typ, k.MilliCPU, k.Bytes/mi, c.milliCPU, c.memoryMiB)
		}
	}
}

// TestTable: vCPU and memory of a few types as the EC2 specifications list
// them.
func TestTable(t *testing.T) {
	for typ, want := range map[string]InstanceType{
		"m6i.4xlarge":  {VCPU: 16, MemoryGiB: 64, MaxPods: 234},
		"m6i.2xlarge":  {VCPU: 8, MemoryGiB: 32, MaxPods: 58},
		"r6i.xlarge":   {VCPU: 4, MemoryGiB: 32, MaxPods: 58},
		"m7i.48xlarge": {VCPU: 192, MemoryGiB: 768, MaxPods: 737},
		"r6i.32xlarge": {VCPU: 128, MemoryGiB: 1024, MaxPods: 737},
		"m5.24xlarge":  {VCPU: 96, MemoryGiB: 384, MaxPods: 737},
	} {
		if got, _ := Lookup(typ); got != want {
			t.Errorf("%s: %+v, want %+v", typ, got, want)
		}
	}
	if _, ok := Lookup("m6i.3xlarge"); ok {
		t.Error("m6i.3xlarge does not exist")
	}
}
