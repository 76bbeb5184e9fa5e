package io.grpcbridge.gateway;

import static io.restassured.RestAssured.given;

/** Reads one sample from the gateway's own Prometheus endpoint, as an operator would. */
final class Metrics {

    private Metrics() {
    }

    static double value(String sampleName) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return body.lines()
                .filter(line -> line.startsWith(sampleName + " ") || line.startsWith(sampleName + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(0);
    }
}
