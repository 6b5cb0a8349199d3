/* A cyclictest-like loop: sleep to absolute deadlines with clock_nanosleep(TIMER_ABSTIME)
 * and record how late the thread woke, as measured with clock_gettime.
 *   timer [idle]   1 ms period, 200 deadlines, no competing load (compares with NexOS's
 *                  timer_latency, which stops at the interrupt handler, not in userspace)
 *   timer rt       2 ms period, 200 deadlines, SCHED_FIFO, two CPU-bound processes
 *                  competing (compares with NexOS's rt_lateness) */
#include "bench.h"

#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void spin_forever(void)
{
    volatile uint64_t x = 0;
    for (;;)
        x++;
}

static void run(const char *name, long period_ns, int count)
{
    struct samples s;
    struct timespec next;
    samples_init(&s, (size_t)count);
    clock_gettime(CLOCK_MONOTONIC, &next);
    for (int i = 0; i < count; i++) {
        next.tv_nsec += period_ns;
        while (next.tv_nsec >= 1000000000L) {
            next.tv_nsec -= 1000000000L;
            next.tv_sec++;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
        uint64_t deadline = (uint64_t)next.tv_sec * 1000000000ull + (uint64_t)next.tv_nsec;
        uint64_t now = now_ns();
        samples_add(&s, now > deadline ? now - deadline : 0);
    }
    print_json(name, &s);
    free(s.v);
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "rt") != 0) {
        run("timer_lateness", 1000000L, 200);
        return 0;
    }
    pid_t load[2];
    for (int i = 0; i < 2; i++) {
        load[i] = fork();
        if (load[i] == 0)
            spin_forever();
    }
    struct sched_param sp = { .sched_priority = 80 };
    if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0)
        print_error("rt_lateness", "sched_setscheduler failed");
    else
        run("rt_lateness", 2000000L, 200);
    for (int i = 0; i < 2; i++) {
        if (load[i] > 0) {
            kill(load[i], SIGKILL);
            waitpid(load[i], NULL, 0);
        }
    }
    return 0;
}
