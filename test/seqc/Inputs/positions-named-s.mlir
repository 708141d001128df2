// Positions along a time axis named S (not T).
func.func @model(%x: tensor<?x?x8xf32> {seq.name = "x", seq.dims = ["B", "S", ""]})
    -> (tensor<?xi64> {seq.name = "p", seq.dims = ["S"]}) {
  %p = seq.positions %x dim(1) : tensor<?x?x8xf32> -> tensor<?xi64>
  return %p : tensor<?xi64>
}
