/* The disk and a file system on it, on a virtio-blk disk that the host lays out: sector 0 holds
 * an MBR whose first partition is a FAT32 file system, mounted at MOUNTPOINT, and the space
 * after the partition (from its end rounded up to 1 MiB to the end of the disk) is free.
 *   disk DEVICE MOUNTPOINT   e.g. disk /dev/vda /mnt
 * The raw figures use the first 32 MiB of that free space, on DEVICE opened O_DIRECT so that no
 * page cache stands between the program and the disk; nothing inside the partition is written.
 *   disk_seq_write        512 pwrite calls of 64 KiB, sequential over the 32 MiB
 *   disk_flush            the one fdatasync after them
 *   disk_seq_read         512 pread calls of 64 KiB over the same 32 MiB
 *   disk_rand_read_qd1    2000 pread calls of 4 KiB at random 4 KiB-aligned offsets
 *   disk_rand_read_qd32   200 batches of 32 such reads submitted at once with Linux native AIO
 *                         (raw system calls, no libaio); a sample is the batch's time over 32
 * The file figure uses the mounted file system:
 *   file_cycle            1000 cycles of open(O_CREAT|O_TRUNC), write of 4 KiB, close and unlink
 *                         of an upper-case 8.3 name (no long-name entries); then one sync
 * Every sample is timed alone. A failing call prints the figure's error line, and the program
 * goes on to the next figure. */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#define MIB (1024ull * 1024ull)
#define REGION (32 * MIB)
#define SEQ_BLOCK 65536
#define SEQ_CALLS ((int)(REGION / SEQ_BLOCK))
#define RAND_BLOCK 4096
#define RAND_CALLS 2000
#define QD 32
#define QD_BATCHES 200
#define FILE_CYCLES 1000
#define FILE_SIZE 4096

/* Prints NAME's error line: the failing call and errno's text, or a short transfer when ERR is
 * 0 (a read or write that moved fewer bytes than asked). */
static void fail(const char *name, const char *call, int err)
{
    char what[160];
    snprintf(what, sizeof what, "%s: %s", call, err ? strerror(err) : "short transfer");
    print_error(name, what);
}

/* The random offsets: xorshift64 with a fixed seed, so every run reads the same blocks. */
static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t random_offset(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (rng % (REGION / RAND_BLOCK)) * RAND_BLOCK;
}

/* Finds the free region's first byte from the MBR's first partition entry and the disk's size.
 * Returns NULL, or why there is no region. BUF is an aligned buffer of at least 512 bytes. */
static const char *find_region(int fd, unsigned char *buf, uint64_t *base)
{
    uint64_t size;
    if (pread(fd, buf, 512, 0) != 512)
        return "cannot read the MBR";
    if (buf[510] != 0x55 || buf[511] != 0xAA)
        return "no MBR on the disk";
    const unsigned char *entry = buf + 446;
    uint64_t start = entry[8] | entry[9] << 8 | entry[10] << 16 | (uint64_t)entry[11] << 24;
    uint64_t count = entry[12] | entry[13] << 8 | entry[14] << 16 | (uint64_t)entry[15] << 24;
    /* A status byte other than 0 or 0x80 is no partition entry: the boot code of a file system
     * that starts at sector 0, which also ends with 0x55 0xAA. */
    if ((entry[0] != 0x00 && entry[0] != 0x80) || entry[4] == 0 || start == 0 || count == 0)
        return "no first partition in the MBR";
    if (ioctl(fd, BLKGETSIZE64, &size) != 0)
        return "BLKGETSIZE64 failed";
    *base = ((start + count) * 512 + MIB - 1) / MIB * MIB;
    if (*base > size || size - *base < REGION)
        return "less than 32 MiB after the partition";
    return NULL;
}

/* COUNT calls of SIZE bytes each timed alone, writing when WRITING or else reading, at offsets
 * that follow one another from the region's start or, when AT_RANDOM, at random blocks of the
 * region. Returns 0 when every call moved SIZE bytes. */
static int timed_io(const char *name, int fd, char *buf, uint64_t base, int count, size_t size,
                    int writing, int at_random)
{
    struct samples s;
    samples_init(&s, (size_t)count);
    for (int i = 0; i < count; i++) {
        off_t at = (off_t)(base + (at_random ? random_offset() : (uint64_t)i * size));
        uint64_t start = now_ns();
        ssize_t n = writing ? pwrite(fd, buf, size, at) : pread(fd, buf, size, at);
        uint64_t elapsed = now_ns() - start;
        if (n != (ssize_t)size) {
            fail(name, writing ? "pwrite" : "pread", n < 0 ? errno : 0);
            free(s.v);
            return -1;
        }
        samples_add(&s, elapsed);
    }
    print_json(name, &s);
    free(s.v);
    return 0;
}

/* The fdatasync after the writes, one sample: the disk's write cache going to stable storage. */
static void flush(int fd)
{
    struct samples s;
    samples_init(&s, 1);
    uint64_t start = now_ns();
    if (fdatasync(fd) != 0) {
        fail("disk_flush", "fdatasync", errno);
    } else {
        samples_add(&s, now_ns() - start);
        print_json("disk_flush", &s);
    }
    free(s.v);
}

/* Batches of 32 reads in flight at once: io_submit of all 32, then io_getevents until all 32
 * are done (10 s at most, so that a lost request cannot hang the guest). BUF holds 32 blocks. */
static void random_qd32(int fd, char *buf, uint64_t base)
{
    const char *name = "disk_rand_read_qd32";
    aio_context_t ctx = 0;
    if (syscall(SYS_io_setup, QD, &ctx) != 0) {
        fail(name, "io_setup", errno);
        return;
    }
    struct iocb cb[QD];
    struct iocb *cbp[QD];
    struct io_event ev[QD];
    struct samples s;
    samples_init(&s, QD_BATCHES);
    const char *failed = NULL;
    int err = 0;
    for (int b = 0; b < QD_BATCHES && failed == NULL; b++) {
        for (int i = 0; i < QD; i++) {
            cb[i] = (struct iocb){ .aio_data = (uint64_t)i, .aio_lio_opcode = IOCB_CMD_PREAD,
                                   .aio_fildes = (uint32_t)fd, .aio_nbytes = RAND_BLOCK,
                                   .aio_buf = (uint64_t)(uintptr_t)(buf + i * RAND_BLOCK),
                                   .aio_offset = (int64_t)(base + random_offset()) };
            cbp[i] = &cb[i];
        }
        struct timespec limit = { .tv_sec = 10, .tv_nsec = 0 };
        uint64_t start = now_ns();
        long submitted = syscall(SYS_io_submit, ctx, QD, cbp);
        if (submitted != QD) {
            /* Part of a batch in flight: let it end before the context goes. */
            err = submitted < 0 ? errno : EAGAIN;
            if (submitted > 0)
                syscall(SYS_io_getevents, ctx, submitted, submitted, ev, &limit);
            failed = "io_submit";
            break;
        }
        long done = syscall(SYS_io_getevents, ctx, QD, QD, ev, &limit);
        uint64_t elapsed = now_ns() - start;
        if (done != QD) {
            err = done < 0 ? errno : ETIMEDOUT;
            failed = "io_getevents";
        }
        for (int i = 0; i < QD && failed == NULL; i++) {
            if (ev[i].res != RAND_BLOCK) {
                err = ev[i].res < 0 ? (int)-ev[i].res : 0;
                failed = "aio read";
            }
        }
        samples_add(&s, elapsed / QD);
    }
    if (failed != NULL)
        fail(name, failed, err);
    else
        print_json(name, &s);
    free(s.v);
    syscall(SYS_io_destroy, ctx);
}

/* The raw figures. Without a test region each of them prints why. */
static void raw(const char *device)
{
    static const char *const names[] = { "disk_seq_write", "disk_flush", "disk_seq_read",
                                         "disk_rand_read_qd1", "disk_rand_read_qd32" };
    char *buf = NULL, open_error[160];
    uint64_t base = 0;
    const char *why = NULL;
    int fd = open(device, O_RDWR | O_DIRECT);
    if (fd < 0) {
        snprintf(open_error, sizeof open_error, "open: %s", strerror(errno));
        why = open_error;
    } else if (posix_memalign((void **)&buf, 4096, QD * RAND_BLOCK) != 0) {
        why = "posix_memalign failed";
    } else {
        why = find_region(fd, (unsigned char *)buf, &base);
    }
    if (why != NULL) {
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            print_error(names[i], why);
    } else {
        memset(buf, 0xA5, QD * RAND_BLOCK);
        /* After failed writes a flush would flush nothing: it is not timed then. */
        if (timed_io("disk_seq_write", fd, buf, base, SEQ_CALLS, SEQ_BLOCK, 1, 0) == 0)
            flush(fd);
        else
            print_error("disk_flush", "no writes to flush");
        timed_io("disk_seq_read", fd, buf, base, SEQ_CALLS, SEQ_BLOCK, 0, 0);
        timed_io("disk_rand_read_qd1", fd, buf, base, RAND_CALLS, RAND_BLOCK, 0, 1);
        random_qd32(fd, buf, base);
    }
    free(buf);
    if (fd >= 0)
        close(fd);
}

/* One cycle: create, write 4 KiB, close, unlink. Returns the failing call's name with its errno
 * in ERR (0 for a short write), or NULL. */
static const char *one_cycle(const char *path, const char *data, int *err)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0) {
        *err = errno;
        return "open";
    }
    ssize_t n = write(fd, data, FILE_SIZE);
    *err = n < 0 ? errno : 0;
    if (n != FILE_SIZE) {
        close(fd);
        unlink(path);
        return "write";
    }
    if (close(fd) != 0) {
        *err = errno;
        return "close";
    }
    if (unlink(path) != 0) {
        *err = errno;
        return "unlink";
    }
    return NULL;
}

static void file_cycle(const char *dir)
{
    /* An unmounted MOUNTPOINT is a directory of the initramfs: that would time tmpfs. */
    struct statfs fs;
    if (statfs(dir, &fs) != 0 || fs.f_type != MSDOS_SUPER_MAGIC) {
        print_error("file_cycle", "no vfat file system mounted there");
        return;
    }
    static char data[FILE_SIZE];
    memset(data, 0x5A, sizeof data);
    struct samples s;
    samples_init(&s, FILE_CYCLES);
    const char *failed = NULL;
    int err = 0;
    for (int i = 0; i < FILE_CYCLES && failed == NULL; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/C%07d.BIN", dir, i);
        uint64_t start = now_ns();
        failed = one_cycle(path, data, &err);
        samples_add(&s, now_ns() - start);
    }
    sync();
    if (failed != NULL)
        fail("file_cycle", failed, err);
    else
        print_json("file_cycle", &s);
    free(s.v);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: disk DEVICE MOUNTPOINT\n");
        return 1;
    }
    raw(argv[1]);
    file_cycle(argv[2]);
    return 0;
}
