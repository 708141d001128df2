// Causal linear attention, normalised with phi = elu + 1 (o) and plain
// (u), over run-time B and T.
func.func @m(%q: tensor<?x2x?x4xf32> {seq.name = "q", seq.dims = ["B", "", "T", ""]}, %k: tensor<?x2x?x4xf32> {seq.name = "k", seq.dims = ["B", "", "T", ""]}, %v: tensor<?x2x?x3xf32> {seq.name = "v", seq.dims = ["B", "", "T", ""]}) -> (tensor<?x2x?x3xf32> {seq.name = "o", seq.dims = ["B", "", "T", ""]}, tensor<?x2x?x3xf32> {seq.name = "u", seq.dims = ["B", "", "T", ""]}) {
  %o, %s, %z = seq.linear_attention %q, %k, %v feature_map(elu_plus_one) {normalize}
    : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x3xf32>) -> (tensor<?x2x?x3xf32>, tensor<?x2x4x3xf32>, tensor<?x2x4xf32>)
  %u, %s2, %z2 = seq.linear_attention %q, %k, %v
    : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x3xf32>) -> (tensor<?x2x?x3xf32>, tensor<?x2x4x3xf32>, tensor<?x2x4xf32>)
  return %o, %u : tensor<?x2x?x3xf32>, tensor<?x2x?x3xf32>
}
