// Element accesses written by hand at indices read from data: a scalar
// extract and insert, a gather in a linalg body, and a pad by an amount
// read from an input. Each index (amount) is checked on every run.
#map = affine_map<(d0) -> (d0)>
func.func @m(%x: tensor<?xf32> {seq.name = "x", seq.dims = ["N"]},
             %i: tensor<i64> {seq.name = "i"},
             %ids: tensor<?xi64> {seq.name = "ids", seq.dims = ["K"]},
             %p: tensor<i64> {seq.name = "p"})
    -> (tensor<f32> {seq.name = "picked"},
        tensor<?xf32> {seq.name = "marked", seq.dims = ["N"]},
        tensor<?xf32> {seq.name = "gathered", seq.dims = ["K"]},
        tensor<?xf32> {seq.name = "padded", seq.dims = ["P"]}) {
  %iv = tensor.extract %i[] : tensor<i64>
  %idx = arith.index_cast %iv : i64 to index
  %v = tensor.extract %x[%idx] : tensor<?xf32>
  %picked = tensor.from_elements %v : tensor<f32>
  %one = arith.constant 1.0 : f32
  %marked = tensor.insert %one into %x[%idx] : tensor<?xf32>
  %c0 = arith.constant 0 : index
  %k = tensor.dim %ids, %c0 : tensor<?xi64>
  %e = tensor.empty(%k) : tensor<?xf32>
  %gathered = linalg.generic {indexing_maps = [#map, #map],
                              iterator_types = ["parallel"]}
      ins(%ids : tensor<?xi64>) outs(%e : tensor<?xf32>) {
  ^bb0(%id: i64, %o: f32):
    %at = arith.index_cast %id : i64 to index
    %g = tensor.extract %x[%at] : tensor<?xf32>
    linalg.yield %g : f32
  } -> tensor<?xf32>
  %pv = tensor.extract %p[] : tensor<i64>
  %amount = arith.index_cast %pv : i64 to index
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[%amount] high[0] {
  ^bb0(%j: index):
    tensor.yield %zero : f32
  } : tensor<?xf32> to tensor<?xf32>
  return %picked, %marked, %gathered, %padded
      : tensor<f32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>
}
