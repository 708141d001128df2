// y = x + x: a model without a single weight.
func.func @model(%x: tensor<?x4xf32> {seq.name = "x", seq.dims = ["B", ""]}) -> (tensor<?x4xf32> {seq.name = "y"}) {
  %c0 = arith.constant 0 : index
  %B = tensor.dim %x, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%B) : tensor<?x4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(b, i) -> (b, i)>, affine_map<(b, i) -> (b, i)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %a : f32
    linalg.yield %s : f32
  } -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
