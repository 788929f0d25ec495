package org.mmsim.mm;

import java.util.Map;

/**
 * Linux errno values (include/uapi/asm-generic/errno-base.h, errno.h). The model returns them the
 * kernel way: a negative value {@code -Errno.EINVAL} from a call that failed.
 */
public final class Errno {
    private Errno() {}

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int E2BIG = 7;
    public static final int ENOEXEC = 8;
    public static final int EBADF = 9;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOTTY = 25;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int ESPIPE = 29;
    public static final int EROFS = 30;
    public static final int ERANGE = 34;
    public static final int ENOSYS = 38;
    public static final int EOVERFLOW = 75;
    public static final int EOPNOTSUPP = 95;
    public static final int EHWPOISON = 133;

    private static final Map<String, Long> CONSTANTS = Uapi.collect(Errno.class, "E");

    /** Every errno by its C name. */
    public static Map<String, Long> constants() { return CONSTANTS; }

    /** The C name of an errno value (positive), or its number. */
    public static String name(int errno) {
        for (var e : CONSTANTS.entrySet()) if (e.getValue() == errno) return e.getKey();
        return Integer.toString(errno);
    }

    /** True when a kernel-style return value is an error (-4095..-1), as IS_ERR_VALUE. */
    public static boolean isError(long ret) { return ret < 0 && ret >= -4095; }
}
