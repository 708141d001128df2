// RWKV-4's WKV over run-time B and T: the result and the final state.
func.func @m(%k: tensor<?x?x5xf32> {seq.name = "k", seq.dims = ["B", "T", ""]},
             %v: tensor<?x?x5xf32> {seq.name = "v", seq.dims = ["B", "T", ""]},
             %w: tensor<5xf32> {seq.name = "w", seq.dims = [""]},
             %u: tensor<5xf32> {seq.name = "u", seq.dims = [""]})
    -> (tensor<?x?x5xf32> {seq.name = "y", seq.dims = ["B", "T", ""]},
        tensor<?x3x5xf32> {seq.name = "state", seq.dims = ["B", "", ""]}) {
  %y, %s = seq.wkv %k, %v, %w, %u
    : (tensor<?x?x5xf32>, tensor<?x?x5xf32>, tensor<5xf32>, tensor<5xf32>) -> (tensor<?x?x5xf32>, tensor<?x3x5xf32>)
  return %y, %s : tensor<?x?x5xf32>, tensor<?x3x5xf32>
}
