/* Demand-zero page faults: the first write to each 4 KiB page of a fresh anonymous
 * MAP_PRIVATE mapping. Each sample maps 64 pages (256 KiB), touches every page once with a
 * write (a read first would map the shared zero page and fault again on the write) and
 * records the time of the 64 touches divided by 64; mapping and unmapping are not timed.
 * MADV_NOHUGEPAGE keeps transparent huge pages out (256 KiB could not hold an aligned 2 MiB
 * page anyway), so every page is one fault of its own; anonymous memory gets no
 * fault-around.
 * Compares with NexOS's user_page_fault. */
#include "bench.h"

#include <errno.h>
#include <sys/mman.h>

#define SAMPLES 300
#define WARMUP 10
#define PAGES 64
#define PAGE 4096

int main(void)
{
    struct samples s;
    samples_init(&s, SAMPLES);
    for (int i = 0; i < SAMPLES + WARMUP; i++) {
        volatile char *p = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            print_error("mmap_first_touch", "mmap failed");
            return 0;
        }
        /* EINVAL: a kernel without transparent huge pages, which is as good. */
        if (madvise((void *)p, PAGES * PAGE, MADV_NOHUGEPAGE) != 0 && errno != EINVAL) {
            print_error("mmap_first_touch", "madvise failed");
            return 0;
        }
        uint64_t start = now_ns();
        for (int page = 0; page < PAGES; page++)
            p[page * PAGE] = 1;
        uint64_t elapsed = now_ns() - start;
        if (i >= WARMUP)
            samples_add(&s, elapsed / PAGES);
        munmap((void *)p, PAGES * PAGE);
    }
    print_json("mmap_first_touch", &s);
    free(s.v);
    return 0;
}
