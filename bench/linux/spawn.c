/* posix_spawn + waitpid of a tiny static program that exits at once (exit0, built from
 * exit0.S: exit_group(0) and nothing else, a few KB), each iteration timed alone from before
 * posix_spawn to after waitpid returns. Compares with NexOS's user_spawn_wait.
 *   spawn [PROGRAM]   default /bench/exit0 */
#include "bench.h"

#include <spawn.h>
#include <sys/wait.h>

#define ROUNDS 300
#define WARMUP 20

extern char **environ;

int main(int argc, char **argv)
{
    char *path = argc > 1 ? argv[1] : "/bench/exit0";
    char *child_argv[] = { path, NULL };
    struct samples s;
    samples_init(&s, ROUNDS);
    for (int i = 0; i < ROUNDS + WARMUP; i++) {
        uint64_t start = now_ns();
        pid_t pid;
        int status;
        if (posix_spawn(&pid, path, NULL, NULL, child_argv, environ) != 0) {
            print_error("posix_spawn_wait", "posix_spawn failed");
            return 0;
        }
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            print_error("posix_spawn_wait", "child did not exit 0");
            return 0;
        }
        if (i >= WARMUP)
            samples_add(&s, now_ns() - start);
    }
    print_json("posix_spawn_wait", &s);
    free(s.v);
    return 0;
}
