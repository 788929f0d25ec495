/*
 * fork, copy-on-write and MAP_SHARED|MAP_ANONYMOUS (shmem) semantics the model follows. Each question runs in a
 * child process of its own (so a fault ends only that question); the answer is one table row. Default THP
 * settings (enabled=madvise, shmem_enabled=never): every page is 4K.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <fcntl.h>

#define PG 4096UL
#define RW (PROT_READ | PROT_WRITE)
#define M2 (2UL << 20)

static long status_kb(const char *key) {
	FILE *f = fopen("/proc/self/status", "r");
	char l[256];
	long v = -1;
	while (f && fgets(l, sizeof l, f))
		if (!strncmp(l, key, strlen(key))) v = atol(l + strlen(key));
	if (f) fclose(f);
	return v;
}

/* Runs fn in a child; prints the row with what fn wrote to buf, or the signal that ended the child. */
static void row(const char *question, void (*fn)(char *buf)) {
	char *buf = mmap(NULL, 4096, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t k = fork();
	if (k == 0) {
		alarm(10);
		fn(buf);
		_exit(0);
	}
	int st;
	waitpid(k, &st, 0);
	if (WIFSIGNALED(st)) printf("| %s | killed by %s%s%s |\n", question, strsignal(WTERMSIG(st)), buf[0] ? " after: " : "", buf);
	else printf("| %s | %s |\n", question, buf);
	munmap(buf, 4096);
}

static void shmem_read_fault(char *out) {
	char *s = mmap(NULL, PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	long before = status_kb("RssShmem:");
	volatile char c = s[0];
	(void)c;
	sprintf(out, "RssShmem +%ld kB, RssAnon unchanged", status_kb("RssShmem:") - before);
}

static void shmem_grow(char *out) {
	char *s = mmap(NULL, 4 * PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	munmap(s + PG, 3 * PG);
	char *g = mremap(s, PG, 3 * PG, 0);
	if (g != s) { sprintf(out, "grow in place failed"); return; }
	sprintf(out, "grown in place; ");
	g[PG] = 3;
	pid_t k = fork();
	if (k == 0) { g[2 * PG] = 9 + g[PG]; _exit(0); }
	waitpid(k, NULL, 0);
	sprintf(out + strlen(out), "writes beyond the old size work, no signal; a child's write there is seen: %d", g[2 * PG]);
}

static void shmem_dup(char *out) {
	char *s = mmap(NULL, 2 * PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	s[PG] = 5;
	char *d = mremap(s, 0, 2 * PG, MREMAP_MAYMOVE);
	if (d == MAP_FAILED) { sprintf(out, "mremap(old_len 0) failed"); return; }
	s[0] = 42;
	int seen = d[0], old = d[PG];
	munmap(s, 2 * PG);
	sprintf(out, "a second mapping: sees %d and %d; after munmap of the original it still reads %d", seen, old, d[0]);
}

static void private_dup(char *out) {
	char *p = mmap(NULL, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *d = mremap(p, 0, PG, MREMAP_MAYMOVE);
	sprintf(out, "%s", d == MAP_FAILED ? "EINVAL" : "succeeded");
}

static void cow(char *out) {
	char *p = mmap(NULL, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *w = mmap(NULL, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *n = mmap(NULL, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *sync = mmap(NULL, PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	p[0] = 1; w[0] = 5; n[0] = 6;
	madvise(w, PG, MADV_WIPEONFORK);
	madvise(n, PG, MADV_DONTFORK);
	pid_t k = fork();
	if (k == 0) {
		while (!__atomic_load_n(&sync[0], __ATOMIC_ACQUIRE)) usleep(1000);
		sync[1] = p[0];
		sync[2] = w[0];
		sync[3] = msync(n, PG, 0) == 0 ? 1 : 2;   /* ENOMEM: nothing mapped there */
		_exit(0);
	}
	p[0] = 2;
	__atomic_store_n(&sync[0], 1, __ATOMIC_RELEASE);
	waitpid(k, NULL, 0);
	sprintf(out, "parent wrote 2 after fork, child reads %d; WIPEONFORK page reads %d in the child; DONTFORK page %s in the child",
		sync[1], sync[2], sync[3] == 2 ? "not mapped" : "mapped");
}

/* Number of /proc/self/maps lines that intersect [a, a + len). */
static int vmas_in(char *a, unsigned long len) {
	FILE *f = fopen("/proc/self/maps", "r");
	char l[512];
	int n = 0;
	while (f && fgets(l, sizeof l, f)) {
		unsigned long s, e;
		if (sscanf(l, "%lx-%lx", &s, &e) == 2 && s < (unsigned long)a + len && e > (unsigned long)a) n++;
	}
	if (f) fclose(f);
	return n;
}

static void locked_neighbours(char *out) {
	char *r = mmap(NULL, 4 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a = mmap(r, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_LOCKED, -1, 0);
	mmap(r + 2 * PG, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	int parent = vmas_in(a, 4 * PG);
	int *shared = mmap(NULL, PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t k = fork();
	if (k == 0) { shared[0] = vmas_in(a, 4 * PG); _exit(0); }
	waitpid(k, NULL, 0);
	sprintf(out, "parent %d VMAs, child %d VMAs", parent, shared[0]);
}

/* A shared anon mapping grown by mremap(MAYMOVE) from 1 to 3 pages: a child touches page 1 (past i_size). */
static void shmem_beyond_size(char *out) {
	char *s = mmap(NULL, PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *g = mremap(s, PG, 3 * PG, MREMAP_MAYMOVE);
	int st[2];
	for (int w = 0; w < 2; w++) {
		pid_t k = fork();
		if (k == 0) {
			if (w) g[PG] = 1; else { volatile char c = g[PG]; (void)c; }
			_exit(0);
		}
		waitpid(k, &st[w], 0);
	}
	sprintf(out, "read: %s; write: %s", WIFSIGNALED(st[0]) ? strsignal(WTERMSIG(st[0])) : "no signal",
		WIFSIGNALED(st[1]) ? strsignal(WTERMSIG(st[1])) : "no signal");
}

/* Which of the 64 pages of a 2M-aligned shared anon mapping are mapped (pagemap bit 63) after it was written,
 * zapped with MADV_DONTNEED and read once at page 21. */
static void shmem_fault_around(char *out) {
	char *r = mmap(NULL, 4 * M2, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a = (char *)(((unsigned long)r + M2 - 1) & ~(M2 - 1));
	char *s = mmap(a, 64 * PG, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	memset(s, 5, 64 * PG);
	madvise(s, 64 * PG, MADV_DONTNEED);
	volatile char c = s[21 * PG];
	(void)c;
	int fd = open("/proc/self/pagemap", O_RDONLY);
	int first = -1, last = -1, n = 0;
	for (int i = 0; i < 64; i++) {
		unsigned long long e = 0;
		if (pread(fd, &e, 8, ((unsigned long)s / PG + i) * 8) == 8 && (e >> 63)) {
			if (first < 0) first = i;
			last = i;
			n++;
		}
	}
	close(fd);
	sprintf(out, "%d pages mapped: pages %d..%d", n, first, last);
	munmap(r, 4 * M2);
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("### fork and shared anonymous memory (default THP settings)\n");
	printf("| question | observed |\n|---|---|\n");
	row("read fault on an untouched MAP_SHARED\\|MAP_ANONYMOUS page", shmem_read_fault);
	row("4-page shared anon mapping cut to 1 page by munmap and grown back in place by mremap, access to pages 1-2 "
	    "(within the object)", shmem_grow);
	row("mremap(old_len 0, MAYMOVE) of a shared anon mapping", shmem_dup);
	row("mremap(old_len 0, MAYMOVE) of a private anon mapping", private_dup);
	row("fork, parent writes, child reads; WIPEONFORK and DONTFORK", cow);
	row("MAP_LOCKED PROT_READ VMA next to an identical unlocked one, then fork", locked_neighbours);
	row("shared anon mapping grown by mremap(MAYMOVE) from 1 to 3 pages, access to page 1 (past the object's size)",
	    shmem_beyond_size);
	row("64-page shared anon mapping at a 2M boundary, written, MADV_DONTNEED, one read at page 21", shmem_fault_around);
	return 0;
}
