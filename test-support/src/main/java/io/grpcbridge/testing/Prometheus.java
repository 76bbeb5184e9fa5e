package io.grpcbridge.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads samples from a service's {@code /q/metrics}, as an operator's scraper would. */
public final class Prometheus {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Prometheus() {
    }

    /**
     * The value of the first sample named {@code sampleName} (any labels), or 0 when the service
     * does not expose it yet (a counter that never moved).
     */
    public static double sample(URI service, String sampleName) {
        return scrape(service).lines()
                .filter(line -> line.startsWith(sampleName + " ") || line.startsWith(sampleName + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(0);
    }

    /** The sum of every sample named {@code sampleName} whose labels contain {@code labelText}. */
    public static double sum(URI service, String sampleName, String labelText) {
        return scrape(service).lines()
                .filter(line -> line.startsWith(sampleName + "{") && line.contains(labelText))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static String scrape(URI service) {
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
