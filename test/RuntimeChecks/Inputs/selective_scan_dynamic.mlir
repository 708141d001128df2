// A selective scan whose operands all have run-time B and T, none named:
// seqc-name-tied-dims names the sizes the op ties.
func.func @m(%u: tensor<?x?x4xf32> {seq.name = "u"}, %dt: tensor<?x?x4xf32> {seq.name = "dt"},
             %b: tensor<?x?x3xf32> {seq.name = "b"}, %c: tensor<?x?x3xf32> {seq.name = "c"})
    -> (tensor<?x?x4xf32> {seq.name = "y"}, tensor<?x4x3xf32> {seq.name = "h"}) {
  %a = arith.constant dense<-0.5> : tensor<4x3xf32>
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c {delta_softplus}
    : (tensor<?x?x4xf32>, tensor<?x?x4xf32>, tensor<4x3xf32>, tensor<?x?x3xf32>, tensor<?x?x3xf32>) -> (tensor<?x?x4xf32>, tensor<?x4x3xf32>)
  return %y, %h : tensor<?x?x4xf32>, tensor<?x4x3xf32>
}
