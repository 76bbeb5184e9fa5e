package io.grpcbridge.bench;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The figures of one run as an ordered tree of maps, lists and scalars: written as text to
 * stdout, and as one JSON object with {@code --json}.
 */
final class Report {

    private static final Set<String> HEADER = Set.of("tool", "mode", "date", "url", "ok", "rate");
    private static final int WIDTH = 100;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

    private final Map<String, Object> fields = new LinkedHashMap<>();

    Report(Options options, Map<String, Object> parameters) {
        fields.put("tool", "bench");
        fields.put("mode", options.mode().name().toLowerCase(Locale.ROOT));
        fields.put("date", DATE.format(OffsetDateTime.now()));
        fields.put("url", options.url().toString());
        fields.put("ok", false);
        fields.put("errors", 0L);
        fields.put("parameters", parameters);
    }

    Report put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    /** The run's headline rate; "rate" names it, for charts. */
    Report rate(String key, double perSecond) {
        fields.put("rate", key);
        fields.put(key, perSecond);
        return this;
    }

    /** An ordered map of key, value, key, value… */
    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** ok: nothing failed and the run measured something; errors: every failure counted. */
    Report verdict(boolean ok, long errors) {
        fields.put("ok", ok);
        fields.put("errors", errors);
        return this;
    }

    boolean ok() {
        return Boolean.TRUE.equals(fields.get("ok"));
    }

    Map<String, Object> fields() {
        return fields;
    }

    String text() {
        StringBuilder b = new StringBuilder();
        b.append("bench ").append(fields.get("mode")).append("  ").append(fields.get("url")).append("  ")
                .append(fields.get("date")).append("  ").append(ok() ? "OK" : "NOT OK").append('\n');
        fields.forEach((key, value) -> {
            if (!HEADER.contains(key)) {
                line(b, "  ", key, value);
            }
        });
        return b.toString();
    }

    private static void line(StringBuilder b, String indent, String key, Object value) {
        String head = indent + String.format("%-24s ", key);
        if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map) {
            b.append(head.stripTrailing()).append('\n');
            for (Object item : list) {
                wrap(b, indent + "    ", items((Map<?, ?>) item));
            }
        } else if (value instanceof Map<?, ?> map) {
            List<String> items = map.isEmpty() ? List.of("{}") : items(map);
            if (items.stream().allMatch(i -> i.length() <= WIDTH - head.length())) {
                wrap(b, head, items);
            } else {
                b.append(head.stripTrailing()).append('\n');
                map.forEach((k, v) -> line(b, indent + "  ", String.valueOf(k), v));
            }
        } else {
            b.append(head).append(inline(value)).append('\n');
        }
    }

    /** Items joined by two spaces, wrapped at WIDTH under the first item. */
    private static void wrap(StringBuilder b, String head, List<String> items) {
        String pad = " ".repeat(head.length());
        StringBuilder line = new StringBuilder(head);
        boolean first = true;
        for (String item : items) {
            if (!first && line.length() + 2 + item.length() > WIDTH) {
                b.append(line).append('\n');
                line = new StringBuilder(pad);
                first = true;
            }
            line.append(first ? "" : "  ").append(item);
            first = false;
        }
        b.append(line).append('\n');
    }

    private static List<String> items(Map<?, ?> map) {
        List<String> items = new ArrayList<>();
        map.forEach((k, v) -> items.add(k + "=" + inline(v)));
        return items;
    }

    private static String inline(Object v) {
        if (v instanceof Map<?, ?> m) {
            return "{" + String.join(" ", items(m)) + "}";
        }
        if (v instanceof List<?> l) {
            return l.stream().map(Report::inline).collect(Collectors.joining(", ", "[", "]"));
        }
        return scalar(v);
    }

    private static String scalar(Object v) {
        if (v instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? d.toString() : BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(v);
    }
}
