// Two causal seq.attentions of one kind (one kernel): the second reads
// its queries negated.
func.func @model(%q: tensor<?x2x?x4xf32> {seq.name = "q", seq.dims = ["B", "", "T", ""]},
                 %k: tensor<?x2x?x4xf32> {seq.name = "k", seq.dims = ["B", "", "T", ""]},
                 %v: tensor<?x2x?x4xf32> {seq.name = "v", seq.dims = ["B", "", "T", ""]})
    -> (tensor<?x2x?x4xf32> {seq.name = "o", seq.dims = ["B", "", "T", ""]}) {
  %a = seq.attention %q, %k, %v causal(top_left) {min_row_max = 0.0 : f32, scale = 1.0 : f32}
    : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>) -> tensor<?x2x?x4xf32>
  %n = arith.negf %q : tensor<?x2x?x4xf32>
  %b = seq.attention %n, %k, %a causal(top_left) {min_row_max = 0.0 : f32, scale = 1.0 : f32}
    : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>) -> tensor<?x2x?x4xf32>
  return %b : tensor<?x2x?x4xf32>
}
