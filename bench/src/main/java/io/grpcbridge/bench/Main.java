package io.grpcbridge.bench;

import java.util.Arrays;

/** {@code java -jar bench.jar <mode> ...}: see bench/README.md. Exit 0 ok, 1 failures seen, 2 bad usage or target. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("chart")) {
            System.setProperty("java.awt.headless", "true");
            return Chart.run(Arrays.copyOfRange(args, 1, args.length));
        }
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            System.out.print(Options.USAGE);
            return args.length == 0 ? 2 : 0;
        }
        Options options;
        Target target;
        try {
            options = Options.parse(args);
            target = Target.loopback(options.url());
            for (long pid : options.pids()) {
                if (!ProcessStats.exists(pid)) {
                    throw new UsageException("--pids: no process " + pid);
                }
            }
        } catch (UsageException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.print(Options.USAGE);
            return 2;
        }
        LoadMode mode = switch (options.mode()) {
            case LATENCY -> new LatencyMode();
            case THROUGHPUT -> new ThroughputMode();
            case CHURN -> new ChurnMode();
            case IDLE -> new IdleMode();
        };
        Report report = mode.run(options, target);
        System.out.print(report.text());
        if (options.json() != null) {
            JsonReport.write(report, options.json());
        }
        return report.ok() ? 0 : 1;
    }
}
