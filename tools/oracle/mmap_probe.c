#include "common.h"

/* mmap_probe.c: argument validation, placement and VMA layout of mmap(2) on the live kernel. */

static int memfd(unsigned long size)
{
	int fd = memfd_create("oracle", 0);
	if (ftruncate(fd, size)) perror("ftruncate");
	return fd;
}

int main(void)
{
	long r;
	init_zero();
	printf("### mmap (raw syscall(SYS_mmap); R = 2M-aligned PROT_NONE reservation, RW = PROT_READ|PROT_WRITE, PA = MAP_PRIVATE|MAP_ANONYMOUS)\n");

	hdr("mmap: length");
	reserve(16 * PG);
	r = xmmap(R, 0, RW, PA | FX, -1, 0);
	rowA("mmap-len0-fixed", "mmap(R, 0, RW, PA|FIXED, -1, 0)", r, layout(R, RLEN));
	r = xmmap(0, 0, RW, PA, -1, 0); rowA("mmap-len0", "mmap(NULL, 0, RW, PA, -1, 0)", r, ""); drop(r, PG);
	r = xmmap(0, 1UL << 62, RW, PA, -1, 0); rowA("mmap-len-2^62", "mmap(NULL, 1<<62, RW, PA, -1, 0)", r, ""); drop(r, 1UL << 62);
	r = xmmap(0, -4096UL, RW, PA, -1, 0); rowA("mmap-len--4096", "mmap(NULL, -4096UL, RW, PA, -1, 0)", r, "");
	r = xmmap(0, -1UL, RW, PA, -1, 0); rowA("mmap-len--1", "mmap(NULL, -1UL (PAGE_ALIGN wraps to 0), RW, PA, -1, 0)", r, "");
	r = xmmap(0, TASK_SIZE_X86, PROT_NONE, PA, -1, 0); rowA("mmap-len-tasksize", "mmap(NULL, 0x7ffffffff000, PROT_NONE, PA, -1, 0)", r, ""); drop(r, TASK_SIZE_X86);
	r = xmmap(0, 1UL << 46, PROT_NONE, PA, -1, 0); rowA("mmap-len-64T-none", "mmap(NULL, 1<<46, PROT_NONE, PA, -1, 0)", r, "PROT_NONE private is not charged"); drop(r, 1UL << 46);
	r = xmmap(0, 1UL << 46, RW, PA, -1, 0); rowA("mmap-len-64T-rw", "mmap(NULL, 1<<46, RW, PA, -1, 0)", r, "overcommit_memory=0 heuristic"); drop(r, 1UL << 46);
	r = xmmap(0, 1UL << 46, RW, PA | MAP_NORESERVE, -1, 0); rowA("mmap-len-64T-noreserve", "mmap(NULL, 1<<46, RW, PA|NORESERVE, -1, 0)", r, ""); drop(r, 1UL << 46);
	r = xmmap(R, 0x1001, RW, PA | FX, -1, 0);
	rowA("mmap-len-unaligned", "mmap(R, 0x1001, RW, PA|FIXED, -1, 0)", r, fmt("len rounded up: %s", layout(R, RLEN)));
	release();

	hdr("mmap: address");
	reserve(16 * PG);
	r = xmmap(R + 0x10, PG, RW, PA | FX, -1, 0);
	rowA("mmap-fixed-unaligned", "mmap(R+0x10, 0x1000, RW, PA|FIXED, -1, 0)", r, layout(R, RLEN));
	r = xmmap(R + 0x10, PG, RW, PA | MAP_FIXED_NOREPLACE, -1, 0);
	rowA("mmap-noreplace-unaligned", "mmap(R+0x10, 0x1000, RW, PA|FIXED_NOREPLACE, -1, 0)", r, layout(R, RLEN));
	xmunmap(R + 0x1000, 0x2000); /* hole [0x1000, 0x3000) */
	r = xmmap(R + 0x1010, PG, RW, PA, -1, 0);
	rowA("mmap-hint-unaligned-a", "hole [0x1000,0x3000); mmap(R+0x1010, 0x1000, RW, PA, -1, 0)", r, layout(R, RLEN));
	if (r != -1) xmmap(r, PG, PROT_NONE, PA | FX, -1, 0);
	xmunmap(R + 0x1000, 0x2000);
	r = xmmap(R + 0x2010, PG, RW, PA, -1, 0);
	rowA("mmap-hint-unaligned-b", "hole [0x1000,0x3000); mmap(R+0x2010, 0x1000, RW, PA, -1, 0)", r, fmt("%s (round-up would give R+0x3000 = occupied)", layout(R, RLEN)));
	drop(r, PG);
	if (r != -1) xmmap(r, PG, PROT_NONE, PA | FX, -1, 0);
	xmunmap(R + 0x1000, 0x2000);
	r = xmmap(R + 0x1fff, PG, RW, PA, -1, 0);
	rowA("mmap-hint-unaligned-c", "hole [0x1000,0x3000); mmap(R+0x1fff, 0x1000, RW, PA, -1, 0)", r, layout(R, RLEN));
	drop(r, PG);
	if (r != -1) xmmap(r, PG, PROT_NONE, PA | FX, -1, 0);
	xmunmap(R + 0x1000, 0x2000);
	r = xmmap(R + 0x1000, 0x3000, RW, PA, -1, 0);
	rowA("mmap-hint-nofit", "hole [0x1000,0x3000); mmap(R+0x1000, 0x3000, RW, PA, -1, 0)", r, fmt("hint does not fit -> placed elsewhere (ret mod 2M = 0x%lx); %s", r == -1 ? 0 : r % M2, layout(R, RLEN)));
	drop(r, 0x3000);
	r = xmmap(R + 0x8000, PG, RW, PA, -1, 0);
	rowA("mmap-hint-overlap", "mmap(R+0x8000 (inside PROT_NONE reservation), 0x1000, RW, PA, -1, 0)", r, fmt("ret mod 2M = 0x%lx; %s", r == -1 ? 0 : r % M2, layout(R, RLEN)));
	drop(r, PG);
	release();

	/* low addresses; mmap_min_addr = 4096, LSM_MMAP_MIN_ADDR = 65536, we are root */
	r = xmmap(0, PG, RW, PA | FX, -1, 0);
	rowA("mmap-fixed-0", "mmap(0, 0x1000, RW, PA|FIXED, -1, 0)", r, "as root (CAP_SYS_RAWIO)"); if (r != -1) xmunmap(r, PG);
	r = xmmap(0x1000, PG, RW, PA | FX, -1, 0);
	rowA("mmap-fixed-4096", "mmap(0x1000, 0x1000, RW, PA|FIXED, -1, 0)", r, ""); if (r != -1) xmunmap(r, PG);
	r = xmmap(0x800, PG, RW, PA | FX, -1, 0);
	rowA("mmap-fixed-0x800", "mmap(0x800, 0x1000, RW, PA|FIXED, -1, 0)", r, "");
	r = xmmap(0x10000, PG, RW, PA | FX, -1, 0);
	rowA("mmap-fixed-64K", "mmap(0x10000, 0x1000, RW, PA|FIXED, -1, 0)", r, ""); if (r != -1) xmunmap(r, PG);
	r = xmmap(0x800, PG, RW, PA, -1, 0);
	rowA("mmap-hint-0x800", "mmap(0x800, 0x1000, RW, PA, -1, 0)", r, "hint below mmap_min_addr"); drop(r, PG);
	r = xmmap(0x1000, PG, RW, PA, -1, 0);
	rowA("mmap-hint-0x1000", "mmap(0x1000, 0x1000, RW, PA, -1, 0)", r, "hint == vm.mmap_min_addr sysctl (4096)"); drop(r, PG);
	r = xmmap(0x2000, PG, RW, PA, -1, 0);
	rowA("mmap-hint-0x2000", "mmap(0x2000, 0x1000, RW, PA, -1, 0)", r, ""); drop(r, PG);

	/* the same low addresses as an unprivileged user (child process, uid/gid 65534) */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)) { perror("setresuid"); _exit(1); }
		static const unsigned long lows[] = { 0, 0x1000, 0x8000, 0xf000, 0x10000 };
		for (int i = 0; i < 5; i++) {
			r = xmmap(lows[i], PG, RW, PA | FX, -1, 0);
			rowA(fmt("mmap-fixed-low-unpriv-%d", i), fmt("(uid 65534) mmap(0x%lx, 0x1000, RW, PA|FIXED, -1, 0)", lows[i]), r, "");
			if (r != -1) xmunmap(r, PG);
		}
		r = xmmap(0x1000, PG, RW, PA, -1, 0);
		rowA("mmap-hint-low-unpriv", "(uid 65534) mmap(0x1000, 0x1000, RW, PA, -1, 0)", r, "");
		_exit(0);
	}
	waitpid(pid, NULL, 0);

	/* near TASK_SIZE */
	r = xmmap(TASK_SIZE_X86 - PG, 2 * PG, RW, PA | FX, -1, 0);
	rowA("mmap-fixed-past-tasksize", "mmap(0x7fffffffe000, 0x2000, RW, PA|FIXED, -1, 0)", r, "end = TASK_SIZE+0x1000");
	if (r != -1) xmunmap(r, 2 * PG);
	r = xmmap(TASK_SIZE_X86 - PG, PG, RW, PA | FX, -1, 0);
	rowA("mmap-fixed-end-at-tasksize", "mmap(0x7fffffffe000, 0x1000, RW, PA|FIXED, -1, 0)", r, "end == TASK_SIZE");
	if (r != -1) xmunmap(r, PG);
	r = xmmap(TASK_SIZE_X86, PG, RW, PA | FX, -1, 0);
	rowA("mmap-fixed-at-tasksize", "mmap(0x7ffffffff000, 0x1000, RW, PA|FIXED, -1, 0)", r, "");
	r = xmmap(TASK_SIZE_X86 - PG, 2 * PG, RW, PA, -1, 0);
	rowA("mmap-hint-past-tasksize", "mmap(0x7fffffffe000, 0x2000, RW, PA, -1, 0)", r, "hint ignored, normal top-down placement"); drop(r, 2 * PG);
	r = xmmap(TASK_SIZE_X86 - PG, PG, RW, PA, -1, 0);
	rowA("mmap-hint-end-at-tasksize", "mmap(0x7fffffffe000, 0x1000, RW, PA, -1, 0)", r, ""); drop(r, PG);
	r = xmmap(0x800000000000UL, PG, RW, PA, -1, 0);
	rowA("mmap-hint-above-47bit", "mmap(0x800000000000, 0x1000, RW, PA, -1, 0)", r, "CPU has no la57"); drop(r, PG);
	r = xmmap(0x800000000000UL, PG, RW, PA | FX, -1, 0);
	rowA("mmap-fixed-above-47bit", "mmap(0x800000000000, 0x1000, RW, PA|FIXED, -1, 0)", r, ""); 

	hdr("mmap: offset / fd");
	reserve(16 * PG);
	r = xmmap(R, PG, RW, PA | FX, -1, 0x10);
	rowA("mmap-anon-off-unaligned", "mmap(R, 0x1000, RW, PA|FIXED, -1, 0x10)", r, layout(R, RLEN));
	r = xmmap(R, PG, RW, PA | FX, -1, 0x5000);
	rowA("mmap-anon-off-aligned", "mmap(R, 0x1000, RW, PA|FIXED, -1, 0x5000)", r, "offset ignored for private anon (pgoff = addr>>12)");
	r = xmmap(R + PG, PG, RW, PA | FX, -1, -4096UL);
	rowA("mmap-anon-off-huge", "mmap(R+0x1000, 0x1000, RW, PA|FIXED, -1, 0xfffffffffffff000)", r, fmt("%s (merged with [0,0x1000) => pgoff ignored)", layout(R, RLEN)));
	r = xmmap(R + 2 * PG, PG, RW, MAP_SHARED | MAP_ANONYMOUS | FX, -1, -4096UL);
	rowA("mmap-shanon-off-huge", "mmap(R+0x2000, 0x1000, RW, SHARED|ANON|FIXED, -1, 0xfffffffffffff000)", r, layout(R, RLEN));
	{
		int fd = memfd(2 * PG);
		r = xmmap(R + 4 * PG, PG, RW, MAP_SHARED | FX, fd, -4096UL);
		rowA("mmap-memfd-off-huge", "mmap(R+0x4000, 0x1000, RW, SHARED|FIXED, memfd, 0xfffffffffffff000)", r, "");
		r = xmmap(R + 4 * PG, PG, RW, MAP_PRIVATE | FX, fd, 1UL << 62);
		rowA("mmap-memfd-off-2^62", "mmap(R+0x4000, 0x1000, RW, PRIVATE|FIXED, memfd, 1<<62)", r, "");
		r = xmmap(R + 4 * PG, PG, RW, MAP_PRIVATE | FX, fd, 1UL << 54);
		rowA("mmap-memfd-off-2^54", "mmap(R+0x4000, 0x1000, RW, PRIVATE|FIXED, memfd, 1<<54)", r, "beyond EOF is allowed at mmap time");
		r = xmmap(R + 4 * PG, PG, RW, MAP_PRIVATE | FX, fd, 0x10);
		rowA("mmap-memfd-off-unaligned", "mmap(R+0x4000, 0x1000, RW, PRIVATE|FIXED, memfd, 0x10)", r, "");
		r = xmmap(R + 6 * PG, PG, RW, MAP_SHARED_VALIDATE | FX, fd, 0);
		rowA("mmap-memfd-shared-validate", "mmap(R+0x6000, 0x1000, RW, SHARED_VALIDATE|FIXED, memfd, 0)", r, layout(R + 6 * PG, PG));
		r = xmmap(R + 7 * PG, PG, RW, MAP_SHARED_VALIDATE | FX | 0x40000000, fd, 0);
		rowA("mmap-memfd-sv-unknown", "mmap(R+0x7000, 0x1000, RW, SHARED_VALIDATE|FIXED|0x40000000, memfd, 0)", r, "");
		r = xmmap(R + 7 * PG, PG, RW, MAP_SHARED_VALIDATE | FX | 0x200000, fd, 0);
		rowA("mmap-memfd-sv-unknown2", "mmap(R+0x7000, 0x1000, RW, SHARED_VALIDATE|FIXED|0x200000, memfd, 0)", r, "");
		r = xmmap(R + 7 * PG, PG, RW, MAP_SHARED_VALIDATE | FX | MAP_SYNC, fd, 0);
		rowA("mmap-memfd-sv-sync", "mmap(R+0x7000, 0x1000, RW, SHARED_VALIDATE|FIXED|MAP_SYNC, memfd, 0)", r, "memfd is not DAX");
		r = xmmap(R + 7 * PG, PG, RW, MAP_SHARED | FX | MAP_SYNC | 0x40000000, fd, 0);
		rowA("mmap-memfd-shared-unknown", "mmap(R+0x7000, 0x1000, RW, SHARED|FIXED|MAP_SYNC|0x40000000, memfd, 0)", r, "legacy MAP_SHARED ignores unknown bits");
		r = xmmap(R + 8 * PG, PG, RW, MAP_ANONYMOUS | FX, fd, 0);
		rowA("mmap-memfd-type0", "mmap(R+0x8000, 0x1000, RW, FIXED (type 0), memfd, 0)", r, "");
		close(fd);
	}
	release();
	reserve(16 * PG);
	r = xmmap(R, PG, RW, MAP_PRIVATE | FX, -1, 0);
	rowA("mmap-fd-1-noanon", "mmap(R, 0x1000, RW, PRIVATE|FIXED, -1, 0)", r, layout(R, RLEN));
	close(5);
	r = xmmap(R, PG, RW, PA | FX, 5, 0);
	rowA("mmap-anon-fd5", "mmap(R, 0x1000, RW, PA|FIXED, 5 (not open), 0)", r, layout(R, RLEN));
	r = xmmap(R + PG, PG, RW, PA | FX, 12345, 0);
	rowA("mmap-anon-fd12345", "mmap(R+0x1000, 0x1000, RW, PA|FIXED, 12345, 0)", r, layout(R, RLEN));
	{
		int p[2]; if (pipe(p)) perror("pipe");
		r = xmmap(R + 2 * PG, PG, RW, MAP_PRIVATE | FX, p[0], 0);
		rowA("mmap-pipe", "mmap(R+0x2000, 0x1000, RW, PRIVATE|FIXED, pipe_fd, 0)", r, "");
		close(p[0]); close(p[1]);
		int fd = open("/proc/self/exe", O_RDONLY);
		r = xmmap(R + 2 * PG, PG, RW, MAP_SHARED | FX, fd, 0);
		rowA("mmap-rofile-shared-rw", "mmap(R+0x2000, 0x1000, RW, SHARED|FIXED, O_RDONLY fd, 0)", r, "");
		r = xmmap(R + 2 * PG, PG, RW, MAP_PRIVATE | FX, fd, 0);
		rowA("mmap-rofile-private-rw", "mmap(R+0x2000, 0x1000, RW, PRIVATE|FIXED, O_RDONLY fd, 0)", r, layoutf(R + 2 * PG, PG));
		close(fd);
	}
	release();

	hdr("mmap: flags");
	reserve(16 * PG);
	r = xmmap(R, PG, RW, MAP_ANONYMOUS | FX, -1, 0);
	rowA("mmap-type0", "mmap(R, 0x1000, RW, ANON|FIXED (type 0), -1, 0)", r, layout(R, RLEN));
	r = xmmap(R, PG, RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | FX, -1, 0);
	rowA("mmap-sv-anon", "mmap(R, 0x1000, RW, SHARED_VALIDATE|ANON|FIXED, -1, 0)", r, layout(R, RLEN));
	r = xmmap(R + PG, PG, RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | FX | 0x40000000, -1, 0);
	rowA("mmap-sv-anon-unknown", "mmap(R+0x1000, 0x1000, RW, SHARED_VALIDATE|ANON|FIXED|0x40000000, -1, 0)", r, layout(R, RLEN));
	r = xmmap(R + 2 * PG, PG, RW, PA | FX | 0x40000000, -1, 0);
	rowA("mmap-private-unknown-0x40000000", "mmap(R+0x2000, 0x1000, RW, PA|FIXED|0x40000000, -1, 0)", r, layout(R, RLEN));
	r = xmmap(R + 3 * PG, PG, RW, PA | FX | 0x200000 | 0x400000 | 0x800000 | 0x1000000 | 0x2000000 | 0x200 | 0x400 | 0x80, -1, 0);
	rowA("mmap-private-unknown-misc", "mmap(R+0x3000, 0x1000, RW, PA|FIXED|0x3e00680, -1, 0)", r, fmt("%s (0x3000 merged with 0x2000 => flags ignored)", layout(R, RLEN)));
	r = xmmap(R + 4 * PG, PG, RW, PA | FX | 0x4, -1, 0);
	rowA("mmap-type-6", "mmap(R+0x4000, 0x1000, RW, PRIVATE|0x4|ANON|FIXED (type 6), -1, 0)", r, "");
	r = xmmap(R + 4 * PG, PG, RW, MAP_SHARED | MAP_ANONYMOUS | FX | 0x40000000, -1, 0);
	rowA("mmap-shared-anon-unknown", "mmap(R+0x4000, 0x1000, RW, SHARED|ANON|FIXED|0x40000000, -1, 0)", r, layoutf(R + 4 * PG, PG));
	r = xmmap(R + 5 * PG, PG, RW, 0x08 | MAP_ANONYMOUS | FX, -1, 0);
	rowA("mmap-droppable", "mmap(R+0x5000, 0x1000, RW, MAP_DROPPABLE(0x08)|ANON|FIXED, -1, 0)", r, layoutf(R + 5 * PG, PG));
	r = xmmap(R + 6 * PG, PG, RW, PA | FX | MAP_GROWSDOWN, -1, 0);
	rowA("mmap-map-growsdown", "mmap(R+0x6000, 0x1000, RW, PA|FIXED|GROWSDOWN, -1, 0)", r, layoutf(R + 6 * PG, PG));
	r = xmmap(R + 8 * PG, PG, RW, MAP_SHARED | MAP_ANONYMOUS | FX | MAP_GROWSDOWN, -1, 0);
	rowA("mmap-shared-growsdown", "mmap(R+0x8000, 0x1000, RW, SHARED|ANON|FIXED|GROWSDOWN, -1, 0)", r, "");
	r = xmmap(R + 9 * PG, PG, RW, PA | FX | MAP_POPULATE, -1, 0);
	rowA("mmap-populate", "mmap(R+0x9000, 0x1000, RW, PA|FIXED|POPULATE, -1, 0)", r, fmt("residency %s", resid(R + 9 * PG, 1)));
	r = xmmap(R + 10 * PG, PG, PROT_READ, PA | FX | MAP_POPULATE, -1, 0);
	rowA("mmap-populate-ro", "mmap(R+0xa000, 0x1000, PROT_READ, PA|FIXED|POPULATE, -1, 0)", r, fmt("residency %s (Z = zero page)", resid(R + 10 * PG, 1)));
	r = xmmap(R + 11 * PG, PG, RW, PA | FX | MAP_LOCKED, -1, 0);
	rowA("mmap-locked", "mmap(R+0xb000, 0x1000, RW, PA|FIXED|LOCKED, -1, 0)", r, fmt("%s residency %s", layoutf(R + 11 * PG, PG), resid(R + 11 * PG, 1)));
	release();

	hdr("mmap: prot");
	reserve(16 * PG);
	static const unsigned long prots[] = { 0x8, 0x10, 0x20, 0x40, 0x80, 0x100, 0x80000000UL, 0x1000000, 0x2000000, PROT_WRITE, PROT_EXEC };
	static const char *pnames[] = { "RW|0x8 (PROT_SEM)", "RW|0x10", "RW|0x20", "RW|0x40", "RW|0x80", "RW|0x100", "RW|0x80000000", "RW|PROT_GROWSDOWN", "RW|PROT_GROWSUP", "PROT_WRITE only", "PROT_EXEC only" };
	for (int i = 0; i < 11; i++) {
		unsigned long p = prots[i];
		if (p != PROT_WRITE && p != PROT_EXEC) p |= RW;
		r = xmmap(R + i * PG, PG, p, PA | FX, -1, 0);
		rowA(fmt("mmap-prot-%d", i), fmt("mmap(R+0x%lx, 0x1000, %s, PA|FIXED, -1, 0)", i * PG, pnames[i]), r, layoutf(R + i * PG, PG));
		xmmap(R + i * PG, PG, PROT_NONE, PA | FX, -1, 0);
	}
	release();

	hdr("mmap: MAP_FIXED_NOREPLACE / MAP_FIXED over existing mappings");
	reserve(16 * PG);
	xmmap(R, 4 * PG, RW, PA | FX, -1, 0);
	r = xmmap(R, 4 * PG, RW, PA | MAP_FIXED_NOREPLACE, -1, 0);
	rowA("mmap-noreplace-exact", "[0,0x4000) rw; mmap(R, 0x4000, RW, PA|FIXED_NOREPLACE, -1, 0)", r, layout(R, RLEN));
	r = xmmap(R + 2 * PG, 4 * PG, RW, PA | MAP_FIXED_NOREPLACE, -1, 0);
	rowA("mmap-noreplace-partial", "mmap(R+0x2000, 0x4000, RW, PA|FIXED_NOREPLACE, -1, 0)", r, layout(R, RLEN));
	r = xmmap(R + 8 * PG, 2 * PG, RW, PA | MAP_FIXED_NOREPLACE, -1, 0);
	rowA("mmap-noreplace-over-protnone", "mmap(R+0x8000, 0x2000, RW, PA|FIXED_NOREPLACE, -1, 0)", r, "reservation is a mapping too");
	xmunmap(R + 4 * PG, 4 * PG);
	r = xmmap(R + 4 * PG, 4 * PG, RW, PA | MAP_FIXED_NOREPLACE, -1, 0);
	rowA("mmap-noreplace-into-hole", "hole [0x4000,0x8000); mmap(R+0x4000, 0x4000, RW, PA|FIXED_NOREPLACE, -1, 0)", r, fmt("%s (merged with untouched [0,0x4000))", layout(R, RLEN)));
	xmunmap(R + 4 * PG, 4 * PG);
	r = xmmap(R + 6 * PG, 4 * PG, RW, PA | MAP_FIXED_NOREPLACE, -1, 0);
	rowA("mmap-noreplace-hole-partial", "hole [0x4000,0x8000); mmap(R+0x6000, 0x4000, RW, PA|FIXED_NOREPLACE, -1, 0)", r, layout(R, RLEN));
	r = xmmap(0, PG, RW, PA | MAP_FIXED_NOREPLACE, -1, 0);
	rowA("mmap-noreplace-0", "mmap(0, 0x1000, RW, PA|FIXED_NOREPLACE, -1, 0)", r, ""); if (r == 0) xmunmap(0, PG);
	release();

	reserve(16 * PG);
	xmmap(R, 16 * PG, RW, PA | FX, -1, 0);
	r = xmmap(R + 4 * PG, 4 * PG, RW, PA | FX, -1, 0);
	rowA("mmap-fixed-middle-untouched", "[0,0x10000) rw untouched; mmap(R+0x4000, 0x4000, RW, PA|FIXED, -1, 0)", r, layout(R, RLEN));
	xmmap(R, 16 * PG, RW, PA | FX, -1, 0);
	fill(R, 16, 'a');
	r = xmmap(R + 4 * PG, 4 * PG, RW, PA | FX, -1, 0);
	rowA("mmap-fixed-middle-touched", "[0,0x10000) rw all pages written; mmap(R+0x4000, 0x4000, RW, PA|FIXED, -1, 0)", r, ({ const char *a = resid(R, 16), *d = peek(R, 16); fmt("%s; residency %s; data %s", layout(R, RLEN), a, d); }));
	xmmap(R, 16 * PG, RW, PA | FX, -1, 0);
	fill(R, 16, 'a');
	r = xmmap(R + 4 * PG, 4 * PG, PROT_READ, PA | FX, -1, 0);
	rowA("mmap-fixed-middle-diffprot", "[0,0x10000) rw written; mmap(R+0x4000, 0x4000, PROT_READ, PA|FIXED, -1, 0)", r, layout(R, RLEN));
	xmmap(R, 16 * PG, RW, PA | FX, -1, 0);
	fill(R, 16, 'a');
	r = xmmap(R + 12 * PG, 8 * PG, RW, PA | FX, -1, 0);
	rowA("mmap-fixed-tail-overlap", "[0,0x10000) rw written; mmap(R+0xc000, 0x8000, RW, PA|FIXED, -1, 0)", r, fmt("%s (region is 0x10000; VMA may extend past R+0x10000)", layout(R, RLEN + 8 * PG)));
	xmunmap(R + 16 * PG, 4 * PG);
	release();

	hdr("mmap: adjacency / merging of FIXED anonymous mappings");
	reserve(32 * PG);
	xmunmap(R, 32 * PG);
	r = xmmap(R, 4 * PG, RW, PA | FX, -1, 0);
	r = xmmap(R + 4 * PG, 4 * PG, RW, PA | FX, -1, 0);
	rowA("mmap-adjacent-untouched", "empty; mmap [0,0x4000) RW then mmap(R+0x4000, 0x4000, RW, PA|FIXED, -1, 0)", r, layout(R, RLEN));
	fill(R, 8, 'a');
	r = xmmap(R + 8 * PG, 4 * PG, RW, PA | FX, -1, 0);
	rowA("mmap-adjacent-after-touched", "[0,0x8000) written; mmap(R+0x8000, 0x4000, RW, PA|FIXED, -1, 0)", r, layout(R, RLEN));
	r = xmmap(R + 12 * PG, 4 * PG, PROT_READ, PA | FX, -1, 0);
	rowA("mmap-adjacent-diffprot", "mmap(R+0xc000, 0x4000, PROT_READ, PA|FIXED, -1, 0)", r, layout(R, RLEN));
	r = xmmap(R + 16 * PG, 4 * PG, PROT_READ, PA | FX | MAP_NORESERVE, -1, 0);
	rowA("mmap-adjacent-ro-noreserve", "mmap(R+0x10000, 0x4000, PROT_READ, PA|FIXED|NORESERVE, -1, 0)", r, layoutf(R, RLEN));
	r = xmmap(R + 20 * PG, 4 * PG, RW, PA | FX | MAP_NORESERVE, -1, 0);
	r = xmmap(R + 24 * PG, 4 * PG, RW, PA | FX, -1, 0);
	rowA("mmap-adjacent-rw-noreserve-vs-rw", "[0x14000,0x18000) RW|NORESERVE; mmap(R+0x18000, 0x4000, RW, PA|FIXED, -1, 0)", r, layoutf(R + 20 * PG, 8 * PG));
	release();
	return 0;
}
