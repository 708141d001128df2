// One causal seq.attention over q, k, v [B, H, T, 16].
func.func @model(%q: tensor<?x4x?x16xf32> {seq.name = "q", seq.dims = ["B", "", "T", ""]},
                 %k: tensor<?x4x?x16xf32> {seq.name = "k", seq.dims = ["B", "", "T", ""]},
                 %v: tensor<?x4x?x16xf32> {seq.name = "v", seq.dims = ["B", "", "T", ""]})
    -> (tensor<?x4x?x16xf32> {seq.name = "o", seq.dims = ["B", "", "T", ""]}) {
  %o = seq.attention %q, %k, %v causal(top_left)
    : (tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}
