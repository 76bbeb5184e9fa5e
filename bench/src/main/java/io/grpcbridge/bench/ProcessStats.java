package io.grpcbridge.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** CPU time and resident memory of this process and of the processes under test (Linux /proc). */
final class ProcessStats {

    /** USER_HZ, the unit of /proc/PID/stat times: 100 on every Linux ABI this runs on. */
    private static final double TICKS_PER_SECOND = 100;

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** CPU counters at one instant. */
    record Sample(long wallNanos, long selfCpuNanos, Map<Long, Long> pidTicks) {}

    private ProcessStats() {
    }

    static long self() {
        return ProcessHandle.current().pid();
    }

    static Sample sample(List<Long> pids) {
        Map<Long, Long> ticks = new LinkedHashMap<>();
        for (long pid : pids) {
            ticks.put(pid, cpuTicks(pid));
        }
        return new Sample(System.nanoTime(), OS.getProcessCpuTime(), ticks);
    }

    /** CPU use between two samples as % of one core (200 = both cores of a 2-core machine), with each pid's RSS now. */
    static Map<String, Object> cpu(Sample from, Sample to) {
        double wallSeconds = (to.wallNanos() - from.wallNanos()) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("window_s", round(wallSeconds, 2));
        m.put("self_cpu_pct", round(100 * (to.selfCpuNanos() - from.selfCpuNanos()) / 1e9 / wallSeconds, 1));
        List<Map<String, Object>> pids = new ArrayList<>();
        for (Map.Entry<Long, Long> e : from.pidTicks().entrySet()) {
            long before = e.getValue();
            long after = to.pidTicks().getOrDefault(e.getKey(), -1L);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("pid", e.getKey());
            p.put("cpu_pct", before < 0 || after < 0 ? null
                    : round(100 * (after - before) / TICKS_PER_SECOND / wallSeconds, 1));
            p.put("rss_kib", rssKib(e.getKey()));
            pids.add(p);
        }
        m.put("pids", pids);
        return m;
    }

    /** utime + stime of a process in ticks, or -1 if it is gone. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may hold spaces.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** VmRSS of a process in KiB, or -1 if it is gone. */
    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    static boolean exists(long pid) {
        return Files.isDirectory(Path.of("/proc", Long.toString(pid)));
    }

    static double round(double v, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }
}
