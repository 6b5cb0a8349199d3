// The Linux guest's side of the network benchmark, the same protocol as NexOS's user/netbench:
// port 5001 takes bytes until the client closes its side and answers their count (8 bytes,
// little-endian), port 5002 reads a count and sends that many bytes, port 5003 accepts and
// closes at once. One thread per port, one client at a time each (the host drives them one
// after another). Prints "netbench: ready" once all three listen.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buffer[3][64 * 1024];
static int listeners[3];

static int listen_on(int port) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 16) != 0) {
        perror("netbench: listen");
        return -1;
    }
    return s;
}

static void *serve(void *arg) {
    int port = (int)(intptr_t)arg, index = port - 5001;
    int l = listeners[index];
    char *b = buffer[index];
    for (;;) {
        int c = accept(l, NULL, NULL);
        if (c < 0) continue;
        if (port == 5001) {
            uint64_t count = 0;
            ssize_t n;
            while ((n = read(c, b, sizeof buffer[0])) > 0) count += (uint64_t)n;
            (void)!write(c, &count, 8);
        } else if (port == 5002) {
            uint64_t want = 0;
            size_t got = 0;
            while (got < 8) {
                ssize_t n = read(c, (char *)&want + got, 8 - got);
                if (n <= 0) break;
                got += (size_t)n;
            }
            if (want > (1ULL << 30)) want = 1ULL << 30;
            while (got == 8 && want > 0) {
                ssize_t n = write(c, b, want < sizeof buffer[0] ? want : sizeof buffer[0]);
                if (n <= 0) break;
                want -= (uint64_t)n;
            }
        }
        close(c);
    }
    return NULL;
}

int main(void) {
    pthread_t t[3];
    for (int i = 0; i < 3; i++) {
        listeners[i] = listen_on(5001 + i);
        if (listeners[i] < 0) return 1;
    }
    for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, serve, (void *)(intptr_t)(5001 + i));
    printf("netbench: ready on ports 5001 (sink), 5002 (source), 5003 (connect)\n");
    fflush(stdout);
    pthread_join(t[0], NULL);
    return 0;
}
