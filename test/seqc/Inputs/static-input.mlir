// y = x + x over a fully static input [2, 7] (an ONNX export without
// dynamic_axes has such inputs).
func.func @model(%x: tensor<2x7xf32> {seq.name = "x"}) -> (tensor<2x7xf32> {seq.name = "y"}) {
  %e = tensor.empty() : tensor<2x7xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(b, t) -> (b, t)>, affine_map<(b, t) -> (b, t)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x7xf32>) outs(%e : tensor<2x7xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %a : f32
    linalg.yield %s : f32
  } -> tensor<2x7xf32>
  return %y : tensor<2x7xf32>
}
