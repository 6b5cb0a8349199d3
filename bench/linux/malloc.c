/* Small malloc/free pairs (24 bytes, the size of NexOS's alloc_small object), timed in
 * batches of 100 as the kernel times its allocations. NexOS's figure is an allocation whose
 * free happens later in a collection; this one includes the free. */
#include "bench.h"

#define BATCHES 1000
#define PER_BATCH 100

int main(void)
{
    struct samples s;
    samples_init(&s, BATCHES);
    void *volatile keep = NULL;
    for (int b = 0; b < BATCHES; b++) {
        uint64_t start = now_ns();
        for (int i = 0; i < PER_BATCH; i++) {
            void *p = malloc(24);
            keep = p;
            free(p);
        }
        samples_add(&s, (now_ns() - start) / PER_BATCH);
    }
    (void)keep;
    print_json("malloc_free_small", &s);
    return 0;
}
