// RUN: seq-opt %s --canonicalize | FileCheck %s

// A check whose condition folds to true costs nothing and goes; one that
// may fail stays (it has an effect: canonicalization never drops it).
// CHECK-LABEL: func.func @checks
func.func @checks(%a: index, %b: index) {
  %c3 = arith.constant 3 : index
  %same = arith.cmpi eq, %c3, %c3 : index
  // CHECK-NOT: always holds
  seq.check %same, shape "always holds"
  %maybe = arith.cmpi eq, %a, %b : index
  // CHECK: seq.check %{{.+}}, shape "may fail"
  seq.check %maybe, shape "may fail"
  return
}
