// `x == x` and `x ^ x` on tensors of a run-time extent (self-operands.test):
// folders that upstream's conversion ran made constants of the dynamic type.
func.func @m(%x: tensor<?x4xi32> {seq.name = "x"}, %b: tensor<?x4xi1> {seq.name = "b"}) -> (tensor<?x4xi1> {seq.name = "same"}, tensor<?x4xi1> {seq.name = "none"}) {
  %same = arith.cmpi eq, %x, %x : tensor<?x4xi32>
  %none = arith.xori %b, %b : tensor<?x4xi1>
  return %same, %none : tensor<?x4xi1>, tensor<?x4xi1>
}
