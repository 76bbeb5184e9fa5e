package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.grpcbridge.e2e.KubernetesManifest.Node;

/**
 * The shape of the Kubernetes manifests quarkus-kubernetes generated at build time
 * ({@code <module>/target/kubernetes/kubernetes.yml}): what each resource must say for the pair to
 * scale, roll and be probed, and that the figures agree with the ones measured elsewhere (the probe
 * paths answer on the packaged services; the gateway's memory figures are the JVM compose file's,
 * which MemoryModelIT measures). The DNS discovery those manifests configure runs in ReplicasByDnsIT.
 */
class KubernetesManifestsIT {

    /** CoreDNS's TTL for a Service's records (its kubernetes plugin's default). */
    private static final int CLUSTER_DNS_TTL_SECONDS = 5;

    @RegisterExtension
    static final Pair pair = Pair.perClass();

    private static final KubernetesManifest chat = KubernetesManifest.of("chat-service");
    private static final KubernetesManifest gateway = KubernetesManifest.of("ws-gateway");
    /** The gateway's environment as a pod in namespace team-a gets it. */
    private static final Map<String, String> gatewayEnvironment = gateway.environment("ws-gateway",
            Map.of("metadata.namespace", "team-a"));

    @Test
    void eachModuleIsADeploymentAndAServiceAndNothingThatNeedsACustomResource() {
        assertThat(chat.kinds()).containsExactlyInAnyOrder("Service", "Deployment");
        assertThat(gateway.kinds()).containsExactlyInAnyOrder("Service", "Deployment");
    }

    @Test
    void chatServiceIsReplicatedBehindAHeadlessService() {
        Node service = chat.resource("Service", "chat-service");
        assertThat(service.text("spec", "clusterIP")).isEqualTo("None");
        assertThat(service.list("spec", "ports")).singleElement()
                .satisfies(port -> assertThat(port.number("targetPort")).isEqualTo(containerPort(chat, "chat-service")));
        assertSelects(chat, "chat-service");
        assertThat(chat.resource("Deployment", "chat-service").number("spec", "replicas")).isGreaterThan(1);
    }

    @Test
    void theGatewayHasAnOrdinaryServiceForItsSockets() {
        Node service = gateway.resource("Service", "ws-gateway");
        assertThat(service.text("spec", "type")).isEqualTo("ClusterIP");
        assertThat(service.has("spec", "clusterIP")).as("headless").isFalse();
        assertThat(service.list("spec", "ports")).singleElement()
                .satisfies(port -> assertThat(port.number("targetPort")).isEqualTo(containerPort(gateway, "ws-gateway")));
        assertSelects(gateway, "ws-gateway");
        assertThat(gateway.resource("Deployment", "ws-gateway").number("spec", "replicas")).isGreaterThan(1);
    }

    @Test
    void theGatewayLooksUpChatServicesHeadlessServiceInItsOwnNamespace() {
        assertThat(gatewayEnvironment)
                .containsEntry("QUARKUS_GRPC_CLIENTS_CHAT_NAME_RESOLVER", "stork")
                .containsEntry("QUARKUS_STORK_CHAT_SERVICE_DISCOVERY_TYPE", "dns")
                .containsEntry("QUARKUS_STORK_CHAT_SERVICE_DISCOVERY_RECORD_TYPE", "A")
                .containsEntry("QUARKUS_STORK_CHAT_SERVICE_DISCOVERY_HOSTNAME", "chat-service.team-a.svc.cluster.local")
                .containsEntry("QUARKUS_STORK_CHAT_SERVICE_DISCOVERY_PORT",
                        String.valueOf(containerPort(chat, "chat-service")));
    }

    @Test
    void probesAreTheHealthEndpointsAndTheyAnswerOnThePackagedServices() {
        for (var module : Map.of("chat-service", chat, "ws-gateway", gateway).entrySet()) {
            Node container = module.getValue().container(module.getKey());
            ServiceProcess process = module.getKey().equals("chat-service") ? pair.chat() : pair.gateway();
            Map<String, String> paths = Map.of("livenessProbe", "/q/health/live", "readinessProbe", "/q/health/ready",
                    "startupProbe", "/q/health/started");
            paths.forEach((probe, path) -> {
                assertThat(container.text(probe, "httpGet", "path")).as(module.getKey() + " " + probe).isEqualTo(path);
                assertThat(container.number(probe, "httpGet", "port")).isEqualTo(containerPort(module.getValue(), module.getKey()));
                assertThat(process.answers(path)).as(module.getKey() + " answers " + path).isTrue();
            });
        }
    }

    @Test
    void theGatewaysMemoryIsTheMeasuredModels() {
        Node resources = gateway.container("ws-gateway").node("resources");
        ComposeService measured = ComposeService.of("ws-gateway", "docker-compose.yml", "docker-compose.jvm.yml");

        assertThat(mebibytes(resources.text("limits", "memory")) << 20).isEqualTo(measured.memLimitBytes());
        assertThat(resources.text("requests", "memory")).isEqualTo(resources.text("limits", "memory"));
        assertThat(gatewayEnvironment.get("GATEWAY_UPGRADE_MAX_CONNECTIONS"))
                .isEqualTo(measured.environment().get("GATEWAY_UPGRADE_MAX_CONNECTIONS"));
        assertThat(gatewayEnvironment.get("QUARKUS_HTTP_LIMITS_MAX_CONNECTIONS"))
                .isEqualTo(measured.environment().get("QUARKUS_HTTP_LIMITS_MAX_CONNECTIONS"));
        assertThat(gatewayEnvironment.get("GATEWAY_MEMORY_BUDGET_BYTES"))
                .isEqualTo(measured.environment().get("GATEWAY_MEMORY_BUDGET_BYTES"));
        assertThat(chat.container("chat-service").text("resources", "limits", "memory")).isNotBlank();
    }

    @Test
    void aStoppingGatewayHasTimeToLeaveTheServiceAndDrainItsSockets() {
        Node pod = gateway.resource("Deployment", "ws-gateway").node("spec", "template", "spec");
        Duration drain = Duration.parse("PT" + gatewayEnvironment.get("GATEWAY_SHUTDOWN_DRAIN_TIMEOUT"));
        int preStop = preStopSeconds(gateway, "ws-gateway");

        assertThat(preStop).isPositive();
        // The gateway waits for its drain one second longer than the drain timeout (GracefulShutdown).
        assertThat(pod.number("terminationGracePeriodSeconds")).isGreaterThan(preStop + (int) drain.toSeconds() + 1);
    }

    @Test
    void aStoppingReplicaGetsNoNewCallBeforeItsShutdownAndFinishesWithinTheGrace() throws IOException {
        Node pod = chat.resource("Deployment", "chat-service").node("spec", "template", "spec");
        Duration refresh = Duration.parse("PT" + gatewayEnvironment.get("QUARKUS_STORK_CHAT_SERVICE_DISCOVERY_REFRESH_PERIOD"));
        Duration shutdown = Duration.parse("PT" + chatServiceProperty("quarkus.shutdown.timeout"));
        int preStop = preStopSeconds(chat, "chat-service");

        // A gateway stops calling a replica once the DNS record has expired and its resolver has
        // asked Stork again (every refresh period) past Stork's kept result (one more).
        assertThat(preStop).isGreaterThanOrEqualTo(CLUSTER_DNS_TTL_SECONDS + 2 * (int) refresh.toSeconds());
        assertThat(pod.number("terminationGracePeriodSeconds")).isGreaterThan(preStop + (int) shutdown.toSeconds());
    }

    @Test
    void imagesAreTheJvmImagesAndALocallyLoadedOneIsUsed() {
        for (String module : new String[] { "chat-service", "ws-gateway" }) {
            Node container = (module.equals("chat-service") ? chat : gateway).container(module);
            assertThat(container.text("image")).endsWith("grpc-ws-bridge/" + module + ":jvm");
            assertThat(container.text("imagePullPolicy")).isEqualTo("IfNotPresent");
        }
    }

    /** The Service and the Deployment select the pods by their name alone, never by version: a selector cannot change. */
    private static void assertSelects(KubernetesManifest manifest, String name) {
        Node deployment = manifest.resource("Deployment", name);
        Map<String, String> selector = stringMap(manifest.resource("Service", name).value("spec", "selector"));
        Map<String, String> podLabels = stringMap(deployment.value("spec", "template", "metadata", "labels"));

        assertThat(selector).isEqualTo(Map.of("app.kubernetes.io/name", name));
        assertThat(stringMap(deployment.value("spec", "selector", "matchLabels"))).isEqualTo(selector);
        assertThat(podLabels).containsAllEntriesOf(selector);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> stringMap(Object value) {
        return (Map<String, String>) value;
    }

    private static int containerPort(KubernetesManifest manifest, String deployment) {
        return manifest.container(deployment).list("ports").get(0).number("containerPort");
    }

    private static int preStopSeconds(KubernetesManifest manifest, String deployment) {
        return manifest.container(deployment).number("lifecycle", "preStop", "sleep", "seconds");
    }

    private static long mebibytes(String quantity) {
        assertThat(quantity).endsWith("Mi");
        return Long.parseLong(quantity.substring(0, quantity.length() - 2));
    }

    private static String chatServiceProperty(String name) throws IOException {
        Path file = Path.of(System.getProperty("project.root", ".."), "chat-service", "src", "main", "resources",
                "application.properties");
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        return properties.getProperty(name);
    }
}
