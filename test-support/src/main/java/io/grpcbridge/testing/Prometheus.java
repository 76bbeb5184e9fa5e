package io.grpcbridge.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** Reads samples from a service's {@code /q/metrics}, as an operator's scraper would. */
public final class Prometheus {

    /**
     * HTTP/1.1, as Prometheus scrapes. The JDK client's default, HTTP/2, first asks the server to
     * upgrade a plaintext connection (h2c); a CI run once read a scrape that lacked a meter the
     * gateway registers at startup, and that upgrade is the one step an operator's scraper never takes.
     */
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Prometheus() {
    }

    /**
     * The value of the first sample named {@code sampleName} (any labels). A meter the service does
     * not expose fails the test: a renamed meter must not read as 0.
     */
    public static double sample(URI service, String sampleName) {
        return values(service, sampleName, line -> line.startsWith(sampleName + " ") || line.startsWith(sampleName + "{"))
                .get(0);
    }

    /**
     * The sum of every sample named {@code sampleName} whose labels contain {@code labelText}; at
     * least one must exist.
     */
    public static double sum(URI service, String sampleName, String labelText) {
        return values(service, sampleName + "{…" + labelText + "…}",
                line -> line.startsWith(sampleName + "{") && line.contains(labelText))
                .stream().mapToDouble(Double::doubleValue).sum();
    }

    private static List<Double> values(URI service, String what, Predicate<String> wanted) {
        String scrape = scrape(service);
        List<Double> values = scrape.lines()
                .filter(wanted)
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .toList();
        if (values.isEmpty()) {
            throw new AssertionError(service.resolve("/q/metrics") + " has no sample " + what + " among its "
                    + scrape.lines().filter(line -> !line.startsWith("#")).count() + " samples ("
                    + scrape.length() + " characters)");
        }
        return values;
    }

    /** The whole text of {@code service}'s {@code /q/metrics}. */
    public static String scrape(URI service) {
        HttpRequest request = HttpRequest.newBuilder(service.resolve("/q/metrics")).timeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(service + "/q/metrics answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("cannot scrape " + service, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
