package io.grpcbridge.bench;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The command line of a load mode: {@code <mode> [--flag value | --flag=value]...}. */
record Options(
        Mode mode,
        URI url,
        int connections,
        int inFlight,
        boolean stream,
        boolean session,
        int calls,
        Duration warmup,
        Duration duration,
        int count,
        CloseMode close,
        Duration closeWait,
        double rate,
        Duration hold,
        Duration settle,
        Duration reqTimeout,
        Duration connectTimeout,
        Path json,
        List<Long> pids) {

    enum Mode { LATENCY, THROUGHPUT, CHURN, IDLE }

    enum CloseMode { NORMAL, ABRUPT, BOTH }

    static final String USAGE = """
            usage: java -jar bench.jar <mode> [--url ws://127.0.0.1:8080/ws] [options] [--json FILE] [--pids 123,456]
              latency     -c 1  -w 2s -d 10s [--session]   strict ping-pong on each connection
              throughput  -c 50 -k 8 -w 2s -d 10s [--stream] closed loop, k requests in flight per connection
                          [--session [--calls 1]]          (with --session: on each of its calls)
              churn       -n 2000 -c 20 --close normal|abrupt|both [--close-wait 1s]
              idle        -n 1000 --rate 500 --hold 10s [--settle 2s]
              chart       --out FILE.png [--title T] [--label L] result.json [[--label L] result.json]...
            every load mode: --req-timeout 5s --connect-timeout 5s; durations: 10s, 500ms, 1m or bare seconds
            --url ws://host:port/ws speaks protocol v1; a method socket's URL, ws://host:port/ws/chat.Chat/BidStream,
            its envelope frames (the same chat, no echo); --session (latency, throughput) protocol v2 at /session
            (a --url ending in /ws is taken to its /session), each connection a session of --calls chat calls
            """;

    private static final Set<Mode> ALL = EnumSet.allOf(Mode.class);
    private static final Set<Mode> LOOPS = EnumSet.of(Mode.LATENCY, Mode.THROUGHPUT);
    private static final Map<String, Set<Mode>> FLAGS = Map.ofEntries(
            Map.entry("url", ALL),
            Map.entry("json", ALL),
            Map.entry("pids", ALL),
            Map.entry("req-timeout", ALL),
            Map.entry("connect-timeout", ALL),
            Map.entry("connections", EnumSet.of(Mode.LATENCY, Mode.THROUGHPUT, Mode.CHURN)),
            Map.entry("in-flight", EnumSet.of(Mode.THROUGHPUT)),
            Map.entry("stream", EnumSet.of(Mode.THROUGHPUT)),
            Map.entry("session", LOOPS),
            Map.entry("calls", EnumSet.of(Mode.THROUGHPUT)),
            Map.entry("warmup", LOOPS),
            Map.entry("duration", LOOPS),
            Map.entry("count", EnumSet.of(Mode.CHURN, Mode.IDLE)),
            Map.entry("close", EnumSet.of(Mode.CHURN)),
            Map.entry("close-wait", EnumSet.of(Mode.CHURN)),
            Map.entry("rate", EnumSet.of(Mode.IDLE)),
            Map.entry("hold", EnumSet.of(Mode.IDLE)),
            Map.entry("settle", EnumSet.of(Mode.IDLE)));
    /** Options that take no value. */
    private static final Set<String> SWITCHES = Set.of("stream", "session");
    private static final Map<String, String> ALIASES = Map.of(
            "c", "connections", "k", "in-flight", "w", "warmup", "d", "duration",
            "n", "count", "cycles", "count", "sockets", "count");

    static Options parse(String[] args) throws UsageException {
        if (args.length == 0) {
            throw new UsageException("no mode given");
        }
        Mode mode;
        try {
            mode = Mode.valueOf(args[0].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("unknown mode '" + args[0] + "'");
        }
        Map<String, String> given = flags(mode, args);
        boolean session = given.containsKey("session");
        if (given.containsKey("calls") && !session) {
            throw new UsageException("--calls needs --session");
        }
        return new Options(
                mode,
                url(given.getOrDefault("url", "ws://127.0.0.1:8080/ws"), session),
                positive(given, "connections", mode == Mode.LATENCY ? 1 : mode == Mode.CHURN ? 20 : 50),
                mode == Mode.LATENCY ? 1 : positive(given, "in-flight", 8),
                given.containsKey("stream"),
                session,
                positive(given, "calls", 1),
                duration(given, "warmup", "2s", true),
                duration(given, "duration", "10s", false),
                positive(given, "count", mode == Mode.IDLE ? 1000 : 2000),
                closeMode(given.getOrDefault("close", "normal")),
                duration(given, "close-wait", "1s", false),
                rate(given.getOrDefault("rate", "500")),
                duration(given, "hold", "10s", true),
                duration(given, "settle", "2s", true),
                duration(given, "req-timeout", "5s", false),
                duration(given, "connect-timeout", "5s", false),
                given.containsKey("json") ? Path.of(given.get("json")) : null,
                pids(given.getOrDefault("pids", "")));
    }

    private static Map<String, String> flags(Mode mode, String[] args) throws UsageException {
        Map<String, String> given = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            String name = arg.replaceFirst("^--?", "");
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            name = ALIASES.getOrDefault(name, name);
            Set<Mode> modes = FLAGS.get(name);
            if (modes == null) {
                throw new UsageException("unknown option '" + arg + "'");
            }
            if (!modes.contains(mode)) {
                throw new UsageException("option '" + arg + "' does not apply to " + mode.name().toLowerCase(Locale.ROOT));
            }
            if (SWITCHES.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                value = "";
            } else if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException("option '" + arg + "' needs a value");
                }
                value = args[++i];
            }
            if (given.put(name, value) != null) {
                throw new UsageException("option --" + name + " given twice");
            }
        }
        return given;
    }

    /** With {@code session}, the session endpoint: {@code /session} as given, or in place of {@code /ws}. */
    private static URI url(String s, boolean session) throws UsageException {
        try {
            URI u = new URI(s);
            if (!"ws".equals(u.getScheme()) || u.getHost() == null) {
                throw new UsageException("--url must be ws://host[:port]/path (got '" + s + "')");
            }
            boolean atSession = SessionProtocol.PATH.equals(u.getRawPath());
            if (atSession && !session) {
                throw new UsageException("--url " + s + " speaks protocol v2: add --session");
            }
            if (session && !atSession) {
                if (!"/ws".equals(u.getRawPath())) {
                    throw new UsageException("--session needs a --url ending in /session or /ws (got '" + s + "')");
                }
                u = new URI("ws://" + u.getRawAuthority() + SessionProtocol.PATH + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
            }
            return u;
        } catch (URISyntaxException e) {
            throw new UsageException("bad --url '" + s + "': " + e.getMessage());
        }
    }

    private static int positive(Map<String, String> given, String name, int dflt) throws UsageException {
        String s = given.get(name);
        if (s == null) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(s);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException("--" + name + " must be a positive integer (got '" + s + "')");
    }

    private static double rate(String s) throws UsageException {
        try {
            double v = Double.parseDouble(s);
            if (v > 0 && Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException("--rate must be a positive number of sockets per second (got '" + s + "')");
    }

    private static CloseMode closeMode(String s) throws UsageException {
        try {
            return CloseMode.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--close must be normal, abrupt or both (got '" + s + "')");
        }
    }

    private static Duration duration(Map<String, String> given, String name, String dflt, boolean zeroOk)
            throws UsageException {
        Duration d = parseDuration(given.getOrDefault(name, dflt));
        if (d == null || d.isNegative() || (d.isZero() && !zeroOk)) {
            throw new UsageException("--" + name + " must be a duration" + (zeroOk ? " ≥ 0" : " > 0")
                    + " such as 10s, 500ms, 1m or 2.5 (got '" + given.get(name) + "')");
        }
        return d;
    }

    /** {@code 10s}, {@code 500ms}, {@code 1m}, or bare (possibly fractional) seconds; null if none of these. */
    static Duration parseDuration(String s) {
        String number = s;
        double unitNanos = 1e9;
        if (s.endsWith("ms")) {
            number = s.substring(0, s.length() - 2);
            unitNanos = 1e6;
        } else if (s.endsWith("s")) {
            number = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            number = s.substring(0, s.length() - 1);
            unitNanos = 60e9;
        }
        try {
            double v = Double.parseDouble(number);
            return Double.isFinite(v) ? Duration.ofNanos(Math.round(v * unitNanos)) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static List<Long> pids(String s) throws UsageException {
        List<Long> out = new ArrayList<>();
        for (String part : s.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                long pid = Long.parseLong(part.trim());
                if (pid > 0) {
                    out.add(pid);
                    continue;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new UsageException("--pids takes process ids separated by commas (got '" + part + "')");
        }
        return List.copyOf(out);
    }
}
