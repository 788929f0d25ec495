#include "common.h"

/* mapcount_probe.c: exactly when do mmap/munmap/mprotect/madvise/mremap fail because of vm.max_map_count?
 * The global sysctl is NOT changed (lowering it system-wide makes concurrently running programs, e.g. JVMs,
 * fail their own mmaps). Instead the probe raises its OWN map_count to the limit with one-page filler VMAs
 * and, for every operation and every k in -1..8, adjusts the fillers so that
 * map_count = vm.max_map_count - k just before the call. The kernel compares mm->map_count with the same sysctl,
 * so the result is the same as with a small limit. */

#define MAXCOUNT "/proc/sys/vm/max_map_count"
static long MAXMAP;
static int VSYS;                 /* 1 if /proc/self/maps shows the [vsyscall] gate VMA (not counted in map_count) */
static char mbuf[1 << 16];
static int mapcount(void)
{
	int fd = open("/proc/self/maps", O_RDONLY), c = 0, k;
	while ((k = read(fd, mbuf, sizeof mbuf)) > 0)
		for (int i = 0; i < k; i++) c += mbuf[i] == '\n';
	close(fd);
	return c - VSYS;
}
/* filler VMAs: one PROT_READ page every other page of a private area, so none of them merge */
static unsigned long FB, FN, NF;   /* base, capacity, number mapped */
static void fillers_init(void)
{
	FN = MAXMAP + 64;
	FB = syscall(SYS_mmap, 0, 2 * FN * PG, PROT_NONE, PA | MAP_NORESERVE, -1, 0);
	if ((long)FB == -1) { perror("filler area"); exit(1); }
	syscall(SYS_munmap, FB, 2 * FN * PG);
	NF = 0;
}
/* bring map_count to target (adds or removes fillers); returns the resulting map_count */
static int set_count(long target)
{
	long c = mapcount();
	while (c < target && NF < FN) {
		if (syscall(SYS_mmap, FB + 2 * NF * PG, PG, PROT_READ, PA | MAP_FIXED, -1, 0) == -1) break;
		NF++; c++;
	}
	while (c > target && NF > 0) { NF--; syscall(SYS_munmap, FB + 2 * NF * PG, PG); c--; }
	return mapcount();
}

enum { O_MMAP_ISO, O_MMAP_MERGE, O_MMAP_FIXED_SPLIT, O_MMAP_FIXED_SAME, O_MUNMAP_MID, O_MUNMAP_HEAD, O_MUNMAP_WHOLE, O_MUNMAP_TWO_ENDS,
       O_MPROT_MID, O_MPROT_HEAD, O_MPROT_WHOLE, O_MPROT_MERGE_BACK, O_MADV_MID, O_MADV_HEAD, O_MADV_DONTNEED_MID,
       O_MREMAP_MOVE_WHOLE, O_MREMAP_MOVE_MID, O_MREMAP_MOVE_HEAD, O_MREMAP_GROW, O_MREMAP_SHRINK, O_MREMAP_RELOCATE, O_MREMAP_DONTUNMAP_WHOLE, NOPS };
static const char *opname[NOPS] = {
	"mmap(R+0x40000, 0x1000, RW, PA|FIXED) isolated",
	"mmap(R+0x10000, 0x1000, RW, PA|FIXED) adjacent to V, merges",
	"mmap(R+0x4000, 0x1000, READ, PA|FIXED) inside V",
	"mmap(R+0x4000, 0x1000, RW, PA|FIXED) inside V (same flags)",
	"munmap(R+0x4000, 0x1000) middle of V",
	"munmap(R, 0x1000) head of V",
	"munmap(R, 0x10000) whole V",
	"munmap(R+0x8000, 0x10000): tail of V + head of W",
	"mprotect(R+0x4000, 0x1000, READ) middle of V",
	"mprotect(R, 0x1000, READ) head of V",
	"mprotect(R, 0x10000, READ) whole V",
	"V split 3 ways by READ middle; mprotect(R+0x4000, 0x1000, RW) merges back",
	"madvise(R+0x4000, 0x1000, DONTFORK) middle of V",
	"madvise(R, 0x1000, DONTFORK) head of V",
	"madvise(R+0x4000, 0x1000, DONTNEED) middle of V",
	"mremap(R, 0x10000, 0x10000, MM|MF, R+0x40000) whole V",
	"mremap(R+0x4000, 0x1000, 0x1000, MM|MF, R+0x40000) middle of V",
	"mremap(R, 0x1000, 0x1000, MM|MF, R+0x40000) head of V",
	"mremap(R, 0x10000, 0x14000, 0, 0) grow V in place",
	"mremap(R, 0x10000, 0x8000, 0, 0) shrink V",
	"mremap(R, 0x10000, 0x14000, MM, 0) with a blocker after V (relocates)",
	"mremap(R, 0x10000, 0x10000, MM|MD, R+0x40000) whole V",
};

static void setup(int op)
{
	xmunmap(R, RLEN);
	xmmap(R, 0x10000, RW, PA | FX, -1, 0); /* V */
	fill(R, 16, 'v');
	if (op == O_MUNMAP_TWO_ENDS) xmmap(R + 0x10000, 0x10000, PROT_READ, PA | FX, -1, 0); /* W */
	if (op == O_MPROT_MERGE_BACK) xmprotect(R + 0x4000, 0x1000, PROT_READ);
	if (op == O_MREMAP_RELOCATE) xmmap(R + 0x10000, PG, PROT_NONE, PA | FX, -1, 0);
}
static long run(int op)
{
	switch (op) {
	case O_MMAP_ISO: return xmmap(R + 0x40000, PG, RW, PA | FX, -1, 0);
	case O_MMAP_MERGE: return xmmap(R + 0x10000, PG, RW, PA | FX, -1, 0);
	case O_MMAP_FIXED_SPLIT: return xmmap(R + 0x4000, PG, PROT_READ, PA | FX, -1, 0);
	case O_MMAP_FIXED_SAME: return xmmap(R + 0x4000, PG, RW, PA | FX, -1, 0);
	case O_MUNMAP_MID: return xmunmap(R + 0x4000, PG);
	case O_MUNMAP_HEAD: return xmunmap(R, PG);
	case O_MUNMAP_WHOLE: return xmunmap(R, 0x10000);
	case O_MUNMAP_TWO_ENDS: return xmunmap(R + 0x8000, 0x10000);
	case O_MPROT_MID: return xmprotect(R + 0x4000, PG, PROT_READ);
	case O_MPROT_HEAD: return xmprotect(R, PG, PROT_READ);
	case O_MPROT_WHOLE: return xmprotect(R, 0x10000, PROT_READ);
	case O_MPROT_MERGE_BACK: return xmprotect(R + 0x4000, PG, RW);
	case O_MADV_MID: return xmadvise(R + 0x4000, PG, MADV_DONTFORK);
	case O_MADV_HEAD: return xmadvise(R, PG, MADV_DONTFORK);
	case O_MADV_DONTNEED_MID: return xmadvise(R + 0x4000, PG, MADV_DONTNEED);
	case O_MREMAP_MOVE_WHOLE: return xmremap(R, 0x10000, 0x10000, MREMAP_MAYMOVE | MREMAP_FIXED, R + 0x40000);
	case O_MREMAP_MOVE_MID: return xmremap(R + 0x4000, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, R + 0x40000);
	case O_MREMAP_MOVE_HEAD: return xmremap(R, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, R + 0x40000);
	case O_MREMAP_GROW: return xmremap(R, 0x10000, 0x14000, 0, 0);
	case O_MREMAP_SHRINK: return xmremap(R, 0x10000, 0x8000, 0, 0);
	case O_MREMAP_RELOCATE: return xmremap(R, 0x10000, 0x14000, MREMAP_MAYMOVE, 0);
	case O_MREMAP_DONTUNMAP_WHOLE: return xmremap(R, 0x10000, 0x10000, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, R + 0x40000);
	}
	return -1;
}

int main(void)
{
	char b[64];
	readfile(MAXCOUNT, b, sizeof b);
	MAXMAP = atol(b);
	if (MAXMAP <= 0) { fprintf(stderr, "cannot read %s\n", MAXCOUNT); return 1; }
	init_zero();
	readfile("/proc/self/maps", fbuf, sizeof fbuf);
	VSYS = strstr(fbuf, "[vsyscall]") != NULL;
	printf("### vm.max_map_count = %ld (unchanged; the probe fills its own address space with one-page VMAs instead)\n\n", MAXMAP);
	printf("V = [R, R+0x10000) RW private anonymous, all pages written, with free space around it (W = [R+0x10000, R+0x20000) READ where used).\n");
	printf("k = max_map_count - map_count just before the call (map_count = lines of /proc/self/maps, [vsyscall] excluded). Each cell: `ok` or errno, then the map_count change.\n\n");
	printf("| operation | k=-1 | k=0 | k=1 | k=2 | k=3 | k=4 | k=5 | k=6 | k=7 | k=8 |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
	fflush(stdout);
	reserve(0x80000);
	fillers_init();
	static char cell[NOPS][10][48];
	for (int op = 0; op < NOPS; op++) {
		for (int k = -1; k <= 8; k++) {
			set_count(MAXMAP - 16);   /* headroom so that the setup itself never hits the limit */
			setup(op);
			int c0;
			if (k >= 0) c0 = set_count(MAXMAP - k);
			else {  /* map_count = max + 1: fill up to max, then one more mmap (allowed at map_count == max) */
				set_count(MAXMAP);
				if (syscall(SYS_mmap, FB + 2 * NF * PG, PG, PROT_READ, PA | MAP_FIXED, -1, 0) != -1) NF++;
				c0 = mapcount();
			}
			long r = run(op);
			int e = LASTE;
			int c1 = mapcount();
			if (c0 != MAXMAP - k) snprintf(cell[op][k + 1], 48, "(setup failed: count %d)", c0);
			else snprintf(cell[op][k + 1], 48, "%s %+d", r == -1 ? en(e) : "ok", c1 - c0);
			if (r != -1 && (op == O_MREMAP_RELOCATE || op == O_MREMAP_DONTUNMAP_WHOLE) && ((unsigned long)r < R || (unsigned long)r >= R + RLEN))
				xmunmap(r, 0x14000);
		}
		set_count(0);
		printf("| %s |", esc(opname[op]));
		for (int k = 0; k < 10; k++) printf(" %s |", cell[op][k]);
		printf("\n");
		fflush(stdout);
	}
	/* what is left behind by the partial failures */
	printf("\nLayout left behind by the failures that changed map_count (k = 1):\n\n| operation | ret | errno | VMAs in [R, R+0x20000) afterwards |\n|---|---|---|---|\n");
	static const int partial[] = { O_MPROT_MID, O_MADV_MID };
	for (int i = 0; i < 2; i++) {
		set_count(MAXMAP - 16);
		setup(partial[i]);
		set_count(MAXMAP - 1);
		long r = run(partial[i]);
		int e = LASTE;
		set_count(0);
		printf("| %s | %ld | %s | %s |\n", esc(opname[partial[i]]), r, en(e), layoutf(R, 0x20000));
	}
	release();
	return 0;
}
