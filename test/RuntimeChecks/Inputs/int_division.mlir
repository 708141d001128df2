// Integer divisions by data written by hand: a signed quotient in a linalg
// body, a remainder of whole tensors (made elementwise by the importer),
// and an unsigned quotient of scalars. A zero divisor, or INT_MIN / -1,
// fails the run naming the op (they trapped: SIGFPE).
#map = affine_map<(d0) -> (d0)>
func.func @m(%a: tensor<?xi64> {seq.name = "a", seq.dims = ["N"]},
             %b: tensor<?xi64> {seq.name = "b", seq.dims = ["N"]},
             %s: tensor<i32> {seq.name = "s"})
    -> (tensor<?xi64> {seq.name = "q", seq.dims = ["N"]},
        tensor<?xi64> {seq.name = "r", seq.dims = ["N"]},
        tensor<i32> {seq.name = "u"}) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?xi64>
  %e = tensor.empty(%n) : tensor<?xi64>
  %q = linalg.generic {indexing_maps = [#map, #map, #map],
                       iterator_types = ["parallel"]}
      ins(%a, %b : tensor<?xi64>, tensor<?xi64>) outs(%e : tensor<?xi64>) {
  ^bb0(%x: i64, %y: i64, %o: i64):
    %d = arith.divsi %x, %y : i64
    linalg.yield %d : i64
  } -> tensor<?xi64>
  %r = arith.remsi %a, %b : tensor<?xi64>
  %sv = tensor.extract %s[] : tensor<i32>
  %seven = arith.constant 7 : i32
  %uv = arith.divui %seven, %sv : i32
  %u = tensor.from_elements %uv : tensor<i32>
  return %q, %r, %u : tensor<?xi64>, tensor<?xi64>, tensor<i32>
}
