package io.grpcbridge.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpcbridge.testing.RecordingCall;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The caller the gateway names in x-caller-bin is read by chat-service and logged once per call. */
@QuarkusTest
class CallerLoggingTest {

    @TestHTTPResource("/")
    URL root;

    ManagedChannel channel;
    final List<String> logged = new CopyOnWriteArrayList<>();
    final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void open() {
        channel = ManagedChannelBuilder.forAddress(root.getHost(), root.getPort()).usePlaintext().build();
        Logger.getLogger(CallerLogging.class.getName()).addHandler(recorder);
    }

    @AfterEach
    void close() throws InterruptedException {
        Logger.getLogger(CallerLogging.class.getName()).removeHandler(recorder);
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void callForANamedCallerIsLoggedWithTheName() throws Exception {
        Metadata headers = new Metadata();
        headers.put(CallerLogging.CALLER, "张三".getBytes(StandardCharsets.UTF_8));
        RecordingCall call = RecordingCall.open(ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)))
                .send("hi");
        call.halfClose();

        assertThat(call.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(call.outputs).containsExactly("服务端返回: hi");
        assertThat(logged).containsExactly("chat.Chat/BidStream called by 张三");
    }

    @Test
    void anonymousCallIsNotLogged() throws Exception {
        RecordingCall call = RecordingCall.open(channel).send("hi");
        call.halfClose();

        assertThat(call.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(logged).isEmpty();
    }
}
