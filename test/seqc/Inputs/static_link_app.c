/* Opens model MODEL (cpu or gpu, -DMODEL=...) linked statically
 * (test/seqc/static-link.test); prints the status. */
#include MODEL_HEADER
#include <stdio.h>

int main(void) {
  seqc_error err;
  seqc_model *m = NULL;
  seqc_status status = MODEL_CREATE(&m, &err);
  printf("status %d\n", (int)status);
  seqc_rt_model_close(m);
  return 0;
}
