// One causal seq.attention whose rows must each have a score of at least 0
// among the keys they see (min_row_max = 0).
func.func @model(%q: tensor<?x2x?x4xf32> {seq.name = "q", seq.dims = ["B", "", "T", ""]},
                 %k: tensor<?x2x?x4xf32> {seq.name = "k", seq.dims = ["B", "", "T", ""]},
                 %v: tensor<?x2x?x4xf32> {seq.name = "v", seq.dims = ["B", "", "T", ""]})
    -> (tensor<?x2x?x4xf32> {seq.name = "o", seq.dims = ["B", "", "T", ""]}) {
  %o = seq.attention %q, %k, %v causal(top_left) {min_row_max = 0.0 : f32, scale = 1.0 : f32}
    : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>) -> tensor<?x2x?x4xf32>
  return %o : tensor<?x2x?x4xf32>
}
