package io.grpcbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.grpcbridge.gateway.config.GatewayConfig;
import io.smallrye.config.WithDefault;

/** The README's configuration table names every gateway property with the default the code has. */
class ReadmeConfigurationTest {

    /** A table row: | `gateway.x.y` | default | what it does | */
    private static final Pattern ROW = Pattern.compile("^\\| `(gateway\\.[a-z.<>-]+)` \\| ([^|]+) \\|", Pattern.MULTILINE);
    private static final String NO_DEFAULT = "(no default)";

    @Test
    void everyGatewayPropertyIsInTheReadmeWithItsDefault() throws IOException {
        assertThat(readmeRows()).isEqualTo(declared("gateway", GatewayConfig.class, new TreeMap<>()));
    }

    private static Map<String, String> readmeRows() throws IOException {
        Matcher row = ROW.matcher(Files.readString(Path.of("..", "README.md")));
        Map<String, String> rows = new TreeMap<>();
        while (row.find()) {
            String shown = row.group(2).trim().replace("`", "");
            rows.put(row.group(1), shown.startsWith("(") ? NO_DEFAULT : shown);
        }
        return rows;
    }

    /** Property names and defaults as SmallRye Config derives them from the mapping's methods. */
    private static Map<String, String> declared(String prefix, Class<?> group, Map<String, String> into) {
        for (Method method : group.getDeclaredMethods()) {
            String name = prefix + "." + kebab(method.getName());
            Class<?> type = method.getReturnType();
            if (type == Map.class) {
                // A map of groups by name, e.g. gateway.backends.<name>.*
                Type values = ((ParameterizedType) method.getGenericReturnType()).getActualTypeArguments()[1];
                declared(name + ".<name>", (Class<?>) values, into);
            } else if (type.isInterface() && type.getEnclosingClass() == GatewayConfig.class) {
                declared(name, type, into);
            } else {
                WithDefault value = method.getAnnotation(WithDefault.class);
                into.put(name, value == null ? NO_DEFAULT : value.value());
            }
        }
        return into;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
