# Execute-only memory: what Linux 6.18 does on an x86-64 CPU with protection keys (arch/x86/mm/pkeys.c), checked
# on the host by ExecOnlyTest. PROT_EXEC alone gets the execute-only key, which PKRU denies every data access.
set pku = 1
set thp = never
# anonymous PROT_EXEC-only mapping: reads and writes fault
p = mmap(0, 64K, PROT_EXEC, MAP_PRIVATE|MAP_ANONYMOUS)
expect p != -1
expect_fault { peek(p) }
expect present(p) == 0, "no page was faulted in by the denied read"
# a writable mapping made exec-only after it was populated
q = mmap(0, 64K, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
memset(q, 7, 64K)
expect mprotect(q, 64K, PROT_EXEC) == 0
expect present(q) == 1
expect_fault { peek(q) }
expect_fault { poke(q, 1) }
expect mprotect(q, 64K, PROT_READ|PROT_EXEC) == 0
expect peek(q) == 7, "readable again"
# half exec-only: split, and exec-only next to R|X does not merge back
expect mprotect(q, 32K, PROT_EXEC) == 0
expect vmas(q, 64K) == 2
expect mprotect(q, 32K, PROT_READ|PROT_EXEC) == 0
expect vmas(q, 64K) == 1
# two exec-only neighbours merge
expect mprotect(q, 32K, PROT_EXEC) == 0
expect mprotect(q + 32K, 32K, PROT_EXEC) == 0
expect vmas(q, 64K) == 1
expect_fault { peek(q + 40K) }
# PROT_EXEC|PROT_WRITE is not exec-only
expect mprotect(q, 64K, PROT_EXEC|PROT_WRITE) == 0
expect peek(q) == 7
expect madvise(p, 64K, MADV_POPULATE_READ) == -1
expect errno == EINVAL
# shared anonymous memory too, and a forked child inherits the key and PKRU
s = mmap(0, 64K, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS)
memset(s, 9, 64K)
expect mprotect(s, 64K, PROT_EXEC) == 0
expect_fault { peek(s) }
r = mmap(0, 64K, PROT_EXEC, MAP_PRIVATE|MAP_ANONYMOUS)
c = fork()
in c {
  expect peek(q) == 7
  expect_fault { peek(s) }
  expect_fault { peek(r) }
  expect mprotect(r, 64K, PROT_READ) == 0
  expect peek(r) == 0
}
expect_fault { peek(r) }
exit(c)
